"""The shortcut serves POST /api/v1/graph as the declared FastAPI route behind the app's
middleware would: the same status, headers (in order) and bytes, errors included. The one
deliberate difference: a client that leaves mid-body gets no answer (the route logs a 500)."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
import sympy as sp
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from app import api, shortcut
from app.config import Settings
from app.errors import ExpressionError
from app.main import create_app
from app.middleware import CorsPolicy, SecurityPolicy
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
    # inline_max_chars is below the thread-pool request's length, max_chars above it
    settings = Settings(max_body_bytes=20_000, max_chars=200, inline_max_chars=100)
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
    "expression too long": (b'{"expression": "' + b"x+" * 120 + b'x", "values": {"x": 1}}', JSON),
    "cross-origin": (LECTURE, {**JSON, "origin": "https://course.example"}),
    "cross-origin error": (b'{"expression": "x*"}', {**JSON, "origin": "https://course.example"}),
    "thread pool": (
        b'{"expression": "'
        + b"+".join(b"x%d" % i for i in range(40))
        + b'", "values": {'
        + b",".join(b'"x%d": %d' % (i, i) for i in range(40))
        + b"}}",
        JSON,
    ),
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


def test_a_chunked_body_over_the_limit_is_refused_as_the_route_refuses_it(
    clients: tuple[TestClient, TestClient],
) -> None:
    """It declares no length, so the shortcut reads it until it passes the limit, then hands
    what it read to the middleware's size limit."""
    answers = []
    for client in clients:
        chunks = iter([b'{"expression": "', b"x+" * 6_000, b"x+" * 6_000, b'x"}'])
        answers.append(client.post("/api/v1/graph", content=chunks, headers=JSON))
    served, declared = answers
    assert served.status_code == declared.status_code == 413
    assert served.headers.multi_items() == declared.headers.multi_items()
    assert served.content == declared.content
    assert served.json()["detail"]["message"].startswith("The request body is larger than 20,000")


@pytest.mark.parametrize("origin", [None, "https://lms.example", "https://elsewhere.example"])
def test_below_a_root_path_the_headers_are_the_routes(origin: str | None) -> None:
    """The middleware and the shortcut see /api/ and /embed below the root path the app is
    mounted at: CORS for the API, and the embed page's framing, wherever the app lives."""
    settings = Settings(cors_origins=["https://lms.example"], embed_frame_ancestors="*")
    root = "/explorer"
    headers = {**JSON, **({"origin": origin} if origin else {})}
    answers = [
        TestClient(app, root_path=root).post(
            f"{root}/api/v1/graph", content=LECTURE, headers=headers
        )
        for app in (create_app(settings), route_only(settings))
    ]
    served, declared = answers
    assert served.headers.multi_items() == declared.headers.multi_items()
    assert served.headers["vary"] == "Origin"
    allowed = "https://lms.example" if origin == "https://lms.example" else None
    assert served.headers.get("access-control-allow-origin") == allowed
    embed = TestClient(create_app(settings), root_path=root).get(f"{root}/embed?expr=x&x=1")
    assert embed.headers["content-security-policy"].endswith("frame-ancestors *")
    assert "x-frame-options" not in embed.headers


@pytest.mark.parametrize(
    "types", [("text/plain", "application/json"), ("application/json", "text/plain")]
)
def test_of_two_content_types_the_first_counts_as_for_the_route(types: tuple[str, str]) -> None:
    statuses = []
    for app in (create_app(Settings()), route_only(Settings())):
        headers = [(b"content-type", t.encode()) for t in types]
        sent = asyncio.run(_call(app, app, "POST", "/api/v1/graph", LECTURE, headers=headers))
        statuses.append(sent[0]["status"])
    assert statuses == ([422, 422] if types[0] == "text/plain" else [200, 200])


def test_a_body_handed_on_keeps_its_end() -> None:
    """Over the limit by more than it declared (possible in ASGI, not over HTTP/1.1): handed
    on whole, its last message still the last, so the route's answer is the same."""
    settings = Settings(max_body_bytes=100)
    body = b'{"expression": "x", "values": {"x": 1}}' + b" " * 91
    head = [(b"content-type", b"application/json"), (b"content-length", b"50")]
    answers = []
    for app in (create_app(settings), route_only(settings)):
        answers.append(asyncio.run(_call(app, app, "POST", "/api/v1/graph", body, headers=head)))
    served, declared = answers
    assert served == declared
    assert served[0]["status"] == 200


