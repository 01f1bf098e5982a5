"""POST and GET /api/v1/graph: the v1 contract, with real numbers."""

from __future__ import annotations

import math
from dataclasses import asdict

import pytest
from fastapi.testclient import TestClient

from app.api import DEFAULT_OPTIONS
from app.config import Settings
from app.deps import app_settings
from app.main import create_app
from app.schemas import GraphOptions

CONTRACT_TOP = {"expression", "latex", "value", "output", "gradients", "nodes", "edges",
                "forward_order", "backward_order", "gradient_check", "warnings"}  # fmt: skip
CONTRACT_NODE = {"id", "kind", "op", "label", "value", "grad", "inputs"}
CONTRACT_EDGE = {
    "id",
    "source",
    "target",
    "index",
    "value",
    "upstream",
    "local",
    "local_latex",
    "downstream",
}


def test_lecture_post_has_the_contract_and_the_numbers(
    client: TestClient, lecture_example: dict
) -> None:
    response = client.post("/api/v1/graph", json=lecture_example)
    assert response.status_code == 200
    data = response.json()
    assert data.keys() >= CONTRACT_TOP
    assert all(n.keys() >= CONTRACT_NODE for n in data["nodes"])
    assert all(e.keys() >= CONTRACT_EDGE for e in data["edges"])
    assert data["value"] == 6.0
    assert data["gradients"] == {"x": 2.0, "y": 5.0, "z": 0.0}
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[data["output"]]["grad"] == 1.0
    assert sorted(n["op"] for n in data["nodes"] if n["kind"] == "op") == ["add", "max", "mul"]
    assert {n["op"]: n.get("pattern") for n in data["nodes"] if n["op"]} == {
        "add": "distributes", "max": "routes", "mul": "switches"}  # fmt: skip
    assert data["backward_order"] == data["forward_order"][::-1]


def test_lecture_edges_show_upstream_local_downstream(
    client: TestClient, lecture_example: dict
) -> None:
    data = client.post("/api/v1/graph", json=lecture_example).json()
    names = {n["id"]: n["name"] for n in data["nodes"]}
    edges = {(names[e["source"]], names[e["target"]]): e for e in data["edges"]}
    y_to_b = edges[("y", "b")]
    assert (y_to_b["upstream"], y_to_b["local"], y_to_b["downstream"]) == (3.0, 1.0, 3.0)
    assert y_to_b["local_latex"] == r"\mathbb{1}\left[y > z\right]"
    assert edges[("a", "f")]["local_latex"] == "b"
    for e in data["edges"]:
        assert e["downstream"] == e["upstream"] * e["local"]
    for n in data["nodes"]:
        outgoing = [e["downstream"] for e in data["edges"] if e["source"] == n["id"]]
        if outgoing:
            assert n["grad"] == pytest.approx(math.fsum(outgoing))


def test_get_matches_post(client: TestClient, lecture_example: dict) -> None:
    posted = client.post("/api/v1/graph", json=lecture_example).json()
    got = client.get(
        "/api/v1/graph", params={"expr": "(x+y)*max(y,z)", "x": 1, "y": 2, "z": 0}
    ).json()
    assert got == posted


def test_z_equals_3_variant(client: TestClient) -> None:
    data = client.get(
        "/api/v1/graph", params={"expr": "(x+y)*max(y,z)", "x": 1, "y": 2, "z": 3}
    ).json()
    assert data["value"] == 9.0
    assert data["gradients"] == {"x": 3.0, "y": 3.0, "z": 3.0}


def test_gradient_check_in_response(client: TestClient) -> None:
    body = {"expression": "x^3", "values": {"x": 2}, "options": {"h": 0.01}}
    check = client.post("/api/v1/graph", json=body).json()["gradient_check"][0]
    assert check["analytic"] == 12.0
    assert check["numeric"] == pytest.approx((2.01**3 - 1.99**3) / 0.02)
    assert check["agrees"] is True and check["flagged"] is False
    off = client.post("/api/v1/graph", json={**body, "options": {"gradient_check": False}}).json()
    assert off["gradient_check"] is None


def test_non_finite_is_valid_json_and_explained(client: TestClient) -> None:
    response = client.post(
        "/api/v1/graph", json={"expression": "log(x) + y", "values": {"x": 0, "y": 1}}
    )
    assert response.status_code == 200
    data = response.json()  # strict JSON: would fail on a bare Infinity
    assert data["value"] == "-Infinity"
    assert float(data["value"]) == -math.inf
    assert data["non_finite"][0]["stage"] == "forward"
    log_node = next(n for n in data["nodes"] if n["op"] == "log")
    assert data["non_finite"][0]["node"] == log_node["id"]
    assert data["warnings"]


def test_kinks_are_flagged_and_convention_stated(client: TestClient) -> None:
    data = client.get("/api/v1/graph", params={"expr": "max(y,z)", "y": 2, "z": 2}).json()
    assert [e["kink"] for e in data["edges"]] == [True, True]
    assert data["gradients"] == {"y": 0.5, "z": 0.5}
    assert "tie" in data["kink_conventions"]["max_min_tie"]


