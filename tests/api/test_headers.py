"""Security headers and CORS, asserted exactly."""

from __future__ import annotations

from fastapi.testclient import TestClient

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
