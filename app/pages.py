"""The learner's page: HTML from `templates/`, its scripts and styles from `static/`.

Thin like the API routes: the page computes nothing on the server. It is plain ES modules that
call /api/v1, so the only things the template fills in are where those live and the page's
limits. Both folders sit at the top of the repository, next to `app/`, and are found relative
to this file so the app starts from any working directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from app import __version__
from app.config import Settings, get_settings

ROOT = Path(__file__).resolve().parent.parent
STATIC_DIR = ROOT / "static"
TEMPLATES = Jinja2Templates(directory=ROOT / "templates")

router = APIRouter(include_in_schema=False)
SettingsDep = Annotated[Settings, Depends(get_settings)]


def static_files() -> StaticFiles:
    """The `static/` folder, mounted at /static; fails at start-up if the folder is missing."""
    return StaticFiles(directory=STATIC_DIR, check_dir=True)


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, settings: SettingsDep) -> HTMLResponse:
    """The explorer: expression and values in, the graph with both passes out."""
    root = request.scope.get("root_path", "").rstrip("/")
    context = {
        "static": f"{root}/static",
        "api": f"{root}/api/v1",
        "version": __version__,
        "layout_cap": settings.page_layout_cap,
        "max_nodes": settings.max_nodes,
    }
    return TEMPLATES.TemplateResponse(request, "index.html", context)
