"""The three ways into a course page, each in Chromium from another origin: the /embed iframe,
the <backprop-graph> element, and the standalone HTML file opened from file:// offline.

The host page is served by a plain static server on another port of 127.0.0.1: another origin
to the app, as a university CMS or GitHub Pages would be."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Frame, Locator, Page

from tests.browser.conftest import Traffic, open_page, screenshot
from tests.browser.helpers import (
    LECTURE,
    LECTURE_VALUES,
    graph_json,
    node_id,
    number,
    open_app,
    permalink,
)
from tests.browser.test_safety import assert_accessible

pytestmark = pytest.mark.browser

# document.fonts.check() is also true when no face matches: ask for a loaded KaTeX face.
KATEX_FONT_LOADED = (
    "[...document.fonts].some((f) => f.family.replaceAll('\"', '') === 'KaTeX_Main'"
    " && f.status === 'loaded')"
)
LECTURE_QUERY = f"expr={quote(LECTURE)}&x=1&y=2&z=0"
# What a course page would paste: the iframe with the README's resize listener (which also
# records what arrives), the
# element, and an iframe of the main page, which must refuse to be framed.
HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lecture 4: backpropagation</title>
<script type="module" src="{app}/static/embed.js"></script>
<style>body {{ font-family: serif; max-width: 980px; margin: 1rem auto; padding: 0 1rem; }}</style>
</head><body>
<h1>Lecture 4: backpropagation</h1>
<h2>As an iframe</h2>
<iframe id="iframe-embed" src="{app}/embed?{query}&autoplay=1&speed=4" title="The lecture's graph"
  width="100%" height="300" style="border:0"></iframe>
<h2>As an element</h2>
<backprop-graph expr="{expr}" values="x=1,y=2,z=0" autoplay speed="4"></backprop-graph>
<h2>The main page (refuses to be framed)</h2>
<iframe id="main-page" src="{app}/?{query}" title="Main page" width="100%" height="120"></iframe>
<script>
  window.resizes = [];
  addEventListener("message", (event) => {{
    if (event.data?.type !== "backprop-explorer:resize") return;
    window.resizes.push({{origin: event.origin, height: event.data.height}});
    for (const frame of document.querySelectorAll("iframe"))
      if (frame.contentWindow === event.source) frame.style.height = event.data.height + "px";
  }});
</script>
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def host_origin(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A static course page on another port: another origin to the app."""
    folder = tmp_path_factory.mktemp("course-site")
    page = HOST_PAGE.format(app=live_server, query=LECTURE_QUERY, expr=LECTURE)
    (folder / "index.html").write_text(page, encoding="utf-8")
    (folder / "favicon.ico").write_bytes(b"")
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def lecture_gradients(root: Page | Frame | Locator, graph: dict[str, Any]) -> dict[str, float]:
    """The gradient printed under each input of the drawing."""
    return {
        name: number(root.locator(f"[data-for={node_id(graph, name)}] .bp-grad"))
        for name in LECTURE_VALUES
    }


def wait_until_played(root: Page | Frame | Locator, steps: int) -> None:
    """Autoplay has run both passes and stopped."""
    root.locator(f".bp-embed-graph[data-step='{steps}']").wait_for(timeout=20_000)
    root.locator("button[data-action=play][aria-pressed=false]").wait_for()


