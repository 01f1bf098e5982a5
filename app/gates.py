"""The gate registry: every operator and function the language knows, one entry each.

An entry says what the gate computes (as a sympy formula), how it is drawn and explained, and
where it has kinks. Everything numeric and typeset is derived from the formula once, at start-up,
by `app.symbolic`: local derivatives by `sympy.diff`, LaTeX by sympy's printer, and fast float
functions by `lambdify`. Adding a gate means adding one entry here (and its tests).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

# Operator precedence, used to put parentheses back when typesetting a whole expression.
SUM, PRODUCT, UNARY, POWER, ATOM = 1, 2, 3, 4, 5


# ---------------------------------------------------------------------------------------------
# Functions sympy has no name for. Each knows its derivative and its LaTeX, so that sympy.diff
# gives the form the lecture teaches (sigma' = sigma (1 - sigma), not e^-x / (1 + e^-x)^2).


class sigmoid(sp.Function):  # noqa: N801 - sympy names functions in lower case
    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0]) * (1 - sigmoid(self.args[0]))

    def _latex(self, printer: Any) -> str:
        return rf"\sigma\left({printer._print(self.args[0])}\right)"

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))


class softplus(sp.Function):  # noqa: N801
    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{softplus}}\left({printer._print(self.args[0])}\right)"

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.log(1 + sp.exp(x))


class relu(sp.Function):  # noqa: N801
    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0], 0)

    def _latex(self, printer: Any) -> str:
        return rf"\operatorname{{ReLU}}\left({printer._print(self.args[0])}\right)"

    def _eval_rewrite_as_exp(self, x: sp.Expr, **kwargs: Any) -> sp.Expr:
        return sp.Max(x, 0)


def _hardtanh_pieces(x: sp.Expr) -> sp.Expr:
    return sp.Piecewise((-1, x <= -1), (x, x < 1), (1, True))


def _leaky_relu_pieces(x: sp.Expr, slope: sp.Expr = sp.Rational(1, 100)) -> sp.Expr:
    return sp.Piecewise((x, x > 0), (slope * x, True))


class _Piecewise(sp.Function):
    """A function defined piece by piece; typeset by name, differentiated piece by piece."""

    pieces: Any = None
    latex_name = ""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        dummies = [sp.Dummy(real=True) for _ in self.args]
        derivative = sp.diff(type(self).pieces(*dummies), dummies[argindex - 1])
        return derivative.subs(dict(zip(dummies, self.args, strict=True)))

    def _latex(self, printer: Any) -> str:
        args = ", ".join(printer._print(a) for a in self.args)
        return rf"\operatorname{{{self.latex_name}}}\left({args}\right)"

    def _eval_rewrite_as_Piecewise(  # noqa: N802 - sympy's rewrite hook
        self,
        *args: sp.Expr,
        **kwargs: Any,
    ) -> sp.Expr:
        return type(self).pieces(*args)


class hardtanh(_Piecewise):  # noqa: N801
    pieces = staticmethod(_hardtanh_pieces)
    latex_name = "hardtanh"


class leaky_relu(_Piecewise):  # noqa: N801
    pieces = staticmethod(_leaky_relu_pieces)
    latex_name = "LeakyReLU"


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    ex = math.exp(x)
    return ex / (1.0 + ex)


def _softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _heaviside(x: float, at_zero: float = 0.5) -> float:
    if x > 0:
        return 1.0
    if x < 0:
        return 0.0
    return at_zero if x == 0 else math.nan


def _relu(x: float) -> float:
    return x if x > 0 else 0.0


# Python implementations of the names above; lambdify looks them up here before `math`.
NUMERIC: dict[str, Callable[..., float]] = {
    "hardtanh": lambda x: -1.0 if x <= -1 else (x if x < 1 else 1.0),
    "leaky_relu": lambda x, slope=0.01: x if x > 0 else slope * x,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "relu": _relu,
    "Heaviside": _heaviside,
}


# ---------------------------------------------------------------------------------------------
# Kinks: points where a gate is not differentiable. We follow PyTorch's conventions there.


@dataclass(frozen=True)
class Kink:
    convention: str
    at_kink: Callable[..., bool]
    branch: Callable[..., object]  # which smooth piece the inputs are on
    at_kink_local: Callable[..., tuple[float, ...]] | None = None  # override there


def _ties(args: Sequence[float], best: float) -> tuple[float, ...]:
    winners = sum(1 for a in args if a == best)
    return tuple(1.0 / winners if a == best else 0.0 for a in args)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


MAX_KINK = Kink(
    convention="a tie splits the gradient equally among the tied inputs",
    at_kink=lambda *a: sum(1 for v in a if v == max(a)) > 1,
    branch=lambda *a: tuple(i for i, v in enumerate(a) if v == max(a)),
    at_kink_local=lambda *a: _ties(a, max(a)),
)
MIN_KINK = Kink(
    convention="a tie splits the gradient equally among the tied inputs",
    at_kink=lambda *a: sum(1 for v in a if v == min(a)) > 1,
    branch=lambda *a: tuple(i for i, v in enumerate(a) if v == min(a)),
    at_kink_local=lambda *a: _ties(a, min(a)),
)


def _kink_at_zero(convention: str) -> Kink:
    return Kink(convention, at_kink=lambda x, *_: x == 0, branch=lambda x, *_: _sign(x))


# ---------------------------------------------------------------------------------------------
# The registry.


@dataclass(frozen=True)
class Gate:
    op: str  # the name in the JSON and, for functions, in the language
    symbol: str  # drawn inside the gate's circle
    syntax: str  # how a learner types it
    explanation: str  # one line, shown in the inspector and the help
    formula: Callable[..., sp.Expr]  # the forward pass, on sympy symbols
    arity: tuple[int, int | None] = (1, 1)  # fewest and most inputs (None: settings.max_args)
    pattern: str | None = None  # the lecture's word for add, max and mul
    precedence: int = ATOM
    kink: Kink | None = None
    is_function: bool = True  # typed as name(…) rather than as an operator
    # Exact values where the generic derivative formula says 0 · ∞ (PyTorch does the same).
    special_local: Callable[..., tuple[float | None, ...]] | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)


def _pow_special(base: float, exponent: float) -> tuple[float | None, float | None]:
    d_base = 0.0 if exponent == 0 else None
    d_exponent = 0.0 if base == 0 and exponent >= 0 else None
    return d_base, d_exponent


GATES: tuple[Gate, ...] = (
    # -- operators ------------------------------------------------------------------------------
    Gate(
        op="add", symbol="+", syntax="x + y", arity=(2, 2), is_function=False,
        formula=lambda a, b: a + b, precedence=SUM, pattern="distributes",
        explanation="add distributes: each input gets the upstream gradient unchanged",
    ),
    Gate(
        op="sub", symbol="−", syntax="x - y", arity=(2, 2), is_function=False,
        formula=lambda a, b: a - b, precedence=SUM,
        explanation="sub passes the upstream gradient to x and its negative to y",
    ),
    Gate(
        op="mul", symbol="×", syntax="x * y, 2x, (a+b)(c+d)", arity=(2, 2), is_function=False,
        formula=lambda a, b: a * b, precedence=PRODUCT, pattern="switches",
        explanation="mul switches: each input's local gradient is the other input's value",
    ),
    Gate(
        op="div", symbol="÷", syntax="x / y", arity=(2, 2), is_function=False,
        formula=lambda a, b: a / b, precedence=PRODUCT,
        explanation="div scales x's gradient by 1/y and y's by −x/y²",
    ),
    Gate(
        op="pow", symbol="^", syntax="x ^ y, x ** y", arity=(2, 2), is_function=False,
        formula=lambda a, b: a**b, precedence=POWER, special_local=_pow_special,
        explanation="pow: ∂/∂x = y·x^(y−1) and ∂/∂y = x^y·ln x",
    ),
    Gate(
        op="neg", symbol="−", syntax="-x", is_function=False,
        formula=lambda a: -a, precedence=UNARY,
        explanation="neg flips the sign of the upstream gradient",
    ),
    # -- routing -------------------------------------------------------------------------------
    Gate(
        op="max", symbol="max", syntax="max(a, b, …)", arity=(2, None),
        formula=lambda *a: sp.Max(*a), pattern="routes", kink=MAX_KINK,
        explanation="max routes: the largest input gets the whole gradient, the others 0",
    ),
    Gate(
        op="min", symbol="min", syntax="min(a, b, …)", arity=(2, None),
        formula=lambda *a: sp.Min(*a), pattern="routes", kink=MIN_KINK,
        explanation="min routes: the smallest input gets the whole gradient, the others 0",
    ),
    Gate(
        op="abs", symbol="|x|", syntax="abs(x)",
        formula=lambda a: sp.Abs(a), kink=_kink_at_zero("abs′(0) = 0"),
        explanation="abs passes the gradient times the sign of its input",
    ),
    # -- smooth functions ----------------------------------------------------------------------
    Gate(
        op="exp", symbol="exp", syntax="exp(x)", formula=lambda a: sp.exp(a),
        explanation="exp's local gradient is its own output, e^x",
    ),
    Gate(
        op="log", symbol="log", syntax="log(x)", formula=lambda a: sp.log(a), aliases=("ln",),
        explanation="log (natural) has local gradient 1/x",
    ),
    Gate(
        op="sqrt", symbol="√", syntax="sqrt(x)", formula=lambda a: sp.sqrt(a),
        explanation="sqrt has local gradient 1/(2√x)",
    ),
    Gate(
        op="sin", symbol="sin", syntax="sin(x)", formula=lambda a: sp.sin(a),
        explanation="sin has local gradient cos x",
    ),
    Gate(
        op="cos", symbol="cos", syntax="cos(x)", formula=lambda a: sp.cos(a),
        explanation="cos has local gradient −sin x",
    ),
    Gate(
        op="tan", symbol="tan", syntax="tan(x)", formula=lambda a: sp.tan(a),
        explanation="tan has local gradient 1 + tan² x",
    ),
    # -- activations ---------------------------------------------------------------------------
    Gate(
        op="tanh", symbol="tanh", syntax="tanh(x)", formula=lambda a: sp.tanh(a),
        explanation="tanh has local gradient 1 − tanh², read off its own output",
    ),
    Gate(
        op="sigmoid", symbol="σ", syntax="sigmoid(x)", formula=lambda a: sigmoid(a),
        explanation="sigmoid has local gradient σ(x)(1 − σ(x))",
    ),
    Gate(
        op="relu", symbol="ReLU", syntax="relu(x)",
        formula=lambda a: relu(a), kink=_kink_at_zero("relu′(0) = 0"),
        explanation="relu passes the gradient where its input is positive and blocks it elsewhere",
    ),
    Gate(
        op="leaky_relu", symbol="LReLU", syntax="leaky_relu(x), leaky_relu(x, a)", arity=(1, 2),
        formula=lambda *a: leaky_relu(*a), kink=_kink_at_zero("leaky_relu′(0) = a, the left slope"),
        explanation="leaky relu passes the gradient for x > 0 and a times it otherwise "
        "(a = 0.01 unless given; a given a is the parametric ReLU and gets its own gradient)",
    ),
    Gate(
        op="hardtanh", symbol="htanh", syntax="hardtanh(x)", formula=lambda a: hardtanh(a),
        kink=Kink(
            "hardtanh′(±1) = 0",
            at_kink=lambda x: abs(x) == 1,
            branch=lambda x: (x > -1) + (x >= 1),
        ),
        explanation="hard tanh passes the gradient where −1 < x < 1 and blocks it outside",
    ),
    Gate(
        op="softplus", symbol="softplus", syntax="softplus(x)", formula=lambda a: softplus(a),
        explanation="softplus has local gradient σ(x)",
    ),
)  # fmt: skip

GATES_BY_OP: dict[str, Gate] = {gate.op: gate for gate in GATES}
FUNCTION_NAMES: dict[str, str] = {
    name: gate.op for gate in GATES if gate.is_function for name in (gate.op, *gate.aliases)
}
CONSTANTS: dict[str, tuple[float, str]] = {
    "pi": (math.pi, r"\pi"),
    "π": (math.pi, r"\pi"),
    "e": (math.e, "e"),
}