def shortcut_around(app: Any) -> GraphShortcut:
    settings = Settings()
    cors, security = CorsPolicy(settings.cors_origins), SecurityPolicy("*")
    return GraphShortcut(app, settings.max_body_bytes, cors, security)


def test_the_shortcut_serves_the_route_itself() -> None:
    """Around an app that fails if reached: the POST never gets past the shortcut, and its
    answer is the lecture's, checked against sympy."""
    app = create_app(Settings())

    async def unreachable(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError(f"reached the app for {scope['method']} {scope['path']}")

    sent = asyncio.run(_call(shortcut_around(unreachable), app, "POST", "/api/v1/graph", LECTURE))
    assert sent[0]["status"] == 200
    x, y, z = sp.symbols("x y z", real=True)
    expected = gradient((x + y) * sp.Max(y, z), {"x": 1, "y": 2, "z": 0})
    assert _json(sent)["gradients"] == pytest.approx(expected)
    with pytest.raises(AssertionError, match="reached the app for GET"):
        asyncio.run(_call(shortcut_around(unreachable), app, "GET", "/api/v1/graph", b""))


def test_the_shortcut_serves_below_a_root_path() -> None:
    app = create_app(Settings())

    async def unreachable(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("the shortcut let a request below the root path through")

    shortcut = shortcut_around(unreachable)
    path, root = "/explorer/api/v1/graph", "/explorer"
    sent = asyncio.run(_call(shortcut, app, "POST", path, LECTURE, root_path=root))
    assert sent[0]["status"] == 200
    assert _json(sent)["value"] == 6.0
    client = TestClient(app, root_path=root)  # and through the whole app, as deployed
    assert client.post(path, content=LECTURE, headers=JSON).json()["value"] == 6.0


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


def test_an_unexpected_error_is_the_routes_logged_500(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Raised on to ServerErrorMiddleware, outside the other middleware, as from the route:
    the same bytes and headers, and the error in the log."""

    async def broken(*args: Any) -> bytes:
        raise RuntimeError("a bug")

    monkeypatch.setattr(shortcut, "graph_answer", broken)
    monkeypatch.setattr(api, "graph_answer", broken)
    answers = []
    for app in (create_app(Settings()), route_only(Settings())):
        client = TestClient(app, raise_server_exceptions=False)
        answers.append(client.post("/api/v1/graph", content=LECTURE, headers=JSON))
    served, declared = answers
    assert served.status_code == declared.status_code == 500
    assert served.json()["detail"]["message"] == (
        "Something went wrong on our side; the error was logged."
    )
    assert served.headers.multi_items() == declared.headers.multi_items()
    assert "content-security-policy" not in served.headers  # not built inside the middleware
    logged = [r for r in caplog.records if r.getMessage() == "unexpected error"]
    assert len(logged) == 2 and all("a bug" in str(r.exc_info[1]) for r in logged)


def test_a_plain_exception_handler_runs_as_starlette_runs_it() -> None:
    """A handler that is not a coroutine runs in the thread pool, as Starlette's
    ExceptionMiddleware runs it, rather than being awaited."""

    def plain(request: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"plain": True}, 418)

    answers = []
    for app in (create_app(Settings()), route_only(Settings())):
        app.add_exception_handler(ExpressionError, plain)
        body = b'{"expression": "(x", "values": {"x": 1}}'
        answers.append(TestClient(app).post("/api/v1/graph", content=body, headers=JSON))
    served, declared = answers
    assert (served.status_code, served.json()) == (declared.status_code, declared.json())
    assert served.json() == {"plain": True}


def test_with_telemetry_on_the_declared_route_answers() -> None:
    """FastAPI's spans and metrics name the route that served a request: the shortcut would
    leave POST /api/v1/graph unnamed, so it is left out."""
    app = create_app(Settings(telemetry=True))
    assert GraphShortcut not in [m.cls for m in app.user_middleware]
    assert GraphShortcut in [m.cls for m in create_app(Settings()).user_middleware]
    response = TestClient(app).post("/api/v1/graph", content=LECTURE, headers=JSON)
    assert response.json()["gradients"] == {"x": 2.0, "y": 5.0, "z": 0.0}


async def _call(
    asgi: Any,
    app: FastAPI,
    method: str,
    path: str,
    *chunks: bytes,
    disconnect: bool = False,
    root_path: str = "",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> list[Message]:
    """One request straight to `asgi`, with the body in `chunks`; `scope["app"]` is `app`, as
    Starlette sets it before the middleware runs."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": root_path,
        "query_string": b"",
        "headers": headers or [(b"content-type", b"application/json")],
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
