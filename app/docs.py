"""/docs: the OpenAPI reference, served with a vendored Swagger UI (no CDN)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter()
_PAGE = (Path(__file__).resolve().parent.parent / "templates" / "docs.html").read_text()


@router.get("/docs", include_in_schema=False)
async def api_docs() -> HTMLResponse:
    return HTMLResponse(_PAGE)
