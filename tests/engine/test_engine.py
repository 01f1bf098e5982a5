"""Forward and backward on the lecture's examples, fan-out, kinks and non-finite numbers."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from app.config import Settings
from app.engine import Evaluation, Options, evaluate
from app.parser import parse
from tests.reference import gradient

SETTINGS = Settings()
SIGMOID_NEURON = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}


def run(text: str, values: dict[str, float], options: Options = Options()) -> Evaluation:
    return evaluate(parse(text, SETTINGS), values, SETTINGS, options)


def named(result: Evaluation, name: str) -> int:
    return next(n.index for n in result.graph.nodes if n.name == name)


def edge_between(result: Evaluation, source: str, target: str) -> int:
    s, t = named(result, source), named(result, target)
    return next(e for e, (a, b, _) in enumerate(result.graph.edges) if (a, b) == (s, t))


def test_lecture_example_forward_values() -> None:
    result = run("(x+y)*max(y,z)", {"x": 1, "y": 2, "z": 0})
    assert [result.values[named(result, n)] for n in "abf"] == [3.0, 2.0, 6.0]


def test_lecture_example_local_gradients() -> None:
    result = run("(x+y)*max(y,z)", {"x": 1, "y": 2, "z": 0})
    expected = {
        ("x", "a"): 1,
        ("y", "a"): 1,
        ("y", "b"): 1,
        ("z", "b"): 0,
        ("a", "f"): 2,
        ("b", "f"): 3,
    }
    for (source, target), local in expected.items():
        assert result.local[edge_between(result, source, target)] == local, (source, target)


def test_lecture_example_gradients_sum_at_fan_out() -> None:
    result = run("(x+y)*max(y,z)", {"x": 1, "y": 2, "z": 0})
    assert result.gradients() == {"x": 2.0, "y": 5.0, "z": 0.0}
    y_edges = [e for e, (s, _, _) in enumerate(result.graph.edges) if s == named(result, "y")]
    assert [result.downstream[e] for e in y_edges] == [2.0, 3.0]


def test_lecture_example_with_z_3() -> None:
    result = run("(x+y)*max(y,z)", {"x": 1, "y": 2, "z": 3})
    assert result.output_value == 9.0
    assert result.gradients() == {"x": 3.0, "y": 3.0, "z": 3.0}


@pytest.mark.parametrize(
    "text", ["1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", "sigmoid(w0*x0 + w1*x1 + w2)"]
)
def test_sigmoid_neuron_both_ways(text: str) -> None:
    result = run(text, SIGMOID_NEURON)
    assert result.output_value == pytest.approx(0.7310585786300049, rel=1e-12)
    grads = result.gradients()
    expected = {
        "w0": -0.19661193,
        "x0": 0.39322387,
        "w1": -0.39322387,
        "x1": -0.5898358,
        "w2": 0.19661193,
    }
    for name, value in expected.items():
        assert grads[name] == pytest.approx(value, abs=1e-7)


def test_sigmoid_gate_local_gradient_is_sigma_times_one_minus_sigma() -> None:
    result = run("sigmoid(z)", {"z": 1.0})
    s = 1 / (1 + math.exp(-1.0))
    assert result.local[0] == pytest.approx(s * (1 - s), rel=1e-15)


def test_every_edge_downstream_is_upstream_times_local_and_grads_sum() -> None:
    result = run("x*x + max(x, y)*sin(x*y)", {"x": 0.7, "y": -1.3})
    for e in range(len(result.graph.edges)):
        assert result.downstream[e] == result.upstream[e] * result.local[e]
    for node in result.graph.nodes:
        if node.index == result.graph.output:
            continue
        outgoing = [
            result.downstream[e]
            for e, (s, _, _) in enumerate(result.graph.edges)
            if s == node.index
        ]
        assert result.grads[node.index] == pytest.approx(math.fsum(outgoing), rel=1e-14, abs=1e-15)


def test_fan_out_x_times_x() -> None:
    result = run("x*x", {"x": 3.0})
    assert result.downstream == [3.0, 3.0]
    assert result.gradients() == {"x": 6.0}


def test_mul_switches_and_add_distributes() -> None:
    result = run("(a + b) * c", {"a": 2.0, "b": 5.0, "c": -4.0})
    # add passes its upstream (c = -4) unchanged to both inputs; mul gives each the other's value
    assert result.gradients() == {"a": -4.0, "b": -4.0, "c": 7.0}


@pytest.mark.parametrize(
    ("text", "values", "grads"),
    [
        ("max(y, z)", {"y": 2.0, "z": 2.0}, {"y": 0.5, "z": 0.5}),
        ("min(y, z, w)", {"y": 1.0, "z": 1.0, "w": 1.0}, {"y": 1 / 3, "z": 1 / 3, "w": 1 / 3}),
        ("relu(x)", {"x": 0.0}, {"x": 0.0}),
        ("abs(x)", {"x": 0.0}, {"x": 0.0}),
        ("hardtanh(x)", {"x": 1.0}, {"x": 0.0}),
        ("hardtanh(x)", {"x": -1.0}, {"x": 0.0}),
        ("leaky_relu(x)", {"x": 0.0}, {"x": 0.01}),
        ("leaky_relu(x, a)", {"x": -2.0, "a": 0.2}, {"x": 0.2, "a": -2.0}),
    ],
)
def test_kinks_follow_pytorch_and_are_flagged(
    text: str, values: dict[str, float], grads: dict[str, float]
) -> None:
    result = run(text, values)
    assert result.gradients() == pytest.approx(grads)
    if text != "leaky_relu(x, a)":
        assert all(result.kink), "the gate sits at its kink"


def test_away_from_kinks_nothing_is_flagged() -> None:
    result = run("max(y, z) + relu(x)", {"x": 0.5, "y": 1.0, "z": 2.0})
    assert not any(result.kink)


def test_pow_at_zero_is_finite_where_the_limit_is() -> None:
    result = run("x^2 + 0^y", {"x": 0.0, "y": 2.0})
    assert result.gradients() == {"x": 0.0, "y": 0.0}
    assert result.non_finite == []


@pytest.mark.parametrize(
    ("text", "values", "stage", "node_op"),
    [
        ("log(x) * 2", {"x": 0.0}, "forward", "log"),
        ("y + 1/x", {"x": 0.0, "y": 1.0}, "forward", "div"),
        ("exp(x) + 1", {"x": 1000.0}, "forward", "exp"),
        ("sqrt(x) + 1", {"x": 0.0}, "backward", "sqrt"),
    ],
)
def test_non_finite_names_the_first_gate(
    text: str, values: dict[str, float], stage: str, node_op: str
) -> None:
    result = run(text, values)
    first = next(nf for nf in result.non_finite if nf.stage == stage)
    assert result.graph.nodes[first.node].op == node_op
    assert not math.isfinite(first.value)
    assert first.message


@pytest.mark.parametrize(
    ("text", "values", "says"),
    [
        # ∂f/∂y = x² = 1e400: each local gradient is finite, their product is not
        ("x*(x*y)", {"x": 1e200, "y": 0.0}, "a = mul(…): the gradient it passes to y is inf"),
        ("sqrt(x) + 1", {"x": 0.0}, "a = sqrt(…): its local gradient with respect to x is inf"),
    ],
)
def test_the_backward_report_says_whether_the_local_gradient_or_the_product_overflowed(
    text: str, values: dict[str, float], says: str
) -> None:
    (backward,) = [nf for nf in run(text, values).non_finite if nf.stage == "backward"]
    assert says in backward.message and backward.value == math.inf


def test_gradient_check_agrees_away_from_kinks() -> None:
    result = run("tanh(w*x + b) * log(1 + x*x)", {"w": 0.3, "x": 1.7, "b": -0.2})
    assert result.gradient_check is not None
    reference = gradient(
        sp.tanh(sp.Symbol("w", real=True) * sp.Symbol("x", real=True) + sp.Symbol("b", real=True))
        * sp.log(1 + sp.Symbol("x", real=True) ** 2),
        {"w": 0.3, "x": 1.7, "b": -0.2},
    )
    for check in result.gradient_check:
        assert check.agrees and not check.flagged
        assert check.numeric == pytest.approx(reference[check.name], rel=1e-6)


def test_gradient_check_excuses_a_kink() -> None:
    result = run("relu(x)", {"x": 0.0})
    assert result.gradient_check is not None
    check = result.gradient_check[0]
    assert check.numeric == pytest.approx(0.5)  # (h - 0) / 2h
    assert not check.agrees and check.near_kink and not check.flagged


def test_gradient_check_sees_a_shifted_point_cross_a_max() -> None:
    # y = 1 is not tied with z, but y + h is past it: the secant spans the kink.
    result = run("max(y, z) + x*y", {"x": 2.0, "y": 1.0, "z": 1.00005})
    assert result.gradient_check is not None
    checks = {c.name: c for c in result.gradient_check}
    assert not any(result.kink)
    assert checks["y"].numeric == pytest.approx(0.25 + 2.0)  # ((1.0001 - 1.00005) / 2h) + x
    assert checks["y"].near_kink and not checks["y"].agrees and not checks["y"].flagged
    assert checks["z"].near_kink and checks["z"].numeric == pytest.approx(0.75)  # z - h < y
    # x's shifts reach x*y and the sum, never the max.
    assert not checks["x"].near_kink and checks["x"].agrees


def test_gradient_check_sees_a_crossing_in_a_max_of_three_inputs() -> None:
    result = run("max(x, y, z) * 2", {"x": 0.0, "y": 1.0, "z": 1.00005})
    assert result.gradient_check is not None
    checks = {c.name: c for c in result.gradient_check}
    assert checks["y"].near_kink and checks["y"].numeric == pytest.approx(0.5)
    assert checks["z"].near_kink and checks["z"].numeric == pytest.approx(1.5)
    assert not checks["x"].near_kink and checks["x"].agrees  # x is far below the others


@pytest.mark.parametrize("text", ["x/x", "max(x/x, x)"])
def test_a_check_whose_shifted_point_is_not_finite_is_not_a_disagreement(text: str) -> None:
    # f is finite at x = h but 0/0 at x - h = 0: the numeric gradient is nan, and so is the
    # relative error, so nothing is flagged; a warning says why the check says nothing.
    result = run(text, {"x": 1e-4})
    assert result.gradient_check is not None and not result.non_finite
    (check,) = result.gradient_check
    assert math.isnan(check.numeric) and math.isnan(check.rel_error)
    assert not check.agrees and not check.flagged
    assert result.warnings == [
        "The numeric gradient of x is not finite: f is not finite at x ± h (h = 0.0001), so the "
        "check says nothing there."
    ]


def test_gradient_check_uses_the_requested_step() -> None:
    result = run("x^3", {"x": 1.0}, Options(h=0.1))
    assert result.gradient_check is not None
    assert result.gradient_check[0].numeric == pytest.approx(((1.1**3) - (0.9**3)) / 0.2)


def test_gradient_check_skipped_when_too_costly() -> None:
    tiny = Settings(gradient_check_budget=10)
    result = evaluate(parse("x*y + y*z", tiny), {"x": 1, "y": 2, "z": 3}, tiny)
    assert result.gradient_check is None
    assert any("skipped" in w for w in result.warnings)


def test_output_that_is_an_input_has_gradient_one() -> None:
    result = run("x", {"x": 4.0})
    assert result.output_value == 4.0
    assert result.gradients() == {"x": 1.0}


@pytest.mark.parametrize(
    ("text", "constant"), [("(x-3)^2", "the constant 2"), ("x^(2*1)", "a (of constants)")]
)
def test_a_gradient_only_constants_receive_is_explained_not_reported(
    text: str, constant: str
) -> None:
    """The exponent's local x^y·ln x is nan at a negative base: the drawing shows it on the
    constant's wire, so a warning says why it changes nothing; no input is affected."""
    result = run(text, {"x": 1.0 - 3.0 * (text == "x^(2*1)")})  # a negative base either way
    exponent = result.graph.edges[-1]  # the pow's second input
    assert math.isnan(result.local[len(result.graph.edges) - 1]) and exponent[2] == 1
    assert result.non_finite == [] and all(map(math.isfinite, result.gradients().values()))
    assert result.warnings == [
        "The backward pass first leaves the finite numbers at f = pow(…): its local gradient "
        f"with respect to {constant} is nan. No input depends on it, so every input's "
        "gradient is unaffected."
    ]


