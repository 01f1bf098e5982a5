"""Turn each registry entry into fast numeric functions and LaTeX templates, using sympy once.

For a gate with n inputs we build placeholder symbols, write its formula on them, differentiate
with `sympy.diff`, print forward and derivatives as LaTeX templates, and `lambdify` both into
plain-float functions and into numpy functions (the element-wise rule of `app.rules`). Requests
then never touch sympy. Tensor gates need no sympy: their entry already holds numpy functions.

Floats follow IEEE 754 rather than Python's exceptions: the fast `math` path is tried first, and
where it raises (log 0, 1/0, overflow) or leaves the reals, the same formula is evaluated with
numpy, which answers inf or nan. The engine reports where those first appear.

Each gate also gets `fast_forward` and `fast_local`, which the engine's inner loop calls with
no wrapper: they return floats or raise, never a complex number. The engine runs a whole pass
on them and, on the rare ArithmeticError or ValueError, runs it again on the IEEE functions.
"""

from __future__ import annotations

import inspect
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter

from app.gates import GATES_BY_OP, NUMERIC, Gate, Kink, TensorGate
from app.rules import ArrayRule, ElementwiseRule, TensorRule

_PLACEHOLDER = re.compile(r"ARG([A-Z]{2})")
# A power whose exponent is not an integer literal: on floats Python answers a complex number
# for a negative base there rather than raising, so such functions always go through the wrapper.
_MAY_LEAVE_REALS = re.compile(r"\*\*(?!\d)")


def _array_sigmoid(x: Any) -> Any:
    """gates._sigmoid entry by entry: exp of -|x| never overflows, and for x < 0 the ratio
    keeps its digits where 1 - 1/(1 + e^-x) would cancel to 0 (sigmoid(-40) is 4.2e-18)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


_NUMPY_NUMERIC: dict[str, Callable[..., Any]] = {
    "hardtanh": lambda x: np.clip(x, -1.0, 1.0),
    "leaky_relu": lambda x, slope=0.01: np.where(x > 0, x, slope * x),
    "sigmoid": _array_sigmoid,
    "softplus": lambda x: np.logaddexp(0.0, x),
    "relu": lambda x: np.maximum(x, 0.0),
    "Heaviside": lambda x, h0=0.5: np.heaviside(x, h0),
}


class TeachingLatexPrinter(LatexPrinter):
    """sympy's LaTeX, but with indicators a learner can read: 1[y > z] rather than θ(y − z)."""

    def _print_Heaviside(  # noqa: N802 - sympy's printer hook
        self,
        expr: sp.Heaviside,
        exp: Any = None,
    ) -> str:
        arg = expr.args[0]
        positive = [t for t in sp.Add.make_args(arg) if not t.could_extract_minus_sign()]
        negative = [-t for t in sp.Add.make_args(arg) if t.could_extract_minus_sign()]
        left = self._print(sp.Add(*positive)) if positive else "0"
        right = self._print(sp.Add(*negative)) if negative else "0"
        body = rf"\mathbb{{1}}\left[{left} > {right}\right]"
        return f"{body}^{{{exp}}}" if exp else body


def to_latex(expr: sp.Expr) -> str:
    return str(TeachingLatexPrinter({"mul_symbol": "dot"}).doprint(expr))


def placeholder_symbols(n: int) -> list[sp.Symbol]:
    letters = string.ascii_uppercase
    return [sp.Symbol(f"ARG{letters[i // 26]}{letters[i % 26]}", real=True) for i in range(n)]


def template(latex: str) -> str:
    """LaTeX printed on placeholder symbols → a str.format template: ARGAB becomes {1}."""
    letters = string.ascii_uppercase
    escaped = latex.replace("{", "{{").replace("}", "}}")
    return _PLACEHOLDER.sub(
        lambda m: f"{{{letters.index(m[1][0]) * 26 + letters.index(m[1][1])}}}", escaped
    )


def fill(template: str, operands: list[str]) -> str:
    """Put operand LaTeX into a template made by `template`."""
    return template.format(*operands)


