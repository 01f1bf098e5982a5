"""Security headers and CORS, asserted exactly."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors {}"
)


def test_api_headers(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.headers["content-security-policy"] == CSP.format("'self'")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_cors_only_on_the_api(client: TestClient) -> None:
    origin = {"origin": "https://course.example.edu"}
    api = client.get("/api/v1/functions", headers=origin)
    assert api.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in api.headers
    other = client.get("/healthz", headers=origin)
    assert "access-control-allow-origin" not in other.headers


def test_cors_preflight(client: TestClient) -> None:
    response = client.options(
        "/api/v1/graph",
        headers={
            "origin": "https://course.example.edu",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"


def test_only_embed_may_be_framed_by_other_origins(client: TestClient) -> None:
    embed = client.get("/embed", params={"expr": "x", "x": 1})
    assert embed.headers["content-security-policy"] == CSP.format("*")
    assert "x-frame-options" not in embed.headers
    page = client.get("/")
    assert page.headers["content-security-policy"] == CSP.format("'self'")
    assert page.headers["x-frame-options"] == "SAMEORIGIN"


def test_embed_frame_ancestors_is_a_setting() -> None:
    client = TestClient(create_app(Settings(embed_frame_ancestors="https://lms.example.edu")))
    csp = client.get("/embed").headers["content-security-policy"]
    assert csp == CSP.format("https://lms.example.edu")


def test_cors_on_static_gets_for_the_custom_element(client: TestClient) -> None:
    """Module scripts and fonts are fetched in CORS mode from the course page's origin."""
    origin = {"origin": "https://course.example.edu"}
    for path in ("/static/embed.js", "/static/vendor/katex-0.19.1/fonts/KaTeX_Main-Regular.woff2"):
        response = client.get(path, headers=origin)
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == "*", path
        assert "access-control-allow-credentials" not in response.headers
    for page in ("/", "/embed", "/oembed?url=http://testserver/"):
        assert "access-control-allow-origin" not in client.get(page, headers=origin).headers


def test_static_cors_follows_the_origins_setting() -> None:
    client = TestClient(create_app(Settings(cors_origins=["https://course.example.edu"])))
    allowed = client.get("/static/embed.js", headers={"origin": "https://course.example.edu"})
    assert allowed.headers["access-control-allow-origin"] == "https://course.example.edu"
    other = client.get("/static/embed.js", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
