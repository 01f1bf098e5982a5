"""The gate registry: every operator and function the language knows, one entry each.

There are two kinds of entry:

- `Gate`: a scalar function, applied element-wise to vectors and matrices. The entry says what it
  computes (as a sympy formula), how it is drawn and explained, and where it has kinks.
  Everything numeric and typeset is derived from the formula once, at start-up, by
  `app.symbolic`: local derivatives by `sympy.diff`, LaTeX by sympy's printer, and fast float
  and numpy functions by `lambdify`.
- `TensorGate`: an operation on whole vectors and matrices (`@`, `.T`, `sum`, `softmax`, …).
  Its entry holds the numpy forward, the shape rule, the vector-Jacobian product for each input
  and the LaTeX of both, since no per-element derivative describes it.

Adding a gate means adding one entry here (and its tests).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy as sp

# Operator precedence, used to put parentheses back when typesetting a whole expression.
# POSTFIX is `.T` and `[k]`, which bind tighter than anything else.
SUM, PRODUCT, UNARY, POWER, POSTFIX, ATOM = 1, 2, 3, 4, 5, 6

Shape = tuple[int, ...]
Array = npt.NDArray[np.float64]


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
    return 0.0 if x <= 0 else x  # nan stays nan, as in numpy and PyTorch


def _copysign(magnitude: float, sign: float) -> float:
    """sympy writes sign(x) as copysign(1, x), which is ±1 at nan; numpy's sign is nan."""
    return sign if sign != sign else math.copysign(magnitude, sign)


def _routing(
    wins: Callable[[float, float], bool], pick: Callable[..., float]
) -> tuple[Callable[..., float], Callable[..., tuple[tuple[float, ...], bool]]]:
    """max's (or min's) forward, and its local gradients with the kink flag, on floats.

    The forward is nan if any input is nan, whatever the order, as numpy's and IEEE 754's
    maximum are (Python's max(1, nan) is 1 but max(nan, 1) is nan). The local gradients follow
    the convention everywhere, as for arrays (`_split_ties`): 1 to a lone winner, 1/k to each
    of k tied winners (a tie is the kink), and nan to every input when one is nan. Two inputs,
    by far the usual case, are settled by comparisons alone."""

    def forward(a: float, b: float, *rest: float) -> float:
        # Of tied inputs, the last, as numpy's maximum.reduce: max(0.0, -0.0) is -0.0 in both.
        if rest:
            args = (a, b, *rest)
            return math.nan if _has_nan(args) else pick(reversed(args))
        if wins(a, b):
            return a
        return b if wins(b, a) or a == b else math.nan

    def local_and_kink(a: float, b: float, *rest: float) -> tuple[tuple[float, ...], bool]:
        if rest:
            return _routes_many((a, b, *rest), pick)
        if wins(a, b):
            return (1.0, 0.0), False
        if wins(b, a):
            return (0.0, 1.0), False
        return ((0.5, 0.5), True) if a == b else ((math.nan, math.nan), False)

    return forward, local_and_kink


def _routes_many(
    args: tuple[float, ...], pick: Callable[..., float]
) -> tuple[tuple[float, ...], bool]:
    if _has_nan(args):
        return (math.nan,) * len(args), False
    best = pick(args)
    winners = args.count(best)
    return tuple(1.0 / winners if a == best else 0.0 for a in args), winners > 1


def _has_nan(args: Sequence[float]) -> bool:
    return any(a != a for a in args)


MAX_FORWARD, MAX_LOCAL_AND_KINK = _routing(operator.gt, max)
MIN_FORWARD, MIN_LOCAL_AND_KINK = _routing(operator.lt, min)


# Python implementations of the names above; lambdify looks them up here before `math`.
NUMERIC: dict[str, Callable[..., float]] = {
    "hardtanh": lambda x: -1.0 if x <= -1 else (1.0 if x >= 1 else x),  # nan stays nan
    "leaky_relu": lambda x, slope=0.01: x if x > 0 else slope * x,
    "sigmoid": _sigmoid,
    "softplus": _softplus,
    "relu": _relu,
    "Heaviside": _heaviside,
    "copysign": _copysign,
    "max": MAX_FORWARD,  # sympy's Max and Min print as max and min
    "min": MIN_FORWARD,
}


# ---------------------------------------------------------------------------------------------
# Kinks: points where a gate is not differentiable. We follow PyTorch's conventions there.