@dataclass(frozen=True)
class CompiledGate:
    """One gate at one arity: float functions for the scalar passes, a numpy rule for vectors
    and matrices, LaTeX templates for the page."""

    gate: Gate | TensorGate
    arity: int
    forward: Callable[..., float]
    local: Callable[..., tuple[float, ...]]
    fast_forward: Callable[..., float]  # a float, or ArithmeticError/ValueError
    fast_local: Callable[..., tuple[float, ...]]  # floats, or ArithmeticError/ValueError
    # For a gate with a kink: (local gradients, whether the inputs sit at the kink) in one call,
    # so the backward pass tests the kink once per gate; IEEE and fast, like the two above.
    local_and_kink: Callable[..., tuple[tuple[float, ...], bool]] | None
    fast_local_and_kink: Callable[..., tuple[tuple[float, ...], bool]] | None
    forward_latex: str  # str.format templates over the operands' LaTeX: "{0} + {1}"
    local_latex: tuple[str, ...]  # empty templates for tensor gates: see array.vjp_latex
    kink: Kink | None
    array: ArrayRule
    symbol: str  # what the node shows: the gate's symbol, or v[k]'s "[k]" with k filled in
    tensor_only: bool  # exists for arrays only: its graph runs in the numpy engine

    def __repr__(self) -> str:
        return f"<CompiledGate {self.gate.op}/{self.arity}>"

    @property
    def op(self) -> str:
        return self.gate.op


def _lambdify(symbols: list[sp.Symbol], expr: Any) -> tuple[Callable[..., Any], Callable[..., Any]]:
    fast = sp.lambdify(symbols, expr, modules=[NUMERIC, "math"])
    slow = sp.lambdify(symbols, expr, modules=[_NUMPY_NUMERIC, "numpy"])
    return fast, slow


def _stays_real(fast: Callable[..., Any]) -> bool:
    return not _MAY_LEAVE_REALS.search(inspect.getsource(fast))


def _ieee_scalar(fast: Callable[..., Any], slow: Callable[..., Any]) -> Callable[..., float]:
    def evaluate(*args: float) -> float:
        try:
            result = fast(*args)
            if type(result) is not complex:
                return result  # type: ignore[no-any-return]
        except (ArithmeticError, ValueError):
            pass
        with np.errstate(all="ignore"):
            return float(np.real_if_close(slow(*map(np.float64, args))).real)

    return evaluate


def _ieee_tuple(
    fast: Callable[..., Any], slow: Callable[..., Any]
) -> Callable[..., tuple[float, ...]]:
    def evaluate(*args: float) -> tuple[float, ...]:
        try:
            result = fast(*args)
            if complex not in map(type, result):
                return result  # type: ignore[no-any-return]
        except (ArithmeticError, ValueError):
            pass
        with np.errstate(all="ignore"):
            values = slow(*map(np.float64, args))
        return tuple(float(v.real) if isinstance(v, complex) else float(v) for v in values)

    return evaluate


def _with_kink_flag(
    gate: Gate, local: Callable[..., tuple[float, ...]]
) -> Callable[..., tuple[tuple[float, ...], bool]] | None:
    """`local` with the gate's kink convention, and the kink test, from one call: the one
    place the convention is applied, so the test is made once per gate evaluation."""
    kink = gate.kink
    if kink is None:
        return None
    if kink.local_and_kink is not None:
        return kink.local_and_kink
    at_kink = kink.at_kink
    at_kink_local = kink.at_kink_local or local

    def local_and_kink(*args: float) -> tuple[tuple[float, ...], bool]:
        if at_kink(*args):
            return at_kink_local(*args), True
        return local(*args), False

    return local_and_kink


def _with_convention(
    gate: Gate, local: Callable[..., tuple[float, ...]]
) -> Callable[..., tuple[float, ...]]:
    """`local` with the gate's kink convention applied, without the flag."""
    flagged = _with_kink_flag(gate, local)
    kink = gate.kink
    if flagged is None or kink is None:
        return local
    if kink.at_kink_local is None and kink.local_and_kink is None:
        return local  # no convention overrides the formula: no kink test needed

    def local_by_convention(*args: float) -> tuple[float, ...]:
        return flagged(*args)[0]

    return local_by_convention


def _with_specials(
    gate: Gate, local: Callable[..., tuple[float, ...]]
) -> Callable[..., tuple[float, ...]]:
    """Exact values where the formula says 0 · ∞ (`Gate.special_local`)."""
    special = gate.special_local
    if special is None:
        return local

    def local_with_specials(*args: float) -> tuple[float, ...]:
        exact = special(*args)
        values = local(*args)
        return tuple(v if e is None else e for v, e in zip(values, exact, strict=True))

    return local_with_specials


