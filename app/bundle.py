"""One self-contained HTML file from the page's own ES modules, CSS and fonts: no build step.

A standalone export must run from `file://` with no server and no network, yet the page is a
set of ES modules importing each other by relative path. So the server collects the module
graph, rewrites each relative import to a key (`"bp:js/view.js"`), and embeds every module's
source in the HTML. A small loader turns the sources into blob: URLs, dependencies first, and
imports the entry. Stylesheets are inlined, and the fonts they use become data: URLs.
"""

from __future__ import annotations

import base64
import html
import json
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

STATIC = Path(__file__).resolve().parent.parent / "static"

_IMPORT = re.compile(
    r"""(?P<head>\b(?:import|export)\b[^"';]*?\bfrom\s*|\bimport\s*\(?\s*)"""
    r"""(?P<quote>["'])(?P<path>\.{1,2}/[^"']+)(?P=quote)"""
)
_CSS_URL = re.compile(r"""url\((?P<quote>["']?)(?P<path>[^"')]+)(?P=quote)\)""")
# Every browser that runs ES modules reads woff2; the woff and ttf copies KaTeX lists after it
# would only triple the size of an export.
_FONT_FALLBACKS = re.compile(
    r""",\s*url\([^)]*\.(?:woff|ttf)["']?\)\s*format\(["']?(?:woff|truetype)["']?\)"""
)
_KEY_PREFIX = "bp:"

# Turns the embedded sources into modules: each one's "bp:" imports point at blob: URLs of
# modules already made, so the order given by the server (dependencies first) is enough.
_LOADER = """
const bundle = JSON.parse(document.getElementById("bp-modules").textContent);
const urls = {};
for (const [key, source] of bundle.modules) {
  const linked = source.replace(/(["'])bp:([^"']+)\\1/g, (_, q, dep) => q + urls[dep] + q);
  urls[key] = URL.createObjectURL(new Blob([linked], { type: "text/javascript" }));
}
import(urls[bundle.entry]).catch((error) => {
  document.body.insertAdjacentText("afterbegin", "This page could not start: " + error);
});
"""


@dataclass(frozen=True)
class Module:
    key: str  # the path below static/, e.g. "js/view.js"
    source: str  # with relative imports rewritten to "bp:<key>"


def _key(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _imports(path: Path) -> list[Path]:
    text = path.read_text(encoding="utf-8")
    return [(path.parent / m["path"]).resolve() for m in _IMPORT.finditer(text)]


def collect_modules(entry: Path, root: Path = STATIC) -> list[Module]:
    """The entry and every module it imports by relative path, dependencies first."""
    order: list[Path] = []
    seen: set[Path] = set()
    stack: list[tuple[Path, bool]] = [(entry.resolve(), False)]
    while stack:  # iterative depth-first post-order
        path, expanded = stack.pop()
        if expanded:
            order.append(path)
            continue
        if path in seen:
            continue
        seen.add(path)
        stack.append((path, True))
        stack.extend((dep, False) for dep in reversed(_imports(path)) if dep not in seen)
    return [Module(_key(path, root), _rewrite(path, root)) for path in order]


def _rewrite(path: Path, root: Path) -> str:
    def keyed(match: re.Match[str]) -> str:
        target = _key(path.parent / match["path"], root)
        return f"{match['head']}{match['quote']}{_KEY_PREFIX}{target}{match['quote']}"

    return _IMPORT.sub(keyed, path.read_text(encoding="utf-8"))


def inline_css(path: Path) -> str:
    """A stylesheet with every relative url() (fonts, images) turned into a data: URL, and
    only the woff2 of each font."""

    def data_url(match: re.Match[str]) -> str:
        target = match["path"]
        if target.startswith(("data:", "http:", "https:", "#")):
            return match[0]
        file = (path.parent / PurePosixPath(target.split("?")[0].split("#")[0])).resolve()
        kind = mimetypes.guess_type(file.name)[0] or _FONT_TYPES.get(file.suffix, "")
        encoded = base64.b64encode(file.read_bytes()).decode()
        return f'url("data:{kind};base64,{encoded}")'

    css = _FONT_FALLBACKS.sub("", path.read_text(encoding="utf-8"))
    return _CSS_URL.sub(data_url, css)


_FONT_TYPES = {".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf"}


def _script_json(data: object) -> str:
    # "</script>" or "<!--" would change how the browser reads the <script> element. In JSON,
    # "<" only occurs inside strings, where the escape \u003c means the same.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def standalone_html(
    title: str,
    entry: Path,
    stylesheets: list[Path],
    data: object,
    body: str,
    root: Path = STATIC,
) -> str:
    """The whole page in one string: styles, the data as JSON, the modules and the loader.

    The entry module reads the data from `<script type="application/json" id="bp-data">`.
    """
    modules = collect_modules(entry, root)
    bundle = {"entry": modules[-1].key, "modules": [[m.key, m.source] for m in modules]}
    styles = "\n".join(inline_css(sheet) for sheet in stylesheets)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{styles}\n</style>\n</head>\n"
        f"<body>\n{body}\n"
        f'<script type="application/json" id="bp-data">{_script_json(data)}</script>\n'
        f'<script type="application/json" id="bp-modules">{_script_json(bundle)}</script>\n'
        f"<script>{_LOADER}</script>\n</body>\n</html>\n"
    )
