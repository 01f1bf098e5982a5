"""Every gate's forward and local derivatives against plain sympy, away from kinks."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy as sp

from app.gates import ELEMENTWISE_GATES
from app.symbolic import compile_gate, fill
from tests.reference import SYMPY_FUNCTIONS

OPERATORS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "neg": lambda a: -a,
}
POINTS = [(0.7, 1.9, -0.4), (2.3, -0.6, 1.1), (-1.7, 0.35, 0.9), (0.2, -2.5, -1.3)]


def reference(op: str) -> object:
    return OPERATORS.get(op) or SYMPY_FUNCTIONS[op]


def arities(op: str) -> list[int]:
    gate = next(g for g in ELEMENTWISE_GATES if g.op == op)
    low, high = gate.arity
    return list(range(low, (high or 3) + 1))


CASES = [(g.op, n, p) for g in ELEMENTWISE_GATES for n in arities(g.op) for p in POINTS]


@pytest.mark.parametrize(("op", "arity", "point"), CASES)
def test_gate_matches_sympy(op: str, arity: int, point: tuple[float, ...]) -> None:
    args = point[:arity]
    if op in ("log", "sqrt") or (op == "pow" and args[0] < 0):
        args = (abs(args[0]), *args[1:])
    symbols = sp.symbols(f"a0:{arity}", real=True)
    formula = reference(op)(*symbols)
    at = dict(zip(symbols, args, strict=True))
    gate = compile_gate(op, arity)
    assert gate.forward(*args) == pytest.approx(float(formula.evalf(30, subs=at)), rel=1e-12)
    for k, local in enumerate(gate.local(*args)):
        expected = float(sp.diff(formula, symbols[k]).evalf(30, subs=at))
        assert local == pytest.approx(expected, rel=1e-12, abs=1e-15), (op, k)


@pytest.mark.parametrize("gate", ELEMENTWISE_GATES, ids=lambda g: g.op)
def test_every_gate_is_typeset_and_explained(gate: object) -> None:
    compiled = compile_gate(
        gate.op, gate.arity[0] if gate.arity[0] > 1 or gate.arity[1] == 1 else 2
    )  # type: ignore[attr-defined]
    names = ["x", "y", "z"][: compiled.arity]
    assert "ARG" not in fill(compiled.forward_latex, names)
    for template in compiled.local_latex:
        assert "ARG" not in fill(template, names)
        assert "theta" not in template and "Heaviside" not in template
    assert gate.explanation and gate.symbol and gate.syntax  # type: ignore[attr-defined]


def test_max_local_latex_reads_as_an_indicator() -> None:
    gate = compile_gate("max", 2)
    assert fill(gate.local_latex[0], ["y", "z"]) == r"\mathbb{1}\left[y > z\right]"


@pytest.mark.parametrize("op", ["max", "min"])
@pytest.mark.parametrize("arity", [2, 3, 4, 5])
def test_routing_derivatives_are_typeset_as_sympy_differentiates_them(op: str, arity: int) -> None:
    """max and min write their derivatives directly (sympy's diff takes seconds for many
    inputs); they must read as sympy.diff's, the formula for every other gate."""
    from app.symbolic import placeholder_symbols, template, to_latex

    symbols = placeholder_symbols(arity)
    extreme = sp.Max(*symbols) if op == "max" else sp.Min(*symbols)
    expected = tuple(template(to_latex(sp.diff(extreme, s))) for s in symbols)
    assert compile_gate(op, arity).local_latex == expected


@pytest.mark.parametrize("op", ["max", "min"])
def test_routing_over_the_most_inputs_computes_and_splits_ties(op: str) -> None:
    """32 inputs, settings.max_args, which the app compiles at start-up (warm_up)."""
    gate = compile_gate(op, 32)
    args = [float(i % 5) for i in range(32)]  # 4.0 six times, 0.0 seven times
    best = max(args) if op == "max" else min(args)
    winners = args.count(best)
    assert gate.forward(*args) == best
    (local, at_kink) = gate.local_and_kink(*args)  # type: ignore[misc]
    assert local == tuple(1 / winners if a == best else 0.0 for a in args) and at_kink
    latex = fill(gate.local_latex[31], [f"a_{{{i}}}" for i in range(32)])
    assert latex.startswith(r"\mathbb{1}\left[") and r"a_{30}\right)" in latex


