"""Call the ASGI app in this process, without a network or a test client: what the fuzzer and
the time-limit check use to send many requests quickly. An exception that escapes the app
propagates to the caller (uvicorn would turn it into a dropped connection)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.types import ASGIApp, Message


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return orjson.loads(self.body)


async def request(
    app: ASGIApp,
    method: str,
    path: str,
    body: bytes = b"",
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> Answer:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-length", b"%d" % len(body)),
            *(headers if headers is not None else JSON),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> Message:
        return chunks.pop() if chunks else {"type": "http.disconnect"}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return Answer(
        status=start["status"],
        headers={k.decode().lower(): v.decode() for k, v in start.get("headers", [])},
        body=b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
    )


JSON = [(b"content-type", b"application/json")]


class Client:
    """A synchronous face over `request`, on one event loop."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()

    def post(
        self, path: str, body: bytes, headers: list[tuple[bytes, bytes]] | None = None
    ) -> Answer:
        return self.loop.run_until_complete(request(self.app, "POST", path, body, b"", headers))

    def get(self, path: str, query: bytes = b"") -> Answer:
        return self.loop.run_until_complete(request(self.app, "GET", path, b"", query, []))

    def close(self) -> None:
        self.loop.close()
