"""Generated expressions over the whole function set, checked against sympy.diff and
central differences, plus the bookkeeping invariants on every edge and node."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, reject, settings
from hypothesis import strategies as st

from app.config import Settings
from app.engine import Evaluation, Options, evaluate
from app.errors import ExpressionError
from app.parser import parse
from tests.reference import SYMPY_FUNCTIONS, central_difference, gradient

SETTINGS = Settings()
NO_CHECK = Options(gradient_check=False)
NAMES = ["x", "y", "w0", "alpha"]
UNARY = ["abs", "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu",
         "softplus", "hardtanh", "leaky_relu"]  # fmt: skip
BINARY = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
          "/": lambda a, b: a / b}  # fmt: skip


@dataclass(frozen=True)
class Expr:
    text: str
    sym: sp.Expr


def leaves() -> st.SearchStrategy[Expr]:
    names = st.sampled_from(NAMES).map(lambda n: Expr(n, sp.Symbol(n, real=True)))
    numbers = st.sampled_from(["2", "0.5", "3", "1.5"]).map(lambda t: Expr(t, sp.Float(t)))
    return st.one_of(names, names, numbers)


def sympy_of(fn: str, *args: sp.Expr) -> sp.Expr:
    """sympy's formula, or no example at all: Max and Piecewise refuse to compare a complex
    constant such as log(-2), where the engine answers nan (which the tests drop anyway)."""
    make: Callable[..., sp.Expr] = SYMPY_FUNCTIONS[fn]
    try:
        return make(*args)
    except (TypeError, ValueError):
        reject()


def extend(children: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    def binary(op: str, a: Expr, b: Expr) -> Expr:
        return Expr(f"({a.text} {op} {b.text})", BINARY[op](a.sym, b.sym))

    def unary(fn: str, a: Expr) -> Expr:
        return Expr(f"{fn}({a.text})", sympy_of(fn, a.sym))

    def call(fn: str, args: list[Expr]) -> Expr:
        text = f"{fn}({', '.join(a.text for a in args)})"
        return Expr(text, sympy_of(fn, *[a.sym for a in args]))

    def power(a: Expr, k: int) -> Expr:
        return Expr(f"({a.text})^{k}", a.sym**k)

    return st.one_of(
        st.builds(binary, st.sampled_from(list(BINARY)), children, children),
        st.builds(unary, st.sampled_from(UNARY), children),
        st.builds(
            call, st.sampled_from(["max", "min"]), st.lists(children, min_size=2, max_size=3)
        ),
        st.builds(power, children, st.integers(2, 3)),
        st.builds(lambda a: Expr(f"-{a.text}", -a.sym), children),
        st.builds(
            lambda a, b: Expr(
                f"leaky_relu({a.text}, {b.text})", sympy_of("leaky_relu", a.sym, b.sym)
            ),
            children,
            children,
        ),
    )


expressions = st.recursive(leaves(), extend, max_leaves=8)
values = st.fixed_dictionaries(
    {n: st.floats(-2.5, 2.5, allow_nan=False).map(lambda v: round(v, 3)) for n in NAMES}
)


def evaluated(expr: Expr, vals: dict[str, float]):  # type: ignore[no-untyped-def]
    try:
        graph = parse(expr.text, SETTINGS)
    except ExpressionError as exc:  # pragma: no cover - the generator only writes valid text
        pytest.fail(f"{expr.text!r} did not parse: {exc}")
    used = {k: vals[k] for k in graph.variables}
    return evaluate(graph, used, SETTINGS), used


def smooth_and_finite(result) -> bool:  # type: ignore[no-untyped-def]
    numbers = [*result.values, *result.grads, *result.local]
    checks = result.gradient_check or []
    return (
        all(map(math.isfinite, numbers))
        and not any(result.kink)
        and not any(c.near_kink for c in checks)
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, values)
def test_gradients_agree_with_sympy_diff(expr: Expr, vals: dict[str, float]) -> None:
    result, used = evaluated(expr, vals)
    assume(used and smooth_and_finite(result))
    assume(all(abs(g) < 1e6 for g in result.grads))
    reference = gradient(expr.sym, used)
    for name, grad in result.gradients().items():
        assert grad == pytest.approx(reference[name], rel=1e-8, abs=1e-9), (expr.text, name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, values)
def test_gradients_agree_with_central_differences(expr: Expr, vals: dict[str, float]) -> None:
    result, used = evaluated(expr, vals)
    assume(used and smooth_and_finite(result))
    assume(all(abs(g) < 1e4 for g in result.grads))
    f = sp.lambdify([sp.Symbol(n, real=True) for n in used], expr.sym, "mpmath")
    numeric = central_difference(lambda v: float(f(*v.values())), used, h=1e-6)
    assume(all(map(math.isfinite, numeric.values())))
    for name, grad in result.gradients().items():
        assert grad == pytest.approx(numeric[name], rel=1e-4, abs=1e-5), (expr.text, name)


@settings(max_examples=200, deadline=None)
@given(expressions, values)
def test_edge_and_node_bookkeeping(expr: Expr, vals: dict[str, float]) -> None:
    result, _ = evaluated(expr, vals)
    graph = result.graph
    outgoing: dict[int, list[float]] = {}
    for e, (source, target, _) in enumerate(graph.edges):
        assert result.upstream[e] == result.grads[target] or math.isnan(result.grads[target])
        down = result.upstream[e] * result.local[e]
        assert result.downstream[e] == down or (
            math.isnan(down) and math.isnan(result.downstream[e])
        )
        outgoing.setdefault(source, []).append(result.downstream[e])
    for node in graph.nodes:
        if node.index != graph.output and all(map(math.isfinite, outgoing.get(node.index, []))):
            total = math.fsum(outgoing.get(node.index, []))
            assert result.grads[node.index] == pytest.approx(total, rel=1e-12, abs=1e-12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions, values, st.sampled_from([1e-4, 1e-3, 0.1]))
def test_the_check_shifts_through_the_whole_graph(
    expr: Expr, vals: dict[str, float], h: float
) -> None:
    """The check recomputes only the gates a shifted input reaches; a whole forward pass from
    the shifted inputs must give the very same output, bit for bit."""
    result, used = evaluated(expr, vals)
    assume(used and result.gradient_check is not None)
    result = evaluate(result.graph, used, SETTINGS, Options(h=h))
    assert result.gradient_check is not None
    for check in result.gradient_check:
        ahead, behind = (
            evaluate(result.graph, used | {check.name: used[check.name] + step}, SETTINGS, NO_CHECK)
            for step in (h, -h)
        )
        expected = (ahead.output_value - behind.output_value) / (2 * h)
        assert check.numeric == expected or (math.isnan(check.numeric) and math.isnan(expected))
        crosses = branches(ahead) != branches(result) or branches(behind) != branches(result)
        assert check.near_kink == (any(result.kink) or crosses), (expr.text, check.name)


def branches(result: Evaluation) -> list[object]:
    """Which smooth piece every kinked gate of the graph is on."""
    return [
        node.gate.kink.branch(*[result.values[i] for i in node.inputs])
        for node in result.graph.nodes
        if node.gate is not None and node.gate.kink is not None
    ]
