"""Independent references for the tests: plain sympy formulas and central differences.

Nothing here imports the engine's gates, so a wrong derivative in the app can't hide here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import sympy as sp

SYMPY_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "abs": sp.Abs,
    "exp": sp.exp,
    "log": sp.log,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "tanh": sp.tanh,
    "sigmoid": lambda x: 1 / (1 + sp.exp(-x)),
    "relu": lambda x: sp.Max(x, 0),
    "softplus": lambda x: sp.log(1 + sp.exp(x)),
    "hardtanh": lambda x: sp.Max(-1, sp.Min(x, 1)),
    "leaky_relu": lambda x, a=None: sp.Piecewise(
        (x, x > 0), ((sp.Rational(1, 100) if a is None else a) * x, True)
    ),
    "max": sp.Max,
    "min": sp.Min,
}


def gradient(expr: sp.Expr, values: Mapping[str, float]) -> dict[str, float]:
    """∂expr/∂v for every variable, by sympy.diff, evaluated in high precision."""
    subs = {sp.Symbol(k, real=True): v for k, v in values.items()}
    return {
        name: float(sp.diff(expr, sp.Symbol(name, real=True)).evalf(30, subs=subs))
        for name in values
    }


def central_difference(
    f: Callable[[dict[str, float]], float], values: Mapping[str, float], h: float = 1e-6
) -> dict[str, float]:
    out = {}
    for name in values:
        up, down = dict(values), dict(values)
        up[name] += h
        down[name] -= h
        out[name] = (f(up) - f(down)) / (2 * h)
    return out


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)
