"""The POST body is read as bytes and validated by pydantic: content type, malformed JSON and
the size limit (by header and while streaming) each get a clear 4xx."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

LECTURE = b'{"expression": "(x+y)*max(y,z)", "values": {"x": 1, "y": 2, "z": 0}}'


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "application/vnd.x+json"],
)
def test_json_content_types_are_read(client: TestClient, content_type: str) -> None:
    response = client.post("/api/v1/graph", content=LECTURE, headers={"content-type": content_type})
    assert response.status_code == 200
    assert response.json()["gradients"] == {"x": 2.0, "y": 5.0, "z": 0.0}


@pytest.mark.parametrize("headers", [{"content-type": "text/plain"}, {}])
def test_other_content_types_are_refused(client: TestClient, headers: dict) -> None:
    response = client.post("/api/v1/graph", content=LECTURE, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "message": "The request is malformed: The body must be JSON, sent with "
        "content-type: application/json.",
        "position": None,
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"expression": ', "The request is malformed: Invalid JSON: EOF while parsing a value"),
        (b"", "The request is malformed: Invalid JSON: EOF while parsing a value"),
        (b"[1, 2]", "The request is malformed: Input should be an object."),
        (b'{"expression": 5}', "The request is malformed at expression: Input should be a valid"),
        (b'{"expression": "x", "values": {"x": true}}', "The request is malformed at values.x:"),
        (b'{"values": {}}', "The request is malformed at expression: Field required."),
    ],
)
def test_malformed_bodies_get_a_422_that_says_where(
    client: TestClient, body: bytes, message: str
) -> None:
    response = client.post(
        "/api/v1/graph", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"]["message"].startswith(message)


WRONG_KIND = (
    "must be a number, a list of numbers (a vector) or a list of equally long lists of numbers "
    "(a matrix)"
)
NOT_FINITE = "must be a finite number within float64's range (about ±1.8e308)"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        *[(v, WRONG_KIND) for v in (b'"2"', b"true", b"null", b"[[1], [true]]", b"[[[1]]]")],
        (b'{"a": 1}', WRONG_KIND),
        (b"1e400", NOT_FINITE),
        (b"-1" + b"0" * 400, NOT_FINITE),
        (b"NaN", NOT_FINITE),
        (b"[1, 1e400]", f"entry [1] {NOT_FINITE}"),
        (b"[[1], [-1e999]]", f"entry [1][0] {NOT_FINITE}"),
    ],
)
def test_a_value_that_cannot_be_used_gets_one_message_saying_why(
    client: TestClient, value: bytes, message: str
) -> None:
    body = b'{"expression": "x*y", "values": {"y": 1, "x": ' + value + b"}}"
    response = client.post(
        "/api/v1/graph", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert (
        response.json()["detail"]["message"] == f"The request is malformed at values.x: {message}."
    )


def test_a_huge_integer_is_not_a_value(client: TestClient) -> None:
    body = b'{"expression": "x", "values": {"x": 1' + b"0" * 400 + b"}}"
    response = client.post(
        "/api/v1/graph", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"]["message"].startswith("The request is malformed at values.x:")


def test_a_streamed_body_over_the_limit_is_cut_off() -> None:
    """No content-length: the limit is counted while the body arrives."""
    app = create_app(Settings(max_body_bytes=1_000))
    chunks = [b'{"expression": "' + b"x+" * 400, b"x+" * 400, b'x"}']
    sent: list[dict] = []

    async def receive() -> dict:
        chunk = chunks.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/graph",
        "raw_path": b"/api/v1/graph",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "http_version": "1.1",
        "scheme": "http",
        "root_path": "",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 5000),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    message = orjson.loads(sent[1]["body"])["detail"]["message"]
    assert message == "The request body is larger than 1,000 bytes (max_body_bytes)."