@dataclass(frozen=True)
class ElementwiseKink:
    """A kink's tests on numpy arrays, entry by entry (inputs broadcast against each other)."""

    at_kink: Callable[..., Any]  # a boolean array: which entries sit at the kink
    branch: Callable[..., Any]  # an array saying which smooth piece each entry is on
    local: Callable[..., tuple[Any, ...]] | None = None  # the local gradients, convention included


@dataclass(frozen=True)
class Kink:
    convention: str
    at_kink: Callable[..., bool]
    branch: Callable[..., object]  # which smooth piece the inputs are on
    elementwise: ElementwiseKink
    at_kink_local: Callable[..., tuple[float, ...]] | None = None  # override there
    # The local gradients, convention included, and the kink flag from one look at the inputs,
    # in place of the formula's derivative, at_kink and at_kink_local.
    local_and_kink: Callable[..., tuple[tuple[float, ...], bool]] | None = None

    @property
    def gives_locals(self) -> bool:
        """Whether the local gradients come from here, for floats and for arrays alike, so
        that the formula's derivative is only ever typeset (max and min)."""
        return self.local_and_kink is not None and self.elementwise.local is not None


def _winners(args: Sequence[Array], pick: np.ufunc) -> Array:
    """Per input, where it equals the max (or min): stacked boolean arrays."""
    arrays = np.broadcast_arrays(*args)
    best = pick.reduce(arrays)
    return np.stack([a == best for a in arrays])


def _split_ties(args: Sequence[Array], pick: np.ufunc) -> tuple[Array, ...]:
    # The convention holds everywhere: a lone winner gets 1, k tied winners 1/k each.
    hits = _winners(args, pick)
    return tuple(hits / hits.sum(axis=0))


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _routing_kink(
    pick: Callable[..., float],
    local_and_kink: Callable[..., tuple[tuple[float, ...], bool]],
    array_pick: np.ufunc,
) -> Kink:
    return Kink(
        convention="a tie splits the gradient equally among the tied inputs",
        at_kink=lambda *a: local_and_kink(*a)[1],
        # The first winner: a tie where the check starts is caught by at_kink, and one where a
        # shifted point lands does not bend the secant, which spans only one side of it.
        branch=lambda *a: a.index(pick(a)),
        local_and_kink=local_and_kink,
        elementwise=ElementwiseKink(
            at_kink=lambda *a: _winners(a, array_pick).sum(axis=0) > 1,
            branch=lambda *a: _winners(a, array_pick),
            local=lambda *a: _split_ties(a, array_pick),
        ),
    )


MAX_KINK = _routing_kink(max, MAX_LOCAL_AND_KINK, np.maximum)
MIN_KINK = _routing_kink(min, MIN_LOCAL_AND_KINK, np.minimum)


def _routing_derivative(extreme: type[sp.Max] | type[sp.Min]) -> Callable[..., sp.Expr]:
    """∂/∂a_k of max (or min) as sympy's own fdiff writes it, 1[a_k > the max of the others],
    with that max left unevaluated: sympy's diff of a max of 32 inputs takes 19 s, which a
    short request would spend on the event loop."""

    def derivative(k: int, *a: sp.Symbol) -> sp.Expr:
        others = a[:k] + a[k + 1 :]
        rest = others[0] if len(others) == 1 else extreme(*others, evaluate=False)
        return sp.Heaviside(a[k] - rest if extreme is sp.Max else rest - a[k])

    return derivative


def _kink_at_zero(convention: str) -> Kink:
    return Kink(
        convention,
        at_kink=lambda x, *_: x == 0,
        branch=lambda x, *_: _sign(x),
        elementwise=ElementwiseKink(at_kink=lambda x, *_: x == 0, branch=lambda x, *_: np.sign(x)),
    )


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
    # Exact values where the generic derivative formula says 0 · ∞ (PyTorch does the same),
    # for floats and, entry by entry, for arrays: (locals, *inputs) → corrected locals.
    special_local: Callable[..., tuple[float | None, ...]] | None = None
    special_local_elementwise: Callable[..., tuple[Array, ...]] | None = None
    aliases: tuple[str, ...] = field(default_factory=tuple)
    # (k, *inputs) → the derivative by input k, where sympy.diff of the formula is too slow.
    derivative: Callable[..., sp.Expr] | None = None
    tensor_only = False  # element-wise gates also run on plain floats


def _pow_special(base: float, exponent: float) -> tuple[float | None, float | None]:
    d_base = 0.0 if exponent == 0 else None
    d_exponent = 0.0 if base == 0 and exponent >= 0 else None
    return d_base, d_exponent


