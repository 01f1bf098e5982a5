"""How a gate runs on numpy arrays: the rule the tensor engine calls, one per compiled gate.

    shape(input shapes)               the output's shape, or ShapeMismatch
    forward(inputs)                   the output
    locals(output, inputs)            element-wise gates: ∂output/∂input_k entry by entry;
                                      None for tensor gates, whose local is a whole Jacobian
    vjp(k, δ, output, inputs, locals) what input k receives, in input k's shape
    jacobian(k, output, inputs, locals) ∂output/∂input_k whole, shape output + input k
    at_kink(inputs), branch(inputs)   for the kink flag and the numeric check
    vjp_latex(k, site)                the same rule as LaTeX

Element-wise gates broadcast as numpy does. An input that was broadcast was used several times,
so its gradient is the downstream summed back to its own shape ("unbroadcast").
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import numpy as np

from app.gates import Array, Gate, Shape, ShapeMismatch, TensorGate, VjpSite

_LATEX_GROUPS = re.compile(r"\\left|\\right|[{}+-]")


def as_array(value: Any) -> Array:
    return np.asarray(value, dtype=np.float64)


def broadcast_axes(out_shape: Shape, shape: Shape) -> tuple[int, ...]:
    """The axes of `out_shape` along which an input of `shape` was repeated."""
    extra = len(out_shape) - len(shape)
    stretched = (extra + i for i, n in enumerate(shape) if n == 1 and out_shape[extra + i] != 1)
    return (*range(extra), *stretched)


def unbroadcast(grad: Array, shape: Shape) -> Array:
    """Sum a gradient back to the shape of the input that was broadcast to the gradient's."""
    if grad.shape == shape:
        return grad
    return as_array(grad.sum(axis=broadcast_axes(grad.shape, shape)).reshape(shape))


def jacobian(vjp: Callable[[Array], Array], out_shape: Shape, in_shape: Shape) -> Array:
    """∂out/∂in (shape out + in), one row per output entry: the VJP of that entry's unit vector.

    A VJP is linear in δ, so this is exact, but for the zeros of the unit vector times an
    infinite local: IEEE 754 makes 0 · ∞ a nan where the Jacobian has a 0."""
    size = math.prod(out_shape)
    rows = []
    for i in range(size):
        unit = np.zeros(size)
        unit[i] = 1.0
        rows.append(vjp(unit.reshape(out_shape)))
    return np.stack(rows).reshape(out_shape + in_shape)


def _grouped(latex: str) -> str:
    """Bracket a factor that has a + or − outside any group, so ⊙ applies to all of it."""
    depth = 0
    for match in _LATEX_GROUPS.finditer(latex):
        token = match[0]
        if token in ("{", r"\left"):
            depth += 1
        elif token in ("}", r"\right"):
            depth -= 1
        elif depth == 0:
            return rf"\left({latex}\right)"
    return latex


def elementwise_vjp_latex(local: str, out_shape: Shape, in_shape: Shape) -> str:
    """δ ⊙ local, summed over the axes the input was broadcast along."""
    if local in ("1", "-1"):
        product = r"\delta" if local == "1" else r"-\delta"
    else:
        times = r"\odot" if out_shape else r"\cdot"
        product = rf"\delta {times} {_grouped(local)}"
    axes = broadcast_axes(out_shape, in_shape)
    if not axes:
        return product
    if not in_shape:
        return rf"\textstyle\sum \left({product}\right)"
    which = "axis" if len(axes) == 1 else "axes"
    return (
        rf"\textstyle\sum_{{\text{{{which} }}{', '.join(map(str, axes))}}} \left({product}\right)"
    )


