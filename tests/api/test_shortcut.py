"""The shortcut serves POST /api/v1/graph exactly as the declared FastAPI route would: the same
status, headers and bytes, errors included, with the app's middleware around it."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
import sympy as sp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from app import shortcut
from app.config import Settings
from app.main import create_app
from app.shortcut import GraphShortcut
from tests.reference import gradient

LECTURE = b'{"expression": "(x+y)*max(y,z)", "values": {"x": 1, "y": 2, "z": 0}}'
JSON = {"content-type": "application/json"}


def route_only(settings: Settings) -> FastAPI:
    """The app as it would be without the shortcut: the declared route answers."""
    app = create_app(settings)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not GraphShortcut]
    return app


@pytest.fixture(scope="module")
def clients() -> tuple[TestClient, TestClient]:
    settings = Settings(max_body_bytes=20_000, max_chars=100)
    return TestClient(create_app(settings)), TestClient(route_only(settings))


REQUESTS: dict[str, tuple[bytes, dict[str, str]]] = {
    "lecture": (LECTURE, JSON),
    "vectors": (b'{"expression": "sum(W @ x)", "values": {"W": [[1, 2]], "x": [3, 4]}}', JSON),
    "options": (
        b'{"expression": "x*x", "values": {"x": 3}, "options": {"gradient_check": false}}',
        JSON,
    ),
    "non-finite": (b'{"expression": "log(x)", "values": {"x": 0}}', JSON),
    "syntax error": (b'{"expression": "(x+y", "values": {"x": 1, "y": 2}}', JSON),
    "missing value": (b'{"expression": "x*y", "values": {"x": 1}}', JSON),
    "bad value": (b'{"expression": "x", "values": {"x": "one"}}', JSON),
    "not json": (b"{expression", JSON),
    "wrong content type": (LECTURE, {"content-type": "text/plain"}),
    "no content type": (LECTURE, {}),
    "body too large": (b'{"expression": "' + b"x+" * 20_000 + b'x", "values": {"x": 1}}', JSON),
    "expression too long": (b'{"expression": "' + b"x+" * 60 + b'x", "values": {"x": 1}}', JSON),
    "cross-origin": (LECTURE, {**JSON, "origin": "https://course.example"}),
}


@pytest.mark.parametrize("name", REQUESTS)
def test_the_shortcut_answers_as_the_route_does(
    clients: tuple[TestClient, TestClient], name: str
) -> None:
    body, headers = REQUESTS[name]
    served, declared = (
        client.post("/api/v1/graph", content=body, headers=headers) for client in clients
    )
    assert served.status_code == declared.status_code
    assert served.headers.multi_items() == declared.headers.multi_items()  # in order
    assert served.content == declared.content


def test_the_shortcut_serves_the_route_itself() -> None:
    """Around an app that fails if reached: the POST never gets past the shortcut, and its
    answer is the lecture's, checked against sympy."""
    app = create_app(Settings())

    async def unreachable(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError(f"reached the app for {scope['method']} {scope['path']}")

    sent = asyncio.run(_call(GraphShortcut(unreachable), app, "POST", "/api/v1/graph", LECTURE))
    assert sent[0]["status"] == 200
    x, y, z = sp.symbols("x y z", real=True)
    expected = gradient((x + y) * sp.Max(y, z), {"x": 1, "y": 2, "z": 0})
    assert _json(sent)["gradients"] == pytest.approx(expected)
    with pytest.raises(AssertionError, match="reached the app for GET"):
        asyncio.run(_call(GraphShortcut(unreachable), app, "GET", "/api/v1/graph", b""))


def test_the_shortcut_serves_below_a_root_path() -> None:
    client = TestClient(create_app(Settings()), root_path="/explorer")
    response = client.post("/explorer/api/v1/graph", content=LECTURE, headers=JSON)
    assert response.status_code == 200
    assert response.json()["value"] == 6.0


def test_a_chunked_body_is_read_whole() -> None:
    app = create_app(Settings())
    chunks = [LECTURE[:10], LECTURE[10:30], LECTURE[30:]]
    sent = asyncio.run(_call(app, app, "POST", "/api/v1/graph", *chunks))
    assert sent[0]["status"] == 200
    assert _json(sent)["value"] == 6.0


def test_a_client_that_leaves_gets_no_answer() -> None:
    app = create_app(Settings())
    sent = asyncio.run(_call(app, app, "POST", "/api/v1/graph", LECTURE[:10], disconnect=True))
    assert sent == []


def test_an_unexpected_error_is_a_logged_500(monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: Any) -> bytes:
        raise RuntimeError("a bug")

    monkeypatch.setattr(shortcut, "graph_answer", broken)
    client = TestClient(create_app(Settings()), raise_server_exceptions=False)
    response = client.post("/api/v1/graph", content=LECTURE, headers=JSON)
    assert response.status_code == 500
    assert response.json()["detail"]["message"] == (
        "Something went wrong on our side; the error was logged."
    )


async def _call(
    asgi: Any, app: FastAPI, method: str, path: str, *chunks: bytes, disconnect: bool = False
) -> list[Message]:
    """One request straight to `asgi`, with the body in `chunks`; `scope["app"]` is `app`, as
    Starlette sets it before the middleware runs."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "app": app,
    }
    messages: list[Message] = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1 or disconnect}
        for i, chunk in enumerate(chunks)
    ]
    if disconnect:
        messages.append({"type": "http.disconnect"})
    sent: list[Message] = []

    async def receive() -> Message:
        return messages.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    await asgi(scope, receive, send)
    return sent


def _json(sent: list[Message]) -> Any:
    return orjson.loads(b"".join(m.get("body", b"") for m in sent[1:]))
