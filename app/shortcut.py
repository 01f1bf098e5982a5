"""POST /api/v1/graph served without FastAPI's per-request machinery: the route that every
slider drag on the page and most API clients call.

For the lecture example FastAPI's routing, dependency solving and Request and Response objects
cost about 59 µs a request in process, more than the computation itself (docs/evidence.md).
This ASGI layer sits inside the app's own middleware (size limit, CORS, security headers), so
those still apply, and answers the route with `api.graph_answer`, the function the declared
route calls. Errors go to the handlers the app registered, as they would from the route.

The declared route stays: it documents the API in OpenAPI, serves the route wherever this
layer is left out (with FastAPI's telemetry on, whose spans and metrics name the route), and
the tests compare the two answers byte for byte. One difference is deliberate: a client that
leaves before its body has arrived gets no answer, where the route logs the disconnect as an
unexpected error and tries to send a 500.
"""

from __future__ import annotations

import inspect
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api import graph_answer

PATH = "/api/v1/graph"


class GraphShortcut:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or _route_path(scope) != PATH:
            await self.app(scope, receive, send)
            return
        body = await _body(receive)
        if body is None:
            return  # the client went away; there is no one to answer
        app = scope["app"]
        try:
            answer = await graph_answer(_content_type(scope), body, app.state.settings)
        except Exception as exc:
            handler = _handler(app.exception_handlers, exc)
            if handler is None:
                raise  # to ServerErrorMiddleware and the app's 500 handler, as from the route
            response = await _respond(handler, Request(scope), exc)
            await response(scope, receive, send)
            return
        headers = [(b"content-length", b"%d" % len(answer)), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


def _route_path(scope: Scope) -> str:
    """The path below the app's root path, as Starlette's router matches it."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


async def _body(receive: Receive) -> bytes | None:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _content_type(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return str(value.decode("latin-1"))
    return ""


async def _respond(handler: Any, request: Request, exc: Exception) -> Any:
    """As Starlette calls a handler: awaited, or in the thread pool if it is plain."""
    if inspect.iscoroutinefunction(handler):
        return await handler(request, exc)
    return await run_in_threadpool(handler, request, exc)


def _handler(handlers: dict[Any, Any], exc: Exception) -> Any:
    """The handler Starlette's ExceptionMiddleware would pick: the nearest class in the
    exception's MRO. `Exception`'s own handler belongs to ServerErrorMiddleware."""
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
