"""What people see, saved as screenshots (artifacts/screenshots/, for a person to look at),
and the big-graph paths: the layout worker with its progress, the table above the cap."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from app.config import Settings
from bench.graphs import sized_expression
from tests.browser.conftest import Traffic, open_page, screenshot
from tests.browser.helpers import (
    BAD_EXPRESSION,
    LECTURE,
    LECTURE_VALUES,
    NEURON,
    NEURON_VALUES,
    number,
    open_app,
    permalink,
    wait_for_state,
)

pytestmark = pytest.mark.browser

# Installed before the page's own scripts: notes whether the layout progress ever showed and
# whether any token travelled along a wire.
WATCH = """
window.__seen = {progress: false, tokens: 0};
new MutationObserver((records) => {
  for (const record of records) {
    if (record.target.classList?.contains('bp-progress') && !record.target.hidden) window.__seen.progress = true;
    for (const node of record.addedNodes) if (node.classList?.contains('bp-token')) window.__seen.tokens += 1;
  }
}).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['hidden']});
"""


@pytest.fixture
def watched(browser: Browser, traffic: Traffic) -> Iterator[Page]:
    page = open_page(browser, traffic)
    page.add_init_script(WATCH)
    yield page
    page.context.close()
    assert traffic.external == [] and traffic.errors == []


def test_screenshot_lecture_after_backward(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES, sel="n4"))
    page.locator("#inspector .bp-card").first.wait_for()
    assert page.inner_text(".bp-counter") == "12 / 12"
    screenshot(page, "lecture-after-backward", full_page=True)


def test_screenshot_sigmoid_neuron(page: Page, live_server: str, api: httpx.Client) -> None:
    open_app(page, permalink(live_server, NEURON, NEURON_VALUES))
    exp_gate = next(
        n["id"]
        for n in api.post(
            "/api/v1/graph", json={"expression": NEURON, "values": NEURON_VALUES}
        ).json()["nodes"]
        if n["op"] == "exp"
    )
    page.click(f"[data-node={exp_gate}]")
    page.locator("#inspector .bp-plot").wait_for()
    assert number(page.locator(".bp-stub .bp-value")) == 0.7311
    screenshot(page, "sigmoid-neuron", full_page=False)


def test_screenshot_error(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.fill(".bp-expr-input", BAD_EXPRESSION)
    wait_for_state(page, "error")
    screenshot(page, "error", clip={"x": 0, "y": 0, "width": 1400, "height": 700})


def test_screenshot_dark_mode_by_the_toggle(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES, sel="e2"))
    page.click("#theme-toggle")
    assert page.get_attribute("#theme-toggle", "aria-pressed") == "true"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 23, 28)"
    page.locator("#inspector .bp-plot").wait_for()
    screenshot(page, "dark-mode", full_page=True)
    page.reload()  # the choice is remembered
    wait_for_state(page)
    assert page.get_attribute("html", "data-theme") == "dark"


def test_screenshot_phone(browser: Browser, live_server: str, traffic: Traffic) -> None:
    page = open_page(
        browser, traffic, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    screenshot(page, "phone", full_page=True)
    # The key stacks above a graph narrower than it, so the graph is not shrunk to the key's
    # width: the wire numbers stay readable (they were 9 px tall with the key on one line).
    heights = page.eval_on_selector_all(
        "[data-for] .bp-grad",
        "els => els.map(e => e.getBoundingClientRect().height).filter(h => h > 0)",
    )
    assert heights and min(heights) >= 12, heights
    page.context.close()


def test_value_rows_do_not_overlap_on_a_wide_screen(
    browser: Browser, live_server: str, traffic: Traffic
) -> None:
    page = open_page(browser, traffic, viewport={"width": 1920, "height": 1080})
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    boxes = page.eval_on_selector_all(
        ".bp-var input, .bp-var button",
        "els => els.map(e => { const r = e.getBoundingClientRect(); "
        "return [r.left, r.top, r.right, r.bottom]; })",
    )
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)  # the [ ] button covered the slider's maximum field
    page.context.close()


def test_300_nodes_lay_out_in_a_worker_with_progress(
    watched: Page, live_server: str, traffic: Traffic
) -> None:
    expression, values = sized_expression(300)
    open_app(watched, permalink(live_server, expression, values))
    assert watched.locator(".bp-graph .bp-node").count() == 300
    assert any(url.endswith("/static/js/layout-worker.js") for url in traffic.requested)
    assert watched.evaluate("window.__seen.progress")
    assert watched.locator(".bp-progress").is_hidden()
    screenshot(watched.locator("#graph-panel"), "graph-300-nodes")
    for _ in range(4):
        watched.get_by_role("button", name="Zoom in").click()
    screenshot(watched.locator("#graph-panel"), "graph-300-nodes-zoomed")


def test_above_the_cap_the_table_replaces_the_drawing(page: Page, live_server: str) -> None:
    cap = Settings().page_layout_cap
    expression, values = sized_expression(cap + 1)
    open_app(page, permalink(live_server, expression, values))
    assert page.locator(".bp-graph .bp-node").count() == 0
    assert f"more than the {cap:,}" in page.inner_text(".bp-notice")
    assert page.locator("#table tbody tr[data-node]").count() == 500  # the first page of rows
    page.get_by_role("button", name="Show 500 more").first.click()
    assert page.locator("#table tbody tr[data-node]").count() == 1000
    assert page.locator("button[data-action=play]").is_disabled()


def test_tokens_travel_unless_motion_is_reduced(
    watched: Page, live_server: str, browser: Browser, traffic: Traffic
) -> None:
    open_app(watched, permalink(live_server, LECTURE, LECTURE_VALUES, step=2))
    watched.click("button[data-action=forward]")  # a = x + y: x and y travel into a
    watched.wait_for_function("() => window.__seen.tokens >= 2")

    still = open_page(browser, traffic, reduced_motion="reduce")
    still.add_init_script(WATCH)
    open_app(still, permalink(live_server, LECTURE, LECTURE_VALUES, step=0))
    still.select_option(".bp-speed", "4")
    still.click("button[data-action=play]")
    still.wait_for_selector("#graph-panel[data-step='6']")
    still.click("button[data-action=play]")  # pause
    assert still.evaluate("window.__seen.tokens") == 0
    assert still.inner_text(".bp-caption").startswith(
        "Forward 6 of 6"
    ) or "Backward" in still.inner_text(".bp-caption")
    still.context.close()
