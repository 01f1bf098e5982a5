"""POST /api/v1/graph served without FastAPI's per-request machinery: the route that every
slider drag on the page and most API clients call.

For the lecture example FastAPI's routing, dependency solving and Request and Response objects
cost about 59 µs a request in process, more than the computation itself (docs/evidence.md).
This ASGI layer answers the route with `api.graph_answer`, the function the declared route
calls. Errors go to the handlers the app registered, as they would from the route.

It sits outside the app's own middleware and adds the headers the CORS and security layers
would add (`CorsPolicy`, `SecurityPolicy`), which spares every answer two wrappers of `send`.
A body over the size limit is handed on, with what was read of it, to the middleware, whose
size limit refuses it.

The declared route stays: it documents the API in OpenAPI, serves the route wherever this
layer is left out (with FastAPI's telemetry on, whose spans and metrics name the route), and
the tests compare the two answers byte for byte, headers included. One difference is
deliberate: a client that leaves before its body has arrived gets no answer, where the route
logs the disconnect as an unexpected error and tries to send a 500.
"""

from __future__ import annotations

import inspect
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api import graph_answer
from app.middleware import CorsPolicy, SecurityPolicy, route_path, with_headers

PATH = "/api/v1/graph"


class GraphShortcut:
    def __init__(
        self, app: ASGIApp, max_body_bytes: int, cors: CorsPolicy, security: SecurityPolicy
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.cors = cors
        self.security = security

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else ""
        if path != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        content_type, origin, declared = _head(scope)
        if declared > self.max_body_bytes:  # the middleware's size limit refuses it unread
            await self.app(scope, receive, send)
            return
        try:
            body = await _body(receive, self.max_body_bytes)
        except _OverLimit as over:  # and counts a chunked one as it arrives
            await self.app(scope, _replayed(over.messages, receive), send)
            return
        if body is None:
            return  # the client went away; there is no one to answer
        extra = self.cors.simple_headers(origin) + self.security.headers(path)
        app = scope["app"]
        try:
            answer = await graph_answer(content_type, body, app.state.settings)
        except Exception as exc:
            handler = _handler(app.exception_handlers, exc)
            if handler is None:
                raise  # to ServerErrorMiddleware and the app's 500 handler, as from the route
            response = await _respond(handler, Request(scope), exc)
            await response(scope, receive, with_headers(send, extra))
            return
        length = (b"content-length", b"%d" % len(answer))
        headers = [length, (b"content-type", b"application/json"), *extra]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": answer})


async def _body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None if the client went away."""
    messages, chunks, seen = [], [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        messages.append(message)
        chunks.append(message.get("body", b""))
        seen += len(chunks[-1])
        if seen > limit:
            raise _OverLimit(messages)
        if not message.get("more_body", False):
            return b"".join(chunks)


class _OverLimit(Exception):
    """The body has more than the limit's bytes: these are the messages read so far."""

    def __init__(self, messages: list[Message]) -> None:
        self.messages = messages


def _replayed(messages: list[Message], receive: Receive) -> Receive:
    """`receive` as it was before `messages` were read from it."""
    pending = list(messages)

    async def replaying() -> Message:
        return pending.pop(0) if pending else await receive()

    return replaying


def _head(scope: Scope) -> tuple[str, bytes | None, int]:
    """The request's content type, origin and declared length (0 if it declares none)."""
    content_type, origin, declared = "", None, 0
    for name, value in scope["headers"]:
        if name == b"content-type" and not content_type:  # the first, as Request reads it
            content_type = value.decode("latin-1")
        elif name == b"origin":
            origin = value
        elif name == b"content-length" and value.isdigit():
            declared = int(value)
    return content_type, origin, declared


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