def _pow_special_elementwise(
    local: tuple[Array, Array], base: Array, exponent: Array
) -> tuple[Array, Array]:
    d_base = np.where(exponent == 0, 0.0, local[0])
    d_exponent = np.where((base == 0) & (exponent >= 0), 0.0, local[1])
    return d_base, d_exponent


ELEMENTWISE_GATES: tuple[Gate, ...] = (
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
        special_local_elementwise=_pow_special_elementwise,
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
        formula=lambda *a: sp.Max(*a, evaluate=False), pattern="routes", kink=MAX_KINK,
        derivative=_routing_derivative(sp.Max),
        explanation="max routes: the largest input gets the whole gradient, the others 0",
    ),
    Gate(
        op="min", symbol="min", syntax="min(a, b, …)", arity=(2, None),
        formula=lambda *a: sp.Min(*a, evaluate=False), pattern="routes", kink=MIN_KINK,
        derivative=_routing_derivative(sp.Min),
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
            elementwise=ElementwiseKink(
                at_kink=lambda x: np.abs(x) == 1,
                branch=lambda x: (x > -1).astype(int) + (x >= 1),
            ),
        ),
        explanation="hard tanh passes the gradient where −1 < x < 1 and blocks it outside",
    ),
    Gate(
        op="softplus", symbol="softplus", syntax="softplus(x)", formula=lambda a: softplus(a),
        explanation="softplus has local gradient σ(x)",
    ),
)  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Tensor gates: operations on whole vectors and matrices. Each entry has a numpy forward, a
# shape rule, and a vector-Jacobian product (VJP): given δ, the gradient of the output with
# respect to the gate's value (the gate's shape), what input k receives (input k's shape).


class ShapeMismatch(Exception):
    """A shape rule's complaint. The engine turns it into a `ShapeError` that names the operator
    as typed and points at its column."""


@dataclass(frozen=True)
class VjpSite:
    """What the LaTeX of a VJP may mention: the operands as typeset, their shapes, the gate."""

    operands: Sequence[str]
    shapes: Sequence[Shape]
    out: str  # the gate's own name, e.g. p for p = softmax(f)
    index: int | str = "k"  # the k of v[k]


@dataclass(frozen=True)
class TensorGate:
    op: str
    symbol: str
    syntax: str
    explanation: str
    forward: Callable[..., Any]  # numpy, on the inputs' arrays (v[k] also gets index=k)
    shape: Callable[..., Shape]  # the output's shape from the inputs', or ShapeMismatch
    vjp: Callable[..., Any]  # (k, δ, output, inputs) → what input k receives
    # A str.format template over the operands; {k} is the typed index and {all} every operand.
    forward_latex: str
    vjp_latex: Callable[[int, VjpSite], str]
    example: tuple[Shape, ...]  # operand shapes for the reference card
    arity: tuple[int, int | None] = (1, 1)
    precedence: int = ATOM
    is_function: bool = True
    pattern: str | None = None
    kink: Kink | None = None  # none of these has a kink
    aliases: tuple[str, ...] = field(default_factory=tuple)
    tensor_only = True  # its graph runs in the numpy engine


def _listing(shapes: Sequence[Shape]) -> str:
    texts = [str(s) for s in shapes]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def _need_vector(what: str, shape: Shape) -> Shape:
    if len(shape) != 1:
        raise ShapeMismatch(f"{what} needs a vector, not shape {shape}")
    return shape


def _vector_to_number(what: str, shape: Shape) -> Shape:
    _need_vector(what, shape)
    return ()


def _matmul_shape(a: Shape, b: Shape) -> Shape:
    """numpy's rule: a vector on the left is a row, on the right a column, and drops out."""
    if not a or not b:
        raise ShapeMismatch(
            f"shapes {a} and {b}: @ needs vectors or matrices (give them as values, or use * "
            "for numbers)"
        )
    if a[-1] != (b[0] if len(b) == 1 else b[-2]):
        raise ShapeMismatch(f"shapes {a} and {b} do not align")
    return a[:-1] + b[1:]


def _matmul_vjp(k: int, delta: Array, out: Array, args: Sequence[Array]) -> Array:
    # As matrices (a row on the left, a column on the right): dA = δ Bᵀ and dB = Aᵀ δ.
    a, b = args
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    d2 = np.reshape(delta, (a2.shape[0], b2.shape[1]))
    return (d2 @ b2.T).reshape(a.shape) if k == 0 else (a2.T @ d2).reshape(b.shape)