def test_ieee_results_instead_of_exceptions() -> None:
    assert compile_gate("log", 1).forward(0.0) == -math.inf
    assert math.isnan(compile_gate("sqrt", 1).forward(-1.0))
    assert compile_gate("div", 2).forward(1.0, 0.0) == math.inf
    assert compile_gate("exp", 1).forward(1e4) == math.inf
    assert math.isnan(compile_gate("pow", 2).forward(-8.0, 1 / 3))
    assert compile_gate("pow", 2).forward(2.0, 1e5) == math.inf


def test_sigmoid_is_stable_for_large_inputs() -> None:
    gate = compile_gate("sigmoid", 1)
    assert gate.forward(-800.0) == pytest.approx(0.0, abs=1e-300)
    assert gate.forward(800.0) == 1.0
    assert compile_gate("softplus", 1).forward(800.0) == 800.0


AWKWARD = [-8.0, -1.0, -0.5, 0.0, 0.5, 1 / 3, 2.0, 1e4, -1e4]


@pytest.mark.parametrize(("op", "arity"), sorted({(op, n) for op, n, _ in CASES}))
def test_fast_functions_give_the_ieee_answer_or_raise(op: str, arity: int) -> None:
    """The engine's inner loop calls fast_forward/fast_local bare and falls back to the IEEE
    functions only on ArithmeticError or ValueError, so a fast function must never answer
    anything else: in particular not a complex number where the IEEE one says nan."""
    gate = compile_gate(op, arity)
    for args in itertools.product(AWKWARD, repeat=arity):
        for fast, ieee in ((gate.fast_forward, gate.forward), (gate.fast_local, gate.local)):
            try:
                answer = fast(*args)
            except (ArithmeticError, ValueError):
                continue
            expected = ieee(*args)
            assert repr(answer) == repr(expected), (op, args)


ROUTING_AWKWARD = [-math.inf, -1.0, 0.0, -0.0, 2.0, math.inf, math.nan]


@pytest.mark.parametrize(("op", "pick"), [("max", np.maximum), ("min", np.minimum)])
@pytest.mark.parametrize("arity", [2, 3])
def test_routing_on_floats_agrees_with_numpy_at_ties_infinities_and_nan(
    op: str, pick: np.ufunc, arity: int
) -> None:
    """The scalar engine's max and min answer what the numpy engine's do: nan if any input is
    nan, in any order (Python's max(1, nan) is 1), and the gradient shared among tied winners."""
    gate = compile_gate(op, arity)
    for args in itertools.product(ROUTING_AWKWARD, repeat=arity):
        best = float(pick.reduce(args))
        for forward in (gate.fast_forward, gate.forward):
            assert repr(forward(*args)) == repr(best), (op, args)
        hits = [a == best for a in args]  # nan equals nothing
        shares = tuple(math.nan if math.isnan(best) else hit / sum(hits) for hit in hits)
        for local_and_kink in (gate.fast_local_and_kink, gate.local_and_kink):
            assert local_and_kink is not None
            local, at_kink = local_and_kink(*args)
            assert repr(local) == repr(shares), (op, args)
            assert at_kink == (sum(hits) > 1), (op, args)


NON_FINITE_AND_KINKS = [math.nan, math.inf, -math.inf, 0.0, -1.0, 1.0, -0.5, 2.0, -40.0, 1e308]


def same_number(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b or math.isclose(a, b, rel_tol=1e-12)


@pytest.mark.parametrize(("op", "arity"), sorted({(op, n) for op, n, _ in CASES}))
def test_scalar_and_numpy_forms_agree_at_nan_infinities_and_kinks(op: str, arity: int) -> None:
    """A nan made inside a graph (0/0) must reach the output in both engines: Python's
    max(2, nan), a relu written x if x > 0 else 0, or copysign(1, nan) would each hide it.
    And far out, both keep their digits: sigmoid(-40) as 0.5 (1 + tanh(-20)) loses them."""
    gate = compile_gate(op, arity)
    for args in itertools.product(NON_FINITE_AND_KINKS, repeat=arity):
        arrays = [np.array([a]) for a in args]
        with np.errstate(all="ignore"):
            out = gate.array.forward(arrays)
            array_locals = gate.array.locals(out, arrays)
        assert same_number(gate.forward(*args), float(out[0])), (op, args)
        for scalar, array in zip(gate.local(*args), array_locals, strict=True):
            assert same_number(float(scalar), float(array[0])), (op, args)
        flagged = gate.local_and_kink is not None and gate.local_and_kink(*args)[1]
        assert flagged == gate.array.at_kink(arrays), (op, args)