def test_functions_lists_every_gate_with_derivatives(client: TestClient) -> None:
    data = client.get("/api/v1/functions").json()
    ops = {f["op"]: f for f in data["functions"]}
    for name in ["add", "sub", "mul", "div", "pow", "neg", "max", "min", "abs", "exp", "log", "sqrt",
                 "sin", "cos", "tan", "tanh", "sigmoid", "relu", "leaky_relu", "hardtanh", "softplus"]:  # fmt: skip
        assert name in ops, name
        assert ops[name]["explanation"]
        assert ops[name]["local_latex"]
    assert ops["max"]["local_latex"][0]["latex"] == r"\mathbb{1}\left[x > y\right]"
    assert ops["mul"]["pattern"] == "switches"


def test_healthz_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    example = spec["components"]["schemas"]["GraphRequest"]["examples"][0]
    assert example["expression"] == "(x+y)*max(y,z)"


def test_dependency_overrides_reach_the_api_routes(settings: Settings) -> None:
    """FastAPI's way to swap a dependency in tests. Routes put on the app's router by hand
    (a few µs faster) would silently ignore it."""
    app = create_app(settings)
    app.dependency_overrides[app_settings] = lambda: Settings(max_chars=3)
    response = TestClient(app).get("/api/v1/graph", params={"expr": "x + y", "x": 1, "y": 2})
    assert response.status_code == 413
    assert "max_chars" in response.json()["detail"]["message"]


def test_a_misspelt_function_before_a_bracket_is_answered_with_a_hint(client: TestClient) -> None:
    """`sigmod (x)` is a product of two variables; the answer computes it and says what was
    probably meant, and a request without sigmod's value says it too."""
    body = {"expression": "sigmod (x)", "values": {"sigmod": 2, "x": 3}}
    data = client.post("/api/v1/graph", json=body).json()
    assert data["value"] == 6.0
    assert data["gradients"] == {"sigmod": 3.0, "x": 2.0}
    assert data["warnings"] == [
        "sigmod at column 0 is a variable, so 'sigmod (…)' multiplies it by the bracket: "
        "did you mean sigmoid(…)?"
    ]
    detail = client.post("/api/v1/graph", json={**body, "values": {"x": 3}}).json()["detail"]
    assert detail["message"] == (
        "No value was given for sigmod ('sigmod (…)' is sigmod times a bracket: did you mean "
        "sigmoid(…)?)."
    )
    assert detail["missing"] == ["sigmod"]
    shapes = {"expression": "maen (W @ x)", "values": {"maen": 1, "W": [[1, 2]], "x": [3, 4]}}
    detail = client.post("/api/v1/graph", json=shapes).json()["detail"]
    hint = "('maen (…)' is maen times a bracket: did you mean mean(…)?)."
    assert detail["message"].endswith(hint)  # the shape error, whose cause the slip is


def test_a_name_that_only_looks_latin_is_answered_with_a_hint(client: TestClient) -> None:
    """х (U+0445, pasted from a Cyrillic text) is not x: the missing value says so, and an
    answer that has both says it too."""
    detail = client.post(
        "/api/v1/graph", json={"expression": "\u0445 + 1", "values": {"x": 1}}
    ).json()["detail"]
    assert detail["message"] == (
        "No value was given for \u0445 (\u0445 is not the Latin x: \u0445 is U+0445 CYRILLIC "
        "SMALL LETTER HA)."
    )
    both = {"expression": "\u0445 * x", "values": {"x": 2, "\u0445": 3}}
    data = client.post("/api/v1/graph", json=both).json()
    assert data["value"] == 6.0 and data["gradients"] == {"\u0445": 2.0, "x": 3.0}
    assert data["warnings"] == [
        "\u0445 at column 0 is not x: \u0445 is U+0445 CYRILLIC SMALL LETTER HA, so it is a "
        "variable of its own."
    ]


def test_a_request_without_options_gets_the_documented_defaults(client: TestClient) -> None:
    """Without options the numeric check runs with h = 1e-4 (the schema's default), the same
    as with the defaults given: (2.0001³ - 1.9999³) / 0.0002 = 12.00000001."""
    body = {"expression": "x^3", "values": {"x": 2}}
    spelt_out = {**body, "options": {"h": 1e-4, "gradient_check": True, "rtol": 1e-4}}
    answers = [client.post("/api/v1/graph", json=b).json() for b in (body, spelt_out)]
    assert answers[0] == answers[1]
    check = answers[0]["gradient_check"][0]
    assert check["numeric"] == pytest.approx((2.0001**3 - 1.9999**3) / 2e-4, rel=1e-12)
    assert check["numeric"] != pytest.approx((2.01**3 - 1.99**3) / 0.02, rel=1e-9)
    assert GraphOptions().model_dump() == asdict(DEFAULT_OPTIONS)
