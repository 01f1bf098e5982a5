"""The page's server side: the HTML, the static files, the vendored libraries, and the rule
that nothing is loaded from the network (checked in the files; the browser tests check it live)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.pages import STATIC_DIR

ROOT = Path(__file__).resolve().parents[2]
JS = sorted((STATIC_DIR / "js").glob("*.js"))
IMPORT = re.compile(
    r"""(?:import|export)\s[^"';]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']|new URL\(\s*["']([^"']+)["']"""
)


class Assets(HTMLParser):
    """Every script and stylesheet a page references, and whether any script is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            if attributes.get("src"):
                self.urls.append(attributes["src"] or "")
            else:
                self.inline_scripts += 1
        if tag == "link" and attributes.get("href") and attributes.get("rel") != "alternate":
            self.urls.append(attributes["href"] or "")


def page_assets(html: str) -> Assets:
    parser = Assets()
    parser.feed(html)
    return parser


def test_the_page_is_served_with_the_strict_csp(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-security-policy"].startswith("default-src 'self';")
    assert 'data-api="/api/v1"' in response.text
    assert page_assets(response.text).inline_scripts == 0  # the CSP would block them


def test_every_asset_of_the_page_is_served(client: TestClient) -> None:
    assets = page_assets(client.get("/").text)
    assert "/static/js/main.js" in assets.urls
    for url in assets.urls:
        assert url.startswith("/static/"), url
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("module", JS, ids=[path.name for path in JS])
def test_every_module_import_resolves(module: Path) -> None:
    for match in IMPORT.finditer(module.read_text(encoding="utf-8")):
        target = next(group for group in match.groups() if group)
        assert target.startswith("."), f"{module.name} imports {target} by a bare or absolute name"
        assert (module.parent / target).resolve().is_file(), f"{module.name}: {target} is missing"


# A URL in a place that loads it: an import, a stylesheet url(), a src or href attribute.
NETWORK_LOAD = re.compile(
    r"""(?:from\s*["']|import\s*\(\s*["']|url\(\s*["']?|src\s*=\s*["']?|href\s*=\s*["']?|@import\s*["']?)(?:https?:)?//"""
)


def test_the_network_check_catches_what_it_should() -> None:
    loads = ['import k from "https://cdn.example/katex.mjs"', "url(//fonts.example/a.woff2)",
             '<script src="https://cdn.example/x.js">', "await import('http://x/y.js')"]  # fmt: skip
    assert all(NETWORK_LOAD.search(text) for text in loads)
    assert not NETWORK_LOAD.search('createElementNS("http://www.w3.org/2000/svg", "svg")')


def test_nothing_is_loaded_from_the_network() -> None:
    sources = [*STATIC_DIR.rglob("*.js"), *STATIC_DIR.rglob("*.mjs"), *STATIC_DIR.rglob("*.css")]
    sources += [*(ROOT / "templates").rglob("*.html")]
    assert len(sources) > 20
    for path in sources:
        match = NETWORK_LOAD.search(path.read_text(encoding="utf-8"))
        assert match is None, (
            f"{path.relative_to(ROOT)} loads from the network: {match and match[0]}"
        )


def test_vendored_libraries_are_pinned_and_licensed() -> None:
    folders = [p for p in (STATIC_DIR / "vendor").iterdir() if p.is_dir()]
    folders += [p for p in (ROOT / "tests" / "vendor").iterdir() if p.is_dir()]
    assert {p.name for p in folders} >= {"dagre-3.1.3", "katex-0.19.1", "axe-core-4.14.1"}
    readme = (STATIC_DIR / "vendor" / "README.md").read_text(encoding="utf-8")
    for folder in folders:
        assert re.search(r"-\d+\.\d+\.\d+$", folder.name), f"{folder.name} has no pinned version"
        assert (folder / "LICENSE").is_file(), f"{folder.name} has no licence"
        assert folder.name.rsplit("-", 1)[0].split("-")[0] in readme


def test_the_app_starts_from_any_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    client = TestClient(create_app(Settings(page_layout_cap=77)))
    page = client.get("/")
    assert page.status_code == 200 and 'data-layout-cap="77"' in page.text
    assert client.get("/static/js/main.js").status_code == 200
    assert (
        client.get("/static/vendor/katex-0.19.1/fonts/KaTeX_Main-Regular.woff2").status_code == 200
    )


def test_static_files_stay_inside_static(client: TestClient) -> None:
    assert client.get("/static/../app/main.py").status_code == 404
    assert client.get("/static/%2e%2e/pyproject.toml").status_code == 404


def oembed_link(html: str) -> str:
    match = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html)
    assert match, "no oEmbed discovery link"
    return match[1].replace("&amp;", "&")


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_pages_carry_the_oembed_discovery_link(client: TestClient, path: str) -> None:
    url = f"http://testserver{path}?expr=x*y&x=1&y=2"
    html = client.get(url).text
    answer = client.get(oembed_link(html).removeprefix("http://testserver")).json()
    assert answer["type"] == "rich"
    assert "/embed?expr=x*y&amp;x=1&amp;y=2" in answer["html"]


def test_embed_page_has_no_editor_and_escapes_the_title(client: TestClient) -> None:
    hostile = '"><script>alert(1)</script>'
    response = client.get("/embed", params={"expr": hostile, "x": 1, "autoplay": 1})
    assert response.status_code == 200
    assets = page_assets(response.text)
    assert assets.inline_scripts == 0
    assert "/static/js/embed-page.js" in assets.urls and "/static/js/main.js" not in assets.urls
    assert "<script>alert" not in response.text
    assert "Backprop Explorer: &#34;&gt;&lt;script&gt;" in response.text
    assert 'id="editor"' not in response.text
    for url in assets.urls:
        assert client.get(url).status_code == 200, url


def test_embed_title_takes_the_apis_name_for_the_expression(client: TestClient) -> None:
    """A hand-written link may say expression= as the API does; expr= wins where both are."""
    assert "<title>Backprop Explorer: x*x</title>" in client.get("/embed?expression=x*x&x=3").text
    both = client.get("/embed?expr=2*expression&expression=4").text
    assert "<title>Backprop Explorer: 2*expression</title>" in both
    empty = client.get("/embed?expr=&expression=x*x").text  # expr is there, though empty
    assert "<title>Backprop Explorer: x*x</title>" not in empty


def test_embed_links_back_to_the_page_without_its_own_keys(client: TestClient) -> None:
    html = client.get("/embed?expr=x&x=2&autoplay=1&controls=0&theme=dark&speed=2").text
    assert 'href="http://testserver/?expr=x&amp;x=2"' in html
