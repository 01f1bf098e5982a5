"""The standalone HTML export: one file that plays the graph and has the inspector, opened from
`file://` on a static course site or uploaded to an LMS, with no server and no network.

`app.bundle` packs the player's modules (static/js/standalone.js and what it imports, KaTeX
included), the stylesheets and the fonts; this module adds the data: the API's answer and the
functions reference the inspector explains gates with.
"""

from __future__ import annotations

import html
import re
from functools import cache
from typing import Any

from app import __version__
from app.bundle import STATIC, standalone_html
from app.catalog import functions
from app.config import Settings
from app.errors import TooLarge

ENTRY = STATIC / "js" / "standalone.js"
STYLESHEETS = [
    STATIC / "vendor" / "katex-0.19.1" / "katex.min.css",
    STATIC / "css" / "theme.css",
    STATIC / "css" / "graph.css",
    STATIC / "css" / "panels.css",
    STATIC / "css" / "embed.css",
]


def export_filename(expression: str) -> str:
    """ "(x+y)*max(y,z)" → "backprop-x_y_max_y_z.html", as the page names its downloads."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", expression).strip("_")[:48]
    return f"backprop-{slug or 'graph'}.html"


def export_page(
    graph: dict[str, Any], settings: Settings, page_link: str, view: dict[str, Any] | None = None
) -> str:
    """The whole file, opening at `view` ({"step", "selected"}; the start and nothing selected
    by default). The export lays out on the main thread, so it is capped like the page."""
    nodes = len(graph["nodes"])
    if nodes > settings.page_layout_cap:
        raise TooLarge(
            f"The export draws at most {settings.page_layout_cap:,} nodes (page_layout_cap); "
            f"this graph has {nodes:,}."
        )
    title = f"Backprop Explorer: {graph['expression']}"
    data = {"graph": graph, "functions": _functions(), "version": __version__, "view": view or {}}
    return standalone_html(title, ENTRY, STYLESHEETS, data, _body(title, page_link))


@cache
def _functions() -> list[dict[str, Any]]:
    return list(functions()["functions"])


def _body(title: str, page_link: str) -> str:
    return (
        f'<main id="standalone">\n<h1 class="bp-embed-heading">{html.escape(title)}</h1>\n'
        "</main>\n"
        f'<p class="bp-embed-credit">Exported from Backprop Explorer {__version__}: '
        f'<a href="{html.escape(page_link)}">open it live</a>.</p>'
    )
