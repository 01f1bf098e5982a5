"""Security headers and CORS, asserted exactly, on pages, the API, errors and the size limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {}"
)
ORIGIN = "https://course.example.edu"
PREFLIGHT = {
    "origin": ORIGIN,
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}


def assert_security_headers(headers: object, ancestors: str = "'self'") -> None:
    assert headers["content-security-policy"] == CSP.format(ancestors)  # type: ignore[index]
    assert headers["x-content-type-options"] == "nosniff"  # type: ignore[index]
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"  # type: ignore[index]


def cors_headers(headers: object) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.startswith("access-control-")}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "path", ["/", "/healthz", "/docs", "/api/v1/functions", "/static/embed.js", "/no/such/page"]
)
def test_every_other_page_may_be_framed_only_by_itself(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert_security_headers(response.headers)
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


@pytest.mark.parametrize("path", ["/embed?expr=x&x=1", "/embed", "/embed/lecture"])
def test_embed_may_be_framed_by_any_origin(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert_security_headers(response.headers, ancestors="*")
    assert "x-frame-options" not in response.headers


def test_embed_prefix_alone_is_not_embeddable(client: TestClient) -> None:
    response = client.get("/embedded")
    assert_security_headers(response.headers)
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_embed_framing_follows_the_setting() -> None:
    client = TestClient(create_app(Settings(embed_frame_ancestors="https://lms.example.edu")))
    response = client.get("/embed")
    assert_security_headers(response.headers, ancestors="https://lms.example.edu")


def test_api_headers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert_security_headers(response.headers)
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_cors_only_on_the_api(client: TestClient) -> None:
    origin = {"origin": ORIGIN}
    api = client.get("/api/v1/functions", headers=origin)
    assert cors_headers(api.headers) == {"access-control-allow-origin": "*"}
    assert api.headers["vary"] == "Origin"
    for path in ("/healthz", "/docs", "/embed"):
        other = client.get(path, headers=origin)
        assert cors_headers(other.headers) == {}
        assert "vary" not in other.headers


def test_api_without_origin_has_no_allow_origin_but_varies(client: TestClient) -> None:
    response = client.get("/api/v1/functions")
    assert cors_headers(response.headers) == {}
    assert response.headers["vary"] == "Origin"


def test_cors_preflight(client: TestClient) -> None:
    response = client.options("/api/v1/graph", headers=PREFLIGHT)
    assert response.status_code == 200
    assert cors_headers(response.headers) == {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": "Accept, Accept-Language, Content-Language, Content-Type",
        "access-control-max-age": "600",
    }


@pytest.mark.parametrize("path", ["/healthz", "/docs", "/embed", "/"])
def test_preflight_off_the_api_gets_no_cors(client: TestClient, path: str) -> None:
    response = client.options(path, headers=PREFLIGHT)
    assert cors_headers(response.headers) == {}
    assert_security_headers(response.headers, "*" if path == "/embed" else "'self'")


def test_listed_origins_are_echoed_and_others_get_nothing() -> None:
    client = TestClient(create_app(Settings(cors_origins=[ORIGIN])))
    allowed = client.get("/api/v1/functions", headers={"origin": ORIGIN})
    assert cors_headers(allowed.headers) == {"access-control-allow-origin": ORIGIN}
    assert allowed.headers["vary"] == "Origin"
    other = client.get("/api/v1/functions", headers={"origin": "https://elsewhere.example"})
    assert cors_headers(other.headers) == {}
    refused = client.options("/api/v1/graph", headers={**PREFLIGHT, "origin": "https://x.example"})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


def test_errors_carry_the_headers_too(client: TestClient) -> None:
    response = client.post("/api/v1/graph", json={"expression": "foo("}, headers={"origin": ORIGIN})
    assert response.status_code == 400
    assert_security_headers(response.headers)
    assert cors_headers(response.headers) == {"access-control-allow-origin": "*"}


def test_the_size_limit_answer_carries_the_headers() -> None:
    """A page on another origin can read why its request was refused."""
    client = TestClient(create_app(Settings(max_body_bytes=100)))
    body = b'{"expression": "' + b"x+" * 100 + b'x"}'
    response = client.post(
        "/api/v1/graph",
        content=body,
        headers={"content-type": "application/json", "origin": ORIGIN},
    )
    assert response.status_code == 413
    assert response.json()["detail"]["message"].endswith("(max_body_bytes).")
    assert_security_headers(response.headers)
    assert cors_headers(response.headers) == {"access-control-allow-origin": "*"}


def test_cors_on_static_gets_for_the_custom_element(client: TestClient) -> None:
    """Module scripts and fonts are fetched in CORS mode from the course page's origin."""
    origin = {"origin": ORIGIN}
    for path in ("/static/embed.js", "/static/vendor/katex-0.19.1/fonts/KaTeX_Main-Regular.woff2"):
        response = client.get(path, headers=origin)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "access-control-allow-credentials" not in response.headers
    for page in ("/", "/embed", "/oembed?url=http://testserver/"):
        assert "access-control-allow-origin" not in client.get(page, headers=origin).headers


def test_static_cors_follows_the_origins_setting() -> None:
    client = TestClient(create_app(Settings(cors_origins=[ORIGIN])))
    allowed = client.get("/static/embed.js", headers={"origin": ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == ORIGIN
    other = client.get("/static/embed.js", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