@dataclass(frozen=True)
class ElementwiseRule:
    """A scalar gate applied entry by entry, with sympy's derivatives lambdified for numpy."""

    gate: Gate
    forward_fn: Callable[..., Any]
    local_fn: Callable[..., Any]
    local_latex: tuple[str, ...]  # str.format templates of the scalar local derivatives

    def shape(self, shapes: Sequence[Shape]) -> Shape:
        try:
            return tuple(np.broadcast_shapes(*shapes))
        except ValueError:
            listing = " and ".join(str(s) for s in shapes)
            raise ShapeMismatch(f"shapes {listing} do not broadcast together") from None

    def forward(self, args: Sequence[Array]) -> Array:
        return as_array(self.forward_fn(*args))

    def locals(self, out: Array, args: Sequence[Array]) -> tuple[Array, ...]:
        kink, special = self.gate.kink, self.gate.special_local_elementwise
        by_convention = kink.elementwise.local if kink is not None else None
        raw = by_convention(*args) if by_convention is not None else self.local_fn(*args)
        # A constant derivative (add's 1) comes back as a number: give it the output's shape.
        local = tuple(np.broadcast_to(as_array(d), out.shape) for d in raw)
        return special(local, *args) if special is not None else local

    def vjp(self, k: int, delta: Array, out: Array, args: Sequence[Array], local: Any) -> Array:
        return as_array(unbroadcast(delta * local[k], args[k].shape))

    def jacobian(self, k: int, out: Array, args: Sequence[Array], local: Any) -> Array:
        """Each output entry's local derivative, at the input entry it was computed from, and
        0 everywhere else: written in, not multiplied out, so an infinite local leaves its
        zeros 0 (the VJPs of unit vectors would make them 0 · ∞, a nan)."""
        out_size, in_size = out.size, args[k].size
        entries = np.arange(in_size).reshape(args[k].shape)
        source = np.broadcast_to(entries, out.shape).ravel()  # the input entry each output read
        whole = np.zeros((out_size, in_size))
        whole[np.arange(out_size), source] = np.broadcast_to(local[k], out.shape).ravel()
        return whole.reshape(out.shape + args[k].shape)

    def at_kink(self, args: Sequence[Array]) -> bool:
        kink = self.gate.kink
        return kink is not None and bool(np.any(kink.elementwise.at_kink(*args)))

    def branch(self, args: Sequence[Array]) -> Any:
        kink = self.gate.kink
        return None if kink is None else kink.elementwise.branch(*args)

    def vjp_latex(self, k: int, site: VjpSite) -> str:
        local = self.local_latex[k].format(*site.operands)
        out_shape = tuple(np.broadcast_shapes(*site.shapes))
        return elementwise_vjp_latex(local, out_shape, site.shapes[k])


@dataclass(frozen=True)
class TensorRule:
    """A whole-array gate from the registry, with v[k]'s index bound in."""

    gate: TensorGate
    index: int | None = None

    def _bound(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return fn if self.index is None else partial(fn, index=self.index)

    def shape(self, shapes: Sequence[Shape]) -> Shape:
        return self._bound(self.gate.shape)(*shapes)  # type: ignore[no-any-return]

    def forward(self, args: Sequence[Array]) -> Array:
        return as_array(self._bound(self.gate.forward)(*args))

    def locals(self, out: Array, args: Sequence[Array]) -> None:
        return None

    def vjp(self, k: int, delta: Array, out: Array, args: Sequence[Array], local: Any) -> Array:
        return as_array(self._bound(self.gate.vjp)(k, delta, out, args))

    def jacobian(self, k: int, out: Array, args: Sequence[Array], local: Any) -> Array:
        vjp_k = partial(self.vjp, k, out=out, args=args, local=local)
        return jacobian(vjp_k, out.shape, args[k].shape)

    def at_kink(self, args: Sequence[Array]) -> bool:
        return False

    def branch(self, args: Sequence[Array]) -> Any:
        return None

    def vjp_latex(self, k: int, site: VjpSite) -> str:
        return self.gate.vjp_latex(
            k, site if self.index is None else replace(site, index=self.index)
        )


ArrayRule = ElementwiseRule | TensorRule