def test_iframe_and_element_on_a_page_of_another_origin(
    browser: Browser, host_origin: str, live_server: str, api: httpx.Client, traffic: Traffic
) -> None:
    graph = graph_json(api, LECTURE, LECTURE_VALUES)
    steps = 2 * len(graph["nodes"])
    # Tall enough to paint both embeds: Chromium leaves a cross-origin frame out of view blank.
    host = open_page(browser, traffic, viewport={"width": 1200, "height": 2100})
    host.goto(f"{host_origin}/index.html")

    frame = host.frame_locator("#iframe-embed")
    element = host.locator("backprop-graph")  # Playwright's locators pierce the shadow root
    wait_until_played(frame.locator("body"), steps)
    wait_until_played(element, steps)
    assert lecture_gradients(frame.locator("body"), graph) == graph["gradients"]
    assert lecture_gradients(element, graph) == graph["gradients"] == {"x": 2, "y": 5, "z": 0}
    assert "∂f/∂y = 5" in element.locator(".bp-result").inner_text()

    # The element's inspector typesets with KaTeX, whose fonts come from the app's origin.
    element.locator(f"[data-node={node_id(graph, 'b')}]").click()
    element.locator(".bp-card .katex").first.wait_for()
    host.wait_for_function(KATEX_FONT_LOADED)
    assert element.evaluate("el => el.shadowRoot.querySelectorAll('.bp-node').length") == 6

    host.wait_for_function("window.resizes.length > 0")
    resizes = host.evaluate("window.resizes")
    assert {r["origin"] for r in resizes} == {live_server}
    body_height = frame.locator("html").evaluate("el => el.getBoundingClientRect().height")
    assert abs(resizes[-1]["height"] - body_height) <= 1
    assert host.locator("#iframe-embed").evaluate("el => el.offsetHeight") == resizes[-1]["height"]

    screenshot(host, "embed-host-page")
    assert_main_page_refused(host, live_server)
    host.context.close()
    assert traffic.external == []
    refused = [e for e in traffic.errors if "frame-ancestors 'self'" in e]
    assert refused, f"Chromium did not report the main page's CSP block: {traffic.errors}"
    assert [e for e in traffic.errors if e not in refused] == []


def assert_main_page_refused(host: Page, live_server: str) -> None:
    """The iframe of / shows Chromium's error page, not the app."""
    framed = host.locator("#main-page").element_handle()
    main_frame = framed.content_frame() if framed else None
    assert main_frame is not None
    assert not main_frame.url.startswith(live_server), main_frame.url
    assert main_frame.locator("#app").count() == 0


