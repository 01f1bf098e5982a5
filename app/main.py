"""The ASGI application: routes, the one error handler, middleware. Run `uvicorn app.main:app`."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.telemetry import TelemetryConfig
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import __version__
from app.api import document_request_models
from app.api import router as api_router
from app.config import Settings, get_settings
from app.docs import router as docs_router
from app.errors import ExpressionError
from app.middleware import (
    ApiOnlyCors,
    BodySizeLimit,
    CorsPolicy,
    SecurityHeaders,
    SecurityPolicy,
)
from app.oembed import router as oembed_router
from app.pages import router as pages_router
from app.pages import static_files
from app.shortcut import GraphShortcut
from app.symbolic import warm_up

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("backprop")

DESCRIPTION = """
Type an expression, get its computational graph with the forward value of every node and,
on every edge, the **upstream**, **local** and **downstream** gradients
(downstream = upstream × local). Try the lecture example:
`POST /api/v1/graph` with `{"expression": "(x+y)*max(y,z)", "values": {"x": 1, "y": 2, "z": 0}}`.
"""


def _error(status: int, message: str, position: int | None = None) -> JSONResponse:
    return JSONResponse({"detail": {"message": message, "position": position}}, status)


async def expression_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ExpressionError)
    return JSONResponse({"detail": exc.as_detail()}, exc.status_code)


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
    what = f"{first.get('msg', 'invalid')}."
    message = (
        f"The request is malformed at {where}: {what}"
        if where
        else f"The request is malformed: {what}"
    )
    return _error(422, message, None)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return _error(exc.status_code, str(exc.detail))


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return _error(500, "Something went wrong on our side; the error was logged.")


def _telemetry(on: bool) -> TelemetryConfig:
    """Off by default: even with no OpenTelemetry provider set up, FastAPI looks for one on every
    request, a few percent of a small request's time (docs/evidence.md)."""
    return {"tracing": on, "metrics": on, "logs": on, "operation_spans": on}


def _document_request_models(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_request_models(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    warm_up(settings.max_args)
    app = FastAPI(
        title="Backprop Explorer",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        telemetry=_telemetry(settings.telemetry),
    )
    app.state.settings = settings
    app.include_router(api_router)
    app.include_router(docs_router)
    app.include_router(oembed_router)
    app.include_router(pages_router)
    app.mount("/static", static_files(), name="static")
    _document_request_models(app)
    app.add_exception_handler(ExpressionError, expression_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
    # The last added runs first: the security headers and CORS wrap every answer behind
    # them, the size limit's 413 included, so a page on another origin can read why it was
    # refused. The shortcut, outermost, answers POST /api/v1/graph and adds the same headers
    # itself; with telemetry on, the declared route does, so that traces and metrics name it.
    security = SecurityPolicy(settings.embed_frame_ancestors)
    cors = CorsPolicy(settings.cors_origins)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(ApiOnlyCors, policy=cors)
    app.add_middleware(SecurityHeaders, policy=security)
    if not settings.telemetry:
        app.add_middleware(
            GraphShortcut, max_body_bytes=settings.max_body_bytes, cors=cors, security=security
        )
    # sympy leaves a large, permanent heap behind at start-up; keep the collector off it.
    gc.freeze()
    return app


app = create_app()