def _matmul_vjp_latex(k: int, site: VjpSite) -> str:
    (a, b), (sa, sb) = site.operands, site.shapes
    if len(sa) == 1 and len(sb) == 1:  # uᵀv: each vector gets δ times the other
        return rf"\delta\, {b}" if k == 0 else rf"\delta\, {a}"
    if len(sa) == 1:  # uᵀB: u gets B δ and B gets u δᵀ
        return rf"{b}\,\delta" if k == 0 else rf"{a}\,\delta^{{\top}}"
    return rf"\delta\, {b}^{{\top}}" if k == 0 else rf"{a}^{{\top}}\delta"


def _dot_shape(a: Shape, b: Shape) -> Shape:
    if len(a) != 1 or a != b:
        raise ShapeMismatch(f"dot needs two vectors of the same length, not shapes {a} and {b}")
    return ()


def _concat_shape(*shapes: Shape) -> Shape:
    pieces = [s or (1,) for s in shapes]  # a number joins as one entry
    rows = sum(p[0] for p in pieces)
    if all(len(p) == 1 for p in pieces):
        return (rows,)
    if all(len(p) == 2 for p in pieces) and len({p[1] for p in pieces}) == 1:
        return (rows, pieces[0][1])
    raise ShapeMismatch(
        "concat joins numbers and vectors, or matrices with equally many columns, "
        f"not shapes {_listing(shapes)}"
    )


def concat_bounds(k: int, shapes: Sequence[Shape]) -> tuple[int, int]:
    """Which rows of concat's output came from input k: [start, stop)."""
    rows = [s[0] if s else 1 for s in shapes]
    start = sum(rows[:k])
    return start, start + rows[k]


def _concat_vjp(k: int, delta: Array, out: Array, args: Sequence[Array]) -> Array:
    start, stop = concat_bounds(k, [a.shape for a in args])
    return delta[start:stop].reshape(args[k].shape)


def _concat_vjp_latex(k: int, site: VjpSite) -> str:
    start, stop = concat_bounds(k, site.shapes)
    return rf"\delta_{{[{start}]}}" if not site.shapes[k] else rf"\delta_{{[{start}:{stop}]}}"


def _softmax(v: Array) -> Array:
    e = np.exp(v - v.max())  # shifting by the max changes nothing and cannot overflow
    return e / e.sum()  # type: ignore[no-any-return]


def _index_shape(shape: Shape, index: int) -> Shape:
    if not shape:
        raise ShapeMismatch(f"a number has no entries; [{index}] needs a vector or a matrix")
    if not -shape[0] <= index < shape[0]:
        raise ShapeMismatch(f"index {index} is out of range for shape {shape}")
    return shape[1:]


def _index_vjp(k: int, delta: Array, out: Array, args: Sequence[Array], index: int) -> Array:
    grad = np.zeros_like(args[0])
    grad[index] = delta
    return grad


def _index_vjp_latex(k: int, site: VjpSite) -> str:
    basis = rf"\mathbf{{e}}_{{[{site.index}]}}"
    return rf"\delta\,{basis}" if len(site.shapes[0]) == 1 else rf"{basis}\,\delta^{{\top}}"


