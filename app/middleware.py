"""ASGI middleware: request size, security headers, and CORS for the API and static files.

Written as plain ASGI callables rather than BaseHTTPMiddleware, which costs a task per request.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {ancestors}"
)


class BodySizeLimit:
    """Refuse bodies over the limit with 413, by header or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and b"transfer-encoding" not in headers:
            # The server reads no more than the declared length (HTTP/1.1 framing), so only a
            # body without one (chunked) needs counting as it arrives.
            if int(declared) > self.max_bytes:
                await self._refuse(send)
            else:
                await self.app(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooBig
            return message

        try:
            await self.app(scope, counted, send)
        except _TooBig:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        message = f"The request body is larger than {self.max_bytes:,} bytes (max_body_bytes)."
        body = orjson.dumps({"detail": {"message": message, "position": None}})
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooBig(Exception):
    pass


class SecurityPolicy:
    """A strict CSP on every response; only /embed may be framed by other origins."""

    def __init__(self, embed_frame_ancestors: str) -> None:
        self.page_csp = PAGE_CSP.format(ancestors="'self'").encode()
        self.embed_csp = PAGE_CSP.format(ancestors=embed_frame_ancestors).encode()

    def headers(self, path: str) -> list[tuple[bytes, bytes]]:
        embeddable = path == "/embed" or path.startswith("/embed/")
        headers = [
            (b"content-security-policy", self.embed_csp if embeddable else self.page_csp),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
        ]
        if not embeddable:
            headers.append((b"x-frame-options", b"SAMEORIGIN"))
        return headers


class SecurityHeaders:
    """Adds the policy's headers to every answer."""

    def __init__(self, app: ASGIApp, policy: SecurityPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, with_headers(send, self.policy.headers(route_path(scope))))


def route_path(scope: Scope) -> str:
    """The path below the app's root path, as Starlette's router matches it: /api/… and
    /embed are the same routes wherever the app is mounted."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def with_headers(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    """`send`, adding `extra` after the answer's own headers."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", ()), *extra]
        await send(message)

    return sending


class CorsPolicy:
    """The CORS headers of a simple (not preflight) request to /api/: no credentials."""

    def __init__(self, origins: list[str]) -> None:
        self.origins = origins
        self.allow_all = "*" in origins
        self.allowed = {origin.encode() for origin in origins}

    def simple_headers(self, origin: bytes | None) -> list[tuple[bytes, bytes]]:
        headers = [(b"vary", b"Origin")]
        if origin is not None and self.allow_all:
            headers.append((b"access-control-allow-origin", b"*"))
        elif origin is not None and origin in self.allowed:
            headers.append((b"access-control-allow-origin", origin))
        return headers


class ApiOnlyCors:
    """CORS for /api/ and for GETs of /static/ (no credentials), and none anywhere else.

    /static/ needs it for the <backprop-graph> element on another origin: browsers fetch
    module scripts (static/embed.js and what it imports, KaTeX included) and web fonts in CORS
    mode, and refuse them without Access-Control-Allow-Origin. Stylesheets linked with <link>
    and images do not need it. The pages (/, /embed, /docs) get no CORS headers.

    Simple /api/ requests get their headers from `CorsPolicy`, here and in `app.shortcut`, at
    a third of the cost of Starlette's CORSMiddleware (which wraps every response in a partial
    and parses the request headers twice); preflights and /static/ go to Starlette's.
    """

    def __init__(self, app: ASGIApp, policy: CorsPolicy) -> None:
        self.app = app
        self.policy = policy
        self.api: Any = _cors(app, policy.origins, ["GET", "POST", "OPTIONS"])
        self.static: Any = _cors(app, policy.origins, ["GET", "HEAD"])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = route_path(scope) if scope["type"] == "http" else ""
        if path.startswith("/api/"):
            await self._api(scope, receive, send)
        elif path.startswith("/static/") and scope["method"] in ("GET", "HEAD"):
            await self.static(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _api(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin, preflight = None, False
        for name, value in scope["headers"]:
            if name == b"origin":
                origin = value
            elif name == b"access-control-request-method":
                preflight = True
        if origin is not None and preflight and scope["method"] == "OPTIONS":
            await self.api(scope, receive, send)
            return
        await self.app(scope, receive, with_headers(send, self.policy.simple_headers(origin)))


def _cors(app: ASGIApp, origins: list[str], methods: list[str]) -> CORSMiddleware:
    return CORSMiddleware(
        app,
        allow_origins=origins,
        allow_methods=methods,
        allow_headers=["Content-Type"],
        allow_credentials=False,
        max_age=600,
    )
