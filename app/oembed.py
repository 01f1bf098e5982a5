"""oEmbed (https://oembed.com): a course platform pastes a Backprop Explorer link and gets the
iframe that shows it. Only links to this server's own pages are answered."""

from __future__ import annotations

from html import escape
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from app.schemas import ErrorResponse

router = APIRouter()

DEFAULT_WIDTH, DEFAULT_HEIGHT = 800, 520


class OEmbed(BaseModel):
    version: Literal["1.0"] = "1.0"
    type: Literal["rich"] = "rich"
    provider_name: str = "Backprop Explorer"
    provider_url: str
    title: str
    html: str
    width: int
    height: int
    cache_age: int = 86_400


def embed_src(base_url: str, query: str) -> str:
    """The /embed address showing the same state as a page link's query string."""
    return f"{base_url.rstrip('/')}/embed" + (f"?{query}" if query else "")


def iframe_html(src: str, title: str, width: int, height: int) -> str:
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" '
        f'height="{height}" style="border:0;max-width:100%" loading="lazy" '
        f'referrerpolicy="strict-origin-when-cross-origin"></iframe>'
    )


NOT_OURS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "The url is not a page of this server."},
    422: {"model": ErrorResponse, "description": "A parameter does not have the right shape."},
    501: {"model": ErrorResponse, "description": "A format other than json (oEmbed's answer)."},
}


@router.get("/oembed", response_model=OEmbed, responses=NOT_OURS, tags=["embedding"])
async def oembed(
    request: Request,
    url: Annotated[str, Query(description="A link to a Backprop Explorer page.")],
    maxwidth: Annotated[int | None, Query(gt=0)] = None,
    maxheight: Annotated[int | None, Query(gt=0)] = None,
    format: Annotated[str, Query()] = "json",  # the oEmbed parameter is called format
) -> OEmbed:
    """The oEmbed answer for a page link: `type: rich` with the iframe HTML."""
    if format != "json":
        raise HTTPException(501, "Only the json format is provided.")
    base = str(request.base_url)
    link = urlsplit(url)
    if f"{link.scheme}://{link.netloc}/" != base or link.path not in ("/", "/embed"):
        raise HTTPException(404, "The url is not a Backprop Explorer page on this server.")
    width = min(DEFAULT_WIDTH, maxwidth or DEFAULT_WIDTH)
    height = min(DEFAULT_HEIGHT, maxheight or DEFAULT_HEIGHT)
    title = "Backprop Explorer: " + _expression(link.query)
    src = embed_src(base, link.query)
    return OEmbed(
        provider_url=base,
        title=title,
        html=iframe_html(src, title, width, height),
        width=width,
        height=height,
    )


def _expression(query: str) -> str:
    return parse_qs(query).get("expr", ["the lecture example"])[0]
