"""The learner's page and its embeddable twin: HTML from `templates/`, scripts and styles
from `static/`.

Thin like the API routes: the pages compute nothing on the server. They are plain ES modules
that call /api/v1, so the only things the templates fill in are where those live, the limits,
and the oEmbed discovery link. Both folders sit at the top of the repository, next to `app/`,
and are found relative to this file so the app starts from any working directory.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app import __version__
from app.config import Settings
from app.deps import SettingsDep

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
TEMPLATES = Jinja2Templates(directory=ROOT / "templates")

router = APIRouter(include_in_schema=False)


def static_files() -> StaticFiles:
    """The `static/` folder, mounted at /static; fails at start-up if the folder is missing."""
    return StaticFiles(directory=STATIC_DIR, check_dir=True)


# The embed's own query keys (see static/js/embed-page.js); the main page has no use for them.
EMBED_KEYS = ("autoplay", "controls", "theme", "speed")


def _common(request: Request, settings: Settings) -> dict[str, object]:
    root = request.scope.get("root_path", "").rstrip("/")
    return {
        "static": f"{root}/static",
        "api": f"{root}/api/v1",
        "version": __version__,
        "layout_cap": settings.page_layout_cap,
        # oEmbed discovery: a platform given this page's address finds its iframe there.
        "oembed": f"{request.base_url}oembed?{urlencode({'url': str(request.url)})}",
    }


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The explorer: expression and values in, the graph with both passes out."""
    context = {**_common(request, settings), "max_nodes": settings.max_nodes}
    return TEMPLATES.TemplateResponse(request, "index.html", context)


@router.get("/embed", response_class=HTMLResponse)
async def embed(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The graph, the player and the inspector without the editor: for an iframe on a course
    page. The only page other origins may frame (see app.middleware)."""
    params = request.query_params
    # as static/js/state.js reads it: expr, or _expr beside a variable named expr, or the
    # API's name `expression` in a hand-written link that has neither
    expression = params.get("_expr" if "_expr" in params else "expr")
    if expression is None:
        expression = params.get("expression")
    expression = expression or "(x+y)*max(y,z)"
    page_query = [
        (key, value)
        for key, value in params.multi_items()
        if key not in EMBED_KEYS or f"_{key}" in params
    ]
    context = {
        **_common(request, settings),
        "title": f"Backprop Explorer: {expression}",
        "page_link": f"{request.base_url}?{urlencode(page_query)}",
    }
    return TEMPLATES.TemplateResponse(request, "embed.html", context)