@pytest.mark.parametrize(
    ("text", "values"),
    [("x^0.5", {"x": -1.0}), ("max(x, 0/0)", {"x": 1.0}), ("(x-3)^2 + 1/y", {"x": 1.0, "y": 0.0})],
)
def test_no_note_on_constants_beside_a_report_on_an_input(
    text: str, values: dict[str, float]
) -> None:
    """Where an input's gradient (or a value) is not finite, the report says so; a note that
    every input is unaffected would contradict it."""
    result = run(text, values)
    assert result.non_finite
    assert not any("No input depends on it" in w for w in result.warnings)


def test_gradient_check_does_not_flag_non_finite_numbers() -> None:
    result = run("log(x)", {"x": 0.0})
    assert result.gradient_check is not None
    check = result.gradient_check[0]
    assert not check.agrees
    assert not check.flagged
    assert result.non_finite


@pytest.mark.parametrize(
    ("text", "values", "name"),
    [
        ("1/x", {"x": 0.0}, "x"),  # analytic −∞, numeric 1/h² = 10⁸
        ("x/x", {"x": 1e-300}, "x"),  # analytic −∞ (from 1/x), numeric 0
        ("x^y", {"x": 0.0, "y": 0.0}, "y"),  # analytic 0 by convention, numeric −∞
    ],
)
def test_an_infinite_error_is_never_agreement(
    text: str, values: dict[str, float], name: str
) -> None:
    """An infinite error would pass a tolerance scaled by an infinite gradient; it must not."""
    result = run(text, values)
    assert result.gradient_check is not None
    check = next(c for c in result.gradient_check if c.name == name)
    assert math.isinf(check.analytic) or math.isinf(check.numeric)
    assert check.abs_error == math.inf
    assert not check.agrees and not check.flagged  # the non-finite report or a warning says why


@pytest.mark.parametrize("text", ["max(2, 0/x)", "max(0/x, 2)", "min(0/x, 2)", "min(2, 1, 0/x)"])
def test_a_nan_input_makes_max_and_min_nan_in_any_position(text: str) -> None:
    # Python's own max(2, nan) is 2, which would hide the 0/0 from the learner.
    result = run(text, {"x": 0.0})
    assert math.isnan(result.output_value)
    assert result.non_finite[0].message == (
        "The forward pass first leaves the finite numbers at a = div(…), which gives nan from "
        "0, x = 0."  # the constant by its value alone, not "0 = 0"
    )
