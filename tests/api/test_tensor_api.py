"""POST /api/v1/graph with vectors and matrices: the JSON contract of issue #4, the documented
response model, errors and limits."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.schemas import ONE_LAYER_EXAMPLE, GraphResponse

RNG = np.random.default_rng(7)
LECTURE_NET = ONE_LAYER_EXAMPLE  # the OpenAPI example: it must answer as documented


def post(client: TestClient, body: dict) -> dict:
    response = client.post("/api/v1/graph", json=body)
    assert response.status_code == 200, response.text
    # The documented model describes the bytes exactly: strict, from the JSON itself.
    GraphResponse.model_validate_json(response.content, strict=True)
    return response.json()


def test_every_node_has_a_shape_and_values_of_that_shape(client: TestClient) -> None:
    data = post(client, LECTURE_NET)
    assert data["tensor"] is True
    nodes = {n["id"]: n for n in data["nodes"]}
    shapes = {n["name"]: n["shape"] for n in data["nodes"]}
    assert shapes["W"] == [2, 3] and shapes["x"] == [3] and shapes["f"] == []
    for node in data["nodes"]:
        assert list(np.shape(node["value"])) == node["shape"], node["name"]
        assert list(np.shape(node["grad"])) == node["shape"], node["name"]
    assert isinstance(data["value"], float)
    assert nodes[data["output"]]["grad"] == 1.0
    for name, grad in data["gradients"].items():
        assert np.shape(grad) == np.shape(LECTURE_NET["values"][name])


def test_edges_upstream_local_downstream(client: TestClient) -> None:
    data = post(client, LECTURE_NET)
    nodes = {n["id"]: n for n in data["nodes"]}
    for edge in data["edges"]:
        source, target = nodes[edge["source"]], nodes[edge["target"]]
        assert list(np.shape(edge["upstream"])) == target["shape"]
        assert list(np.shape(edge["downstream"])) == source["shape"]
        assert edge["upstream"] == target["grad"]
        assert edge["local_shape"] == target["shape"] + source["shape"]
        assert edge["local"] is not None  # all small here
        up = np.asarray(edge["upstream"])
        contracted = np.tensordot(up, np.asarray(edge["local"]), axes=up.ndim)
        np.testing.assert_allclose(contracted, edge["downstream"], rtol=1e-12, atol=1e-15)
    for node in data["nodes"]:
        outgoing = [e["downstream"] for e in data["edges"] if e["source"] == node["id"]]
        if outgoing:
            np.testing.assert_allclose(np.sum(outgoing, axis=0), node["grad"], rtol=1e-12)


def test_local_latex_is_the_vjp_rule(client: TestClient) -> None:
    data = post(client, LECTURE_NET)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    rules = {(names[e["source"]], names[e["target"]]): e for e in data["edges"]}
    assert rules[("W", "c")]["local_latex"] == r"\delta\, x^{\top}"
    assert rules[("x", "c")]["local_latex"] == r"W^{\top}\delta"
    sigmoid = rules[("d", "g")]
    assert sigmoid["local_latex"].startswith(r"\delta \odot ")
    assert r"\sigma\left(d\right)" in sigmoid["derivative_latex"]
    z = np.array(nodes_value(data, "d"))
    np.testing.assert_allclose(
        sigmoid["local_elementwise"], 1 / (1 + np.exp(-z)) * (1 - 1 / (1 + np.exp(-z)))
    )
    assert rules[("W", "c")]["derivative_latex"] is None
    assert rules[("W", "c")]["local_elementwise"] is None
    assert rules[("b", "d")]["local_latex"] == r"\delta"


def nodes_value(data: dict, name: str) -> object:
    return next(n["value"] for n in data["nodes"] if n["name"] == name)


def test_broadcast_edge_says_it_sums(client: TestClient) -> None:
    body = {"expression": "sum(W * s + b)", "values": {"W": [[1, 2], [3, 4]], "s": 2, "b": [1, 1]}}
    data = post(client, body)
    nodes = {n["id"]: n for n in data["nodes"]}
    rules = {(nodes[e["source"]]["name"], nodes[e["target"]]["op"]): e for e in data["edges"]}
    assert rules[("s", "mul")]["local_latex"] == r"\textstyle\sum \left(\delta \odot W\right)"
    assert (
        rules[("b", "add")]["local_latex"] == r"\textstyle\sum_{\text{axis }0} \left(\delta\right)"
    )
    assert data["gradients"] == {"W": [[2.0, 2.0], [2.0, 2.0]], "s": 10.0, "b": [2.0, 2.0]}


def test_large_jacobian_is_null_but_its_shape_is_given(client: TestClient) -> None:
    W = RNG.normal(size=(8, 9)).round(3).tolist()
    data = post(client, {"expression": "sum(W @ x)", "values": {"W": W, "x": [1.0] * 9}})
    w_edge = next(e for e in data["edges"] if e["source"] == "n0")
    assert w_edge["local"] is None and w_edge["local_shape"] == [8, 8, 9]
    assert np.shape(w_edge["downstream"]) == (8, 9)


def test_gradient_check_for_tensors(client: TestClient) -> None:
    data = post(client, LECTURE_NET)
    checks = {c["name"]: c for c in data["gradient_check"]}
    assert checks["W"]["shape"] == [2, 3]
    np.testing.assert_allclose(checks["W"]["numeric"], checks["W"]["analytic"], rtol=1e-6)
    assert checks["W"]["analytic"] == data["gradients"]["W"]
    assert all(c["agrees"] and not c["flagged"] for c in checks.values())


def test_the_preset_expressions(client: TestClient) -> None:
    words = {
        f"x_{w}": RNG.normal(size=4).round(3).tolist()
        for w in ["museums", "in", "Paris", "are", "amazing"]
    }
    params = {
        "W": RNG.normal(size=(3, 20)).round(3).tolist(),
        "b": [0.1, 0.0, -0.1],
        "u": [1.0, -1.0, 0.5],
    }
    window = "u.T @ tanh(W @ concat(x_museums, x_in, x_Paris, x_are, x_amazing) + b)"
    data = post(client, {"expression": window, "values": words | params})
    assert all(np.shape(data["gradients"][w]) == (4,) for w in words)
    twice = {"expression": "u.T @ tanh(W @ concat(x_in, x_Paris, x_in) + b)",
             "values": {"x_in": words["x_in"], "x_Paris": words["x_Paris"], "W": np.array(params["W"])[:, :12].tolist(),
                        "b": params["b"], "u": params["u"]}}  # fmt: skip
    data = post(client, twice)
    in_node = next(n["id"] for n in data["nodes"] if n["name"] == "x_in")
    parts = [e["downstream"] for e in data["edges"] if e["source"] == in_node]
    np.testing.assert_allclose(np.sum(parts, axis=0), data["gradients"]["x_in"], rtol=1e-14)
    W = RNG.normal(size=(3, 4)).round(3).tolist()
    ce = {"expression": "-log(softmax(W @ x + b)[1]) + 0.01*sum(W*W)",
          "values": {"W": W, "x": [1.0, 0.5, -0.5, 2.0], "b": [0.0, 0.1, -0.1]}}  # fmt: skip
    assert post(client, ce)["value"] > 0


def test_non_finite_entries_are_text_and_traced(client: TestClient) -> None:
    response = client.post(
        "/api/v1/graph", json={"expression": "sum(log(x))", "values": {"x": [1.0, 0.0, -1.0]}}
    )
    data = json.loads(response.content)  # strict JSON: a bare Infinity would fail here
    GraphResponse.model_validate_json(response.content, strict=True)
    log_node = next(n for n in data["nodes"] if n["op"] == "log")
    assert log_node["value"] == [0.0, "-Infinity", "NaN"]
    assert data["value"] == "NaN"
    forward = data["non_finite"][0]
    assert forward["stage"] == "forward" and forward["node"] == log_node["id"]
    assert forward["value"] == "-Infinity" and "(1,)" in forward["message"]
    assert math.isnan(float(data["value"]))


def test_scalar_responses_have_shapes_too(client: TestClient, lecture_example: dict) -> None:
    data = post(client, lecture_example)
    assert data["tensor"] is False
    assert all(n["shape"] == [] for n in data["nodes"])
    assert all(isinstance(n["value"], float) for n in data["nodes"])
    assert "local_shape" not in data["edges"][0]


@pytest.mark.parametrize(
    ("body", "status", "words", "position"),
    [
        ({"expression": "sum(W @ x)", "values": {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2, 3, 4]}},
         400, "W @ x: shapes (2, 3) and (4,) do not align", 6),
        ({"expression": "W @ x", "values": {"W": [[1, 2], [3, 4]], "x": [1, 2]}},
         400, "wrap it in sum(", 2),
        ({"expression": "sum(x)", "values": {"x": [[1, 2], [3]]}}, 422, "value of x is ragged", 4),
        ({"expression": "sum(x)", "values": {"x": [1, "2"]}}, 422, "values.x", None),
        ({"expression": "sum(x)", "values": {"x": [1, True]}}, 422, "values.x", None),
        ({"expression": "sum(x)", "values": {"x": [[[1.0]]]}}, 422, "values.x", None),
        ({"expression": "sum(x)", "values": {"x": []}}, 422, "empty", 4),
        ({"expression": "v[3]", "values": {"v": [1, 2]}}, 400, "out of range", 1),
    ],
)  # fmt: skip
def test_tensor_errors(
    client: TestClient, body: dict, status: int, words: str, position: int | None
) -> None:
    response = client.post("/api/v1/graph", json=body)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert words in detail["message"] and detail["message"].endswith(".")
    assert detail["position"] == position


def test_non_finite_numbers_in_a_vector_are_refused(client: TestClient) -> None:
    for raw in (b'{"expression": "sum(x)", "values": {"x": [1, NaN]}}',
                b'{"expression": "sum(x)", "values": {"x": [1, 1e999]}}'):  # fmt: skip
        response = client.post(
            "/api/v1/graph", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, response.text


def test_limits_give_413() -> None:
    small = TestClient(create_app(Settings(max_value_elements=100, max_node_elements=100)))
    response = small.post(
        "/api/v1/graph", json={"expression": "sum(x)", "values": {"x": [0.5] * 101}}
    )
    assert (
        response.status_code == 413 and "max_value_elements" in response.json()["detail"]["message"]
    )
    outer = {"expression": "sum(a @ b.T)", "values": {"a": [[1.0]] * 11, "b": [[1.0]] * 11}}
    response = small.post("/api/v1/graph", json=outer)
    assert (
        response.status_code == 413 and "max_node_elements" in response.json()["detail"]["message"]
    )


def test_a_256_by_256_matrix_is_answered(client: TestClient) -> None:
    W, x = RNG.normal(size=(256, 256)).round(4), RNG.normal(size=256).round(4)
    data = post(client, {"expression": "sum(W @ x)", "values": {"W": W.tolist(), "x": x.tolist()}})
    np.testing.assert_allclose(data["gradients"]["x"], W.sum(axis=0), rtol=1e-12)
    assert data["gradient_check"] is None and "gradient_check_budget" in data["warnings"][0]


def test_functions_list_the_tensor_gates(client: TestClient) -> None:
    data = client.get("/api/v1/functions").json()
    ops = {f["op"]: f for f in data["functions"]}
    for op in [
        "matmul",
        "transpose",
        "sum",
        "mean",
        "dot",
        "concat",
        "softmax",
        "logsumexp",
        "index",
    ]:
        assert ops[op]["tensor_only"] and ops[op]["explanation"] and ops[op]["vjp_latex"]
    assert [v["latex"] for v in ops["matmul"]["vjp_latex"]] == [
        r"\delta\, y^{\top}",
        r"x^{\top}\delta",
    ]
    assert ops["matmul"]["vjp_shapes"] == [[2, 3], [3]]
    assert ops["sigmoid"]["tensor_only"] is False
    assert ops["mul"]["vjp_latex"][0]["latex"] == r"\delta \odot y"


def test_get_takes_vectors_and_matrices_as_json(client: TestClient) -> None:
    params = {"expr": "sum(W @ x)", "W": "[[1, 2], [3, 4]]", "x": "[1, -1]"}
    data = client.get("/api/v1/graph", params=params).json()
    assert data["value"] == (1 - 2) + (3 - 4)
    assert data["gradients"] == {"W": [[1.0, -1.0], [1.0, -1.0]], "x": [4.0, 6.0]}


def test_get_refuses_broken_arrays(client: TestClient) -> None:
    response = client.get("/api/v1/graph", params={"expr": "sum(x)", "x": "[1, 2"})
    assert response.status_code == 422
    assert "x" in response.json()["detail"]["message"]
    ragged = client.get("/api/v1/graph", params={"expr": "sum(W)", "W": "[[1, 2], [3]]"})
    assert ragged.status_code == 422


def test_export_html_of_a_tensor_graph(client: TestClient) -> None:
    params = {
        "expr": "u.T @ sigmoid(W @ x)",
        "u": "[1, -1]",
        "W": "[[1, 2], [3, 4]]",
        "x": "[0.5, 0.25]",
    }
    response = client.get("/api/v1/export/html", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_an_error_after_parsing_names_the_variables(client: TestClient) -> None:
    """A page that typed W @ x with numbers for W and x can offer a matrix field for each."""
    body = {"expression": "sum(W @ x) + y", "values": {"W": 1, "x": 1, "y": 2}}
    detail = client.post("/api/v1/graph", json=body).json()["detail"]
    assert "@ needs vectors or matrices" in detail["message"]
    assert detail["variables"] == ["W", "x", "y"]
    unparsed = client.post("/api/v1/graph", json={"expression": "sum(W @", "values": {}})
    assert "variables" not in unparsed.json()["detail"]