def test_embed_alone_is_clean_and_accessible(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/embed?{LECTURE_QUERY}&sel=n4&theme=dark")
    page.locator(".bp-embed[data-state=ready]").wait_for()
    page.locator(".bp-embed-inspector .bp-card .katex").first.wait_for()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.locator(".bp-editor, #editor").count() == 0  # no editor chrome
    assert_accessible(page)


def test_embed_is_responsive_and_can_hide_the_controls(
    browser: Browser, live_server: str, traffic: Traffic
) -> None:
    phone = open_page(browser, traffic, viewport={"width": 360, "height": 640})
    phone.goto(f"{live_server}/embed?{LECTURE_QUERY}&controls=0")
    phone.locator(".bp-embed[data-state=ready]").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    graph_box = phone.locator(".bp-embed-graph").bounding_box()
    inspector_box = phone.locator(".bp-embed-inspector").bounding_box()
    assert graph_box and inspector_box and inspector_box["y"] > graph_box["y"] + 100  # stacked
    assert not phone.locator("button[data-action=play]").is_visible()
    screenshot(phone, "embed-phone", full_page=True)
    phone.context.close()
    assert traffic.errors == []


def open_offline(browser: Browser, exported: Path) -> tuple[Page, list[str], list[str]]:
    """The exported file from file://, with every request that would leave it aborted."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    attempted: list[str] = []
    errors: list[str] = []

    def offline(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "blob:", "data:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    context.route("**/*", offline)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(exported.as_uri())
    page.locator(".bp-embed[data-state=ready]").wait_for()
    return page, attempted, errors


def export_to_file(api: httpx.Client, params: dict[str, Any], path: Path) -> Path:
    export = api.get("/api/v1/export/html", params=params)
    export.raise_for_status()
    path.write_bytes(export.content)
    return path


def test_exported_file_plays_offline(
    browser: Browser, live_server: str, api: httpx.Client, tmp_path: Path
) -> None:
    graph = graph_json(api, LECTURE, LECTURE_VALUES)
    steps = 2 * len(graph["nodes"])
    params = {"expr": LECTURE, **LECTURE_VALUES}
    exported = export_to_file(api, params, tmp_path / "lecture.html")
    page, attempted, errors = open_offline(browser, exported)
    assert page.inner_text(".bp-counter") == f"0 / {steps}"
    page.select_option(".bp-speed", "4")
    page.click("button[data-action=play]")
    wait_until_played(page, steps)
    assert lecture_gradients(page, graph) == graph["gradients"]
    page.click(f"[data-node={node_id(graph, 'b')}]")
    card = page.locator(".bp-card").first
    card.locator(".katex").first.wait_for()
    assert number(card.locator("[data-field=downstream]")) == 3.0  # y's share through max
    page.wait_for_function(KATEX_FONT_LOADED)
    screenshot(page, "embed-standalone-export", full_page=True)
    page.context.close()
    assert attempted == []
    assert errors == []


def test_exported_tensor_file_plays_offline(
    browser: Browser, live_server: str, api: httpx.Client, tmp_path: Path
) -> None:
    values = {"u": "[1, -1]", "W": "[[1, 2, 3], [4, 5, 6]]", "x": "[0.1, 0.2, 0.3]", "b": "[0, 1]"}
    params = {"expr": "u.T @ sigmoid(W @ x + b)", **values}
    graph = api.get("/api/v1/graph", params=params).json()
    exported = export_to_file(api, params, tmp_path / "layer.html")
    page, attempted, errors = open_offline(browser, exported)
    steps = 2 * len(graph["nodes"])
    page.select_option(".bp-speed", "4")
    page.click("button[data-action=play]")
    wait_until_played(page, steps)
    assert page.locator(".bp-embed [data-node]").count() == len(graph["nodes"])
    page.context.close()
    assert attempted == []
    assert errors == []


def test_main_page_copies_embed_code_and_downloads_the_export(
    browser: Browser, live_server: str, traffic: Traffic, tmp_path: Path
) -> None:
    page = open_page(browser, traffic, permissions=["clipboard-read", "clipboard-write"])
    open_app(page, permalink(live_server, "x*y_1", {"x": 2, "y_1": -3}, step=3))
    page.get_by_role("button", name="Copy embed code").click()
    page.get_by_text("Embed code copied").wait_for()
    snippet = page.evaluate("navigator.clipboard.readText()")
    src = f"{live_server}/embed?expr=x*y_1&amp;x=2&amp;y_1=-3&amp;step=3"
    assert snippet.startswith(f'<iframe src="{src}" title="Backprop Explorer: x*y_1"')

    hostile = page.evaluate(
        "async () => (await import('/static/js/embed-code.js'))"
        ".iframeSnippet('http://h/embed?expr=\"><b>', '</title><script>x</script>')"
    )
    assert "<script>" not in hostile and "<b>" not in hostile and "&quot;&gt;&lt;b&gt;" in hostile

    page.click("[data-node=n1]")  # y_1, inspected
    with page.expect_download() as download:
        page.get_by_role("button", name="HTML", exact=True).click()
    assert download.value.suggested_filename == "backprop-x_y_1.html"
    exported_path = tmp_path / download.value.suggested_filename
    download.value.save_as(exported_path)  # the download goes with its context
    exported = exported_path.read_text(encoding="utf-8")
    assert '"gradients": {"x": -3.0, "y_1": 2.0}' in exported
    page.context.close()
    assert traffic.errors == []

    # The file opens where the view was: step 3 of 6, y_1 in the inspector.
    offline, attempted, errors = open_offline(browser, exported_path)
    assert offline.inner_text(".bp-counter") == "3 / 6"
    offline.locator(".bp-inspector-body .bp-kind").wait_for()
    assert offline.text_content(".bp-inspector-body .bp-kind") == "Input"  # shown in capitals
    assert offline.locator("[data-node=n1].is-selected").count() == 1
    assert offline.inner_text(".bp-timing") == (  # y_1's backward step: 3 + 2 (f first)
        "At step 3 the backward pass has not reached y_1 yet (it does at step 5): the "
        "gradients below are the ones it will compute."
    )
    screenshot(offline, "export-at-the-views-step")
    offline.context.close()
    assert attempted == errors == []