TENSOR_GATES: tuple[TensorGate, ...] = (
    TensorGate(
        op="matmul", symbol="@", syntax="W @ x", arity=(2, 2), is_function=False,
        precedence=PRODUCT, forward=np.matmul, shape=_matmul_shape, vjp=_matmul_vjp,
        forward_latex=r"{0}\,{1}", vjp_latex=_matmul_vjp_latex, example=((2, 3), (3,)),
        explanation="matmul: W gets δ xᵀ (each W_ij gets δ_i x_j) and x gets Wᵀ δ "
        "(numpy's @: a vector is a row on the left and a column on the right)",
    ),
    TensorGate(
        op="transpose", symbol="ᵀ", syntax="W.T", is_function=False, precedence=POSTFIX,
        forward=np.transpose, shape=lambda s: s[::-1],
        vjp=lambda k, delta, out, args: np.transpose(delta),
        forward_latex=r"{0}^{{\top}}", vjp_latex=lambda k, site: r"\delta^{\top}",
        example=((2, 3),),
        explanation="transpose swaps rows and columns, and so does its gradient "
        "(a vector is unchanged, as in numpy)",
    ),
    TensorGate(
        op="sum", symbol="Σ", syntax="sum(v)", pattern="distributes",
        forward=np.sum, shape=lambda s: (),
        vjp=lambda k, delta, out, args: np.full(args[0].shape, delta),
        forward_latex=r"\operatorname{{sum}}\left({0}\right)",
        vjp_latex=lambda k, site: r"\delta\,\mathbf{1}" if site.shapes[0] else r"\delta",
        example=((3,),),
        explanation="sum distributes: every entry gets the upstream gradient unchanged",
    ),
    TensorGate(
        op="mean", symbol="mean", syntax="mean(v)",
        forward=np.mean, shape=lambda s: (),
        vjp=lambda k, delta, out, args: np.full(args[0].shape, delta / args[0].size),
        forward_latex=r"\operatorname{{mean}}\left({0}\right)",
        vjp_latex=lambda k, site: rf"\tfrac{{\delta}}{{{math.prod(site.shapes[0])}}}\,\mathbf{{1}}",
        example=((3,),),
        explanation="mean gives every one of its n entries the upstream gradient divided by n",
    ),
    TensorGate(
        op="dot", symbol="·", syntax="dot(u, v)", arity=(2, 2), pattern="switches",
        forward=np.dot, shape=_dot_shape,
        vjp=lambda k, delta, out, args: delta * args[1 - k],
        forward_latex=r"\left\langle {0}, {1} \right\rangle",
        vjp_latex=lambda k, site: rf"\delta\, {site.operands[1 - k]}",
        example=((3,), (3,)),
        explanation="dot switches: each vector's gradient is the upstream times the other vector",
    ),
    TensorGate(
        op="concat", symbol="concat", syntax="concat(a, b, …)", arity=(1, None),
        forward=lambda *args: np.concatenate([np.atleast_1d(a) for a in args]),
        shape=_concat_shape, vjp=_concat_vjp,
        forward_latex=r"\begin{{bmatrix}} {all} \end{{bmatrix}}", vjp_latex=_concat_vjp_latex,
        example=((2,), (3,)),
        explanation="concat stacks its inputs; the gradient splits back into one slice per input "
        "(an input used twice receives both of its slices, summed)",
    ),
    TensorGate(
        op="softmax", symbol="softmax", syntax="softmax(v)",
        forward=_softmax, shape=lambda s: _need_vector("softmax", s),
        vjp=lambda k, delta, out, args: out * (delta - np.dot(delta, out)),
        forward_latex=r"\operatorname{{softmax}}\left({0}\right)",
        vjp_latex=lambda k, site: rf"{site.out} \odot \left(\delta - {site.out}^{{\top}}"
        r"\delta\right)",
        example=((3,),),
        explanation="softmax: with p its output, input i gets p_i (δ_i − pᵀδ)",
    ),
    TensorGate(
        op="logsumexp", symbol="LSE", syntax="logsumexp(v)",
        forward=np.logaddexp.reduce, shape=lambda s: _vector_to_number("logsumexp", s),
        vjp=lambda k, delta, out, args: delta * np.exp(args[0] - out),
        forward_latex=r"\operatorname{{logsumexp}}\left({0}\right)",
        vjp_latex=lambda k, site: r"\delta\,\operatorname{softmax}\left("
        + site.operands[0] + r"\right)",
        example=((3,),),
        explanation="logsumexp, a smooth max: each entry gets the upstream times its softmax "
        "weight",
    ),
    TensorGate(
        op="index", symbol="[k]", syntax="v[2], v[-1]", is_function=False, precedence=POSTFIX,
        forward=lambda v, index: v[index], shape=_index_shape, vjp=_index_vjp,
        forward_latex=r"{0}[{k}]", vjp_latex=_index_vjp_latex, example=((3,),),
        explanation="index routes: entry k (a row, for a matrix) gets the whole gradient, "
        "the others 0; k counts from 0 and from the end when negative, as in numpy",
    ),
)  # fmt: skip

GATES: tuple[Gate | TensorGate, ...] = ELEMENTWISE_GATES + TENSOR_GATES
GATES_BY_OP: dict[str, Gate | TensorGate] = {gate.op: gate for gate in GATES}
FUNCTION_NAMES: dict[str, str] = {
    name: gate.op for gate in GATES if gate.is_function for name in (gate.op, *gate.aliases)
}
CONSTANTS: dict[str, tuple[float, str]] = {
    "pi": (math.pi, r"\pi"),
    "π": (math.pi, r"\pi"),
    "e": (math.e, "e"),
}
