"""Every kind of answer matches its OpenAPI model exactly: the models are the documentation, and
the serialiser writes bytes without them, so nothing else keeps the two in step."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.schemas import ErrorResponse, FunctionsResponse, GraphResponse, Health
from tests.api.contract import assert_matches

GRAPHS = {
    "lecture": {"expression": "(x+y)*max(y,z)", "values": {"x": 1, "y": 2, "z": 0}},
    "max tie (kink)": {"expression": "max(x, y) * relu(x - y)", "values": {"x": 1, "y": 1}},
    "log of 0 (non-finite)": {"expression": "log(x) * y", "values": {"x": 0, "y": 2}},
    "nan": {"expression": "sqrt(x)", "values": {"x": -1}},
    "constants only": {"expression": "2 * pi + e", "values": {}},
    "no check": {"expression": "x^y", "values": {"x": 0, "y": 2}, "options": {"gradient_check": False}},
    "too large to typeset": {"expression": "+".join(f"x{i}" for i in range(1_200)),
                             "values": {f"x{i}": 1.0 for i in range(1_200)}},
}  # fmt: skip
ERRORS = {
    "parse error": ({"expression": "(x+"}, 400),
    "unknown function": ({"expression": "foo(x)", "values": {"x": 1}}, 400),
    "missing value": ({"expression": "x*y", "values": {"x": 1}}, 400),
    "bad value": ({"expression": "x", "values": {"x": "one"}}, 422),
    "unknown option": ({"expression": "x", "values": {"x": 1}, "options": {"evil": 1}}, 422),
    "too deep": ({"expression": "(" * 2000 + "x" + ")" * 2000, "values": {"x": 1}}, 413),
}


@pytest.mark.parametrize("body", GRAPHS.values(), ids=GRAPHS.keys())
def test_graph_answers_match_the_model(client: TestClient, body: dict) -> None:
    response = client.post("/api/v1/graph", json=body)
    assert response.status_code == 200, response.text
    assert_matches(GraphResponse, response.content)


def test_get_answer_matches_the_model(client: TestClient) -> None:
    response = client.get(
        "/api/v1/graph", params={"expr": "(x+y)*max(y,z)", "x": 1, "y": 2, "z": 0}
    )
    assert response.status_code == 200
    assert_matches(GraphResponse, response.content)


@pytest.mark.parametrize(("body", "status"), ERRORS.values(), ids=ERRORS.keys())
def test_error_answers_match_the_model(client: TestClient, body: dict, status: int) -> None:
    response = client.post("/api/v1/graph", json=body)
    assert response.status_code == status, response.text
    assert_matches(ErrorResponse, response.content)


def test_functions_and_health_match_their_models(client: TestClient) -> None:
    assert_matches(FunctionsResponse, client.get("/api/v1/functions").content)
    assert_matches(Health, client.get("/healthz").content)


def test_the_post_body_is_documented_as_graph_request(client: TestClient) -> None:
    """The route reads the raw bytes itself; the schema still says what to send."""
    schema = client.get("/openapi.json").json()
    body = schema["paths"]["/api/v1/graph"]["post"]["requestBody"]
    assert body["required"] is True
    ref = body["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/GraphRequest"
    components = schema["components"]["schemas"]
    request = components["GraphRequest"]
    assert request["required"] == ["expression"]
    assert request["additionalProperties"] is False
    assert request["properties"]["options"]["$ref"] == "#/components/schemas/GraphOptions"
    assert set(components["GraphOptions"]["properties"]) == {"h", "gradient_check", "rtol", "atol"}
    assert request["examples"][0]["expression"] == "(x+y)*max(y,z)"


def test_the_html_export_documents_its_errors_as_json(client: TestClient) -> None:
    """Its answer is HTML, its errors are the API's JSON, and the schema says so."""
    responses = client.get("/openapi.json").json()["paths"]["/api/v1/export/html"]["get"]
    for status in ("400", "413", "422"):
        assert set(responses["responses"][status]["content"]) == {"application/json"}
    response = client.get("/api/v1/export/html", params={"expr": "(x+y)*max(y,z)"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert_matches(ErrorResponse, response.content)
