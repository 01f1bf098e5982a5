"""GET /api/v1/export/html: the standalone file, its name, its data, its limits, its docs.
(tests/browser/test_embed.py opens it from file:// and plays it.)"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app

LECTURE = {"expr": "(x+y)*max(y,z)", "x": 1, "y": 2, "z": 0}
MAX_EXPORT_BYTES = 2_000_000  # KaTeX (600 kB) and its woff2 fonts are most of it


def embedded_json(page: str, element_id: str) -> Any:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', page)
    assert match, element_id
    return json.loads(match[1])


def test_export_is_an_html_attachment_with_the_api_answer(client: TestClient) -> None:
    response = client.get("/api/v1/export/html", params=LECTURE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="backprop-x_y_max_y_z.html"'
    data = embedded_json(response.text, "bp-data")
    api = client.get("/api/v1/graph", params=LECTURE).json()
    assert data["graph"] == api
    assert data["graph"]["gradients"] == {"x": 2, "y": 5, "z": 0}
    assert {entry["op"] for entry in data["functions"]} >= {"add", "mul", "max"}


def test_export_inlines_everything(client: TestClient) -> None:
    page = client.get("/api/v1/export/html", params=LECTURE).text
    assert len(page.encode()) < MAX_EXPORT_BYTES
    keys = [key for key, _ in embedded_json(page, "bp-modules")["modules"]]
    assert keys[-1] == "js/standalone.js"
    assert "vendor/katex-0.19.1/katex.mjs" in keys  # the inspector typesets offline
    assert page.count("data:font/woff2;base64,") == 20  # every KaTeX font, woff2 only
    assert 'format("woff")' not in page and "truetype" not in page
    loads = re.compile(r"""(?:\ssrc=|<link[^>]*\shref=)["']?(?:https?:)?//""")
    assert not loads.search(page.split("bp-data")[0])  # only the credit <a> points online


def test_export_escapes_the_expression(client: TestClient) -> None:
    hostile = "x</title><script>alert(1)</script>"
    response = client.get("/api/v1/export/html", params={"expr": hostile, "x": 1})
    assert response.status_code == 400  # not an expression; nothing is built
    page = client.get("/api/v1/export/html", params={"expr": "x_1*2", "x_1": 3}).text
    assert "<title>Backprop Explorer: x_1*2</title>" in page
    assert "<script>alert" not in page


def test_export_errors_are_the_usual_json(client: TestClient) -> None:
    bad = client.get("/api/v1/export/html", params={"expr": "(x+y)*max(y,,z)", "x": 1})
    assert bad.status_code == 400
    assert bad.json()["detail"]["position"] == 12
    missing = client.get("/api/v1/export/html", params={"expr": "x*y", "x": 1})
    assert missing.status_code == 400 and missing.json()["detail"]["missing"] == ["y"]
    not_a_number = client.get("/api/v1/export/html", params={"expr": "x", "x": "one"})
    assert not_a_number.status_code == 422


def test_export_is_capped_like_the_page() -> None:
    client = TestClient(create_app(Settings(page_layout_cap=5)))
    response = client.get("/api/v1/export/html", params=LECTURE)
    assert response.status_code == 413
    assert "page_layout_cap" in response.json()["detail"]["message"]


def test_export_is_in_the_openapi(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/export/html"]["get"]
    assert "text/html" in operation["responses"]["200"]["content"]
    assert {"400", "413", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"expr", "check", "check_h"}


def test_export_opens_where_it_is_asked_to(client: TestClient) -> None:
    """_step and _sel: where the page's view was (no variable's name starts with _, so they
    are not values); from the start with nothing selected without them."""
    view = embedded_json(client.get("/api/v1/export/html", params=LECTURE).text, "bp-data")
    assert view["view"] == {"step": None, "selected": None}
    asked = {**LECTURE, "_step": 4, "_sel": "e2"}
    data = embedded_json(client.get("/api/v1/export/html", params=asked).text, "bp-data")
    assert data["view"] == {"step": 4, "selected": "e2"}
    assert data["graph"]["gradients"] == {"x": 2, "y": 5, "z": 0}  # neither became a value
    for bad in (
        {"_step": -1},
        {"_step": "end"},
        {"_step": 10**7},
        {"_sel": "n2; x"},
        {"_sel": "n١"},
    ):
        response = client.get("/api/v1/export/html", params={**LECTURE, **bad})
        assert response.status_code == 422, bad
        assert response.json()["detail"]["message"].startswith("The request is malformed at")
