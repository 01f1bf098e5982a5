"""The scalar JSON fast path (a template per graph, numbers filled in) against the plain path
(a dict per node and edge, written by orjson in one go)."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import HealthCheck, given, settings

from app.config import Settings
from app.engine import Evaluation, Options, evaluate
from app.parser import parse
from app.serialize import to_dict, to_json
from tests.engine.test_properties import Expr, evaluated, expressions, values

SETTINGS = Settings()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, values)
def test_filled_json_is_the_plain_json_byte_for_byte(expr: Expr, vals: dict[str, float]) -> None:
    result, _ = evaluated(expr, vals)
    assert to_json(result) == orjson.dumps(to_dict(result)), expr.text


def test_filled_json_reads_back_as_the_engine_numbers() -> None:
    graph = parse("max(x, y, 2) * tanh(w0 - x) + x / alpha", SETTINGS)
    result = evaluate(graph, {"x": 0.3, "y": 2.0, "w0": 2.0, "alpha": 0.7}, SETTINGS)
    assert isinstance(result, Evaluation)
    data = json.loads(to_json(result))
    assert [n["value"] for n in data["nodes"]] == result.values
    assert [n["grad"] for n in data["nodes"]] == result.grads
    assert [e["local"] for e in data["edges"]] == result.local
    assert [e["downstream"] for e in data["edges"]] == result.downstream
    at_the_tie = [graph.nodes[target].op == "max" for _, target, _ in graph.edges]
    assert [e["kink"] for e in data["edges"]] == result.kink == at_the_tie  # y = 2 ties with 2
    sources = [result.values[s] for s, _, _ in graph.edges]
    assert [e["value"] for e in data["edges"]] == sources


def test_a_parsed_graph_reused_with_new_values_gets_new_numbers() -> None:
    graph = parse("(x + y) * max(y, z)", SETTINGS)
    first = to_json(evaluate(graph, {"x": 1.0, "y": 3.0, "z": -2.0}, SETTINGS))
    second = to_json(evaluate(graph, {"x": -4.0, "y": 3.0, "z": -2.0}, SETTINGS))
    assert json.loads(first)["value"] == 12.0
    assert json.loads(second)["value"] == -3.0
    assert json.loads(second)["nodes"][0]["grad"] == 3.0


def test_a_graph_of_several_chunks_is_written_whole() -> None:
    """The template is written 2,048 nodes at a time; the chunks must join seamlessly."""
    text = " + ".join(f"tanh(w{i} * x{i % 7})" for i in range(1_200))  # about 4,800 nodes
    values = {f"w{i}": 0.001 * i for i in range(1_200)} | {f"x{k}": k - 3.0 for k in range(7)}
    result = evaluate(parse(text, SETTINGS), values, SETTINGS)
    assert len(result.graph.nodes) > 2 * 2_048
    data = json.loads(to_json(result))
    assert [n["id"] for n in data["nodes"]] == [f"n{i}" for i in range(len(result.graph.nodes))]
    assert to_json(result) == orjson.dumps(to_dict(result))


def test_the_two_wires_of_x_times_x_are_told_apart_by_their_operand() -> None:
    data = to_dict(evaluate(parse("x*x + x*y", SETTINGS), {"x": 3.0, "y": 2.0}, SETTINGS))
    partials = [e["partial_latex"] for e in data["edges"]]
    assert partials[:2] == [
        r"\left.\frac{\partial a}{\partial x}\right|_{\text{1st operand}}",
        r"\left.\frac{\partial a}{\partial x}\right|_{\text{2nd operand}}",
    ]
    assert partials[2] == r"\frac{\partial b}{\partial x}"  # x and y: nothing to tell apart
    assert [e["local"] for e in data["edges"][:2]] == [3.0, 3.0]


def test_operands_past_the_twentieth_get_english_ordinals() -> None:
    data = to_dict(
        evaluate(parse("max(" + ", ".join(["x"] * 23) + ")", SETTINGS), {"x": 1.0}, SETTINGS)
    )
    marks = [e["partial_latex"].rsplit(r"\text{", 1)[1].rstrip("}") for e in data["edges"]]
    assert [marks[i] for i in (0, 1, 2, 3, 10, 11, 12, 20, 21, 22)] == [
        f"{n} operand"
        for n in ("1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd")
    ]


def test_one_graph_answered_in_each_way_a_request_can_vary_is_the_plain_json() -> None:
    """One parsed graph serves requests with and without the check, with a check over its
    budget (a warning), past the LaTeX limit and with inf (the plain path): each answer has
    its own bytes, in any order, from one template per LaTeX limit."""
    graph = parse("sigmod (x) * max(x, y)", SETTINGS)  # a lookalike's warning in every answer
    over_budget = Settings(gradient_check_budget=1)
    no_latex = Settings(latex_max_nodes=3)
    answers = [
        (SETTINGS, Options(), {"x": 0.5, "y": 2.0, "sigmod": 3.0}),
        (SETTINGS, Options(gradient_check=False), {"x": 0.5, "y": 2.0, "sigmod": 3.0}),
        (over_budget, Options(), {"x": -1.0, "y": 2.0, "sigmod": 3.0}),
        (no_latex, Options(), {"x": 4.0, "y": 2.0, "sigmod": -3.0}),
        (SETTINGS, Options(), {"x": 1e308, "y": 2.0, "sigmod": 1e308}),  # overflows to inf
        (SETTINGS, Options(), {"x": 3.0, "y": 3.0, "sigmod": 1.0}),  # a tie: at the kink
    ]
    for settings_, options, vals in answers * 2:
        result = evaluate(graph, vals, settings_, options)
        latex_max = settings_.latex_max_nodes
        written = to_json(result, latex_max)
        assert written == orjson.dumps(to_dict(result, latex_max)), (options, vals)
        data = json.loads(written)
        expected = vals["sigmod"] * vals["x"] * max(vals["x"], vals["y"])
        assert float(data["value"]) == expected  # "Infinity" for inf, as JavaScript reads it
        assert len(data["warnings"]) >= 1
        assert (data["gradient_check"] is None) == (
            options.gradient_check is False or settings_ is over_budget
        )
    assert sorted(key for key in graph.memo if key.startswith("template")) == [
        "template 2000",
        "template 3",
    ]


@pytest.mark.parametrize("text", ["2 * 3", "max(2, 3) + x * 0", "x"])
def test_a_graph_with_no_or_one_input_is_the_plain_json(text: str) -> None:
    graph = parse(text, SETTINGS)
    for options in (Options(), Options(gradient_check=False)):
        result = evaluate(graph, {"x": 1.5}, SETTINGS, options)
        assert to_json(result) == orjson.dumps(to_dict(result))