def _derivatives(gate: Gate, formula: sp.Expr, symbols: list[sp.Symbol]) -> tuple[sp.Expr, ...]:
    if gate.derivative is not None:
        return tuple(gate.derivative(k, *symbols) for k in range(len(symbols)))
    # a**b*b/a would be 0/0 at a = 0; powsimp gives b*a**(b-1), which is finite there.
    return tuple(sp.powsimp(sp.diff(formula, s)) for s in symbols)


def _local_functions(
    gate: Gate, symbols: list[sp.Symbol], derivatives: tuple[sp.Expr, ...]
) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """The derivatives lambdified for floats and for numpy, unless the kink gives the local
    gradients itself (lambdify takes 46 s over max's 32 indicator functions)."""
    if gate.kink is not None and gate.kink.gives_locals:
        return _given_by_the_kink, _given_by_the_kink
    return _lambdify(symbols, derivatives)


def _given_by_the_kink(*args: float) -> tuple[float, ...]:
    raise AssertionError("the gate's kink gives its local gradients: see Kink.gives_locals")


@cache
def compile_gate(op: str, arity: int) -> CompiledGate:
    gate = GATES_BY_OP[op]
    if isinstance(gate, TensorGate):
        return compile_tensor_gate(gate, arity)
    symbols = placeholder_symbols(arity)
    formula = gate.formula(*symbols)
    derivatives = _derivatives(gate, formula, symbols)
    forward, array_forward = _lambdify(symbols, formula)
    local, array_local = _local_functions(gate, symbols, derivatives)
    local_latex = tuple(template(to_latex(d)) for d in derivatives)
    ieee_forward = _ieee_scalar(forward, array_forward)
    ieee_local = _with_specials(gate, _ieee_tuple(local, array_local))
    fast_local = _with_specials(gate, local) if _stays_real(local) else ieee_local
    return CompiledGate(
        gate=gate,
        arity=arity,
        forward=ieee_forward,
        local=_with_convention(gate, ieee_local),
        fast_forward=forward if _stays_real(forward) else ieee_forward,
        fast_local=_with_convention(gate, fast_local),
        local_and_kink=_with_kink_flag(gate, ieee_local),
        fast_local_and_kink=_with_kink_flag(gate, fast_local),
        forward_latex=template(to_latex(formula)),
        local_latex=local_latex,
        kink=gate.kink,
        array=ElementwiseRule(gate, array_forward, array_local, local_latex),
        symbol=gate.symbol,
        tensor_only=False,
    )


def compile_tensor_gate(gate: TensorGate, arity: int, index: int | None = None) -> CompiledGate:
    """A tensor gate at one arity (and, for v[k], one k). Cheap: no sympy is involved, so the
    parser calls it directly for each v[k] rather than caching one gate per k."""
    operands = " \\\\ ".join(f"{{{i}}}" for i in range(arity))  # {all}: concat's rows
    k = "k" if index is None else str(index)
    return CompiledGate(
        gate=gate,
        arity=arity,
        forward=_needs_arrays(gate.op),
        local=_needs_arrays(gate.op),
        fast_forward=_needs_arrays(gate.op),
        fast_local=_needs_arrays(gate.op),
        local_and_kink=None,
        fast_local_and_kink=None,
        forward_latex=gate.forward_latex.replace("{k}", k).replace("{all}", operands),
        local_latex=("",) * arity,
        kink=None,
        array=TensorRule(gate, index),
        symbol=gate.symbol.replace("k", k) if index is not None else gate.symbol,
        tensor_only=True,
    )


def _needs_arrays(op: str) -> Callable[..., Any]:
    def refuse(*args: float) -> Any:
        raise TypeError(f"{op} runs on arrays only; graphs using it go to the numpy engine")

    return refuse


def warm_up(max_args: int = 4) -> None:
    """Compile every gate at every arity up to max_args, so that no request compiles one: a
    compile does not look at the request's clock (max and min at 32 inputs: 0.1 s each)."""
    for gate in GATES_BY_OP.values():
        low, high = gate.arity
        if isinstance(gate, TensorGate):
            continue
        for arity in range(low, (high or max_args) + 1):
            compile_gate(gate.op, arity)
