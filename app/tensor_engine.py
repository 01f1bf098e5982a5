"""The numpy engine: the passes of `app.engine`, on numbers, vectors and matrices.

`app.engine.evaluate` sends a graph here when some value is a list or the graph uses a gate that
only exists for arrays; graphs of plain numbers stay on the float engine, which is faster there.

    values    each input's JSON value becomes a float64 array (0-d for a number), checked
    shapes    every node's shape from its inputs', before any arithmetic: a mismatch is a
              ShapeError naming the operator as typed ("W @ x: shapes (2, 3) and (4,) do not
              align"), and the output must be a single number
    forward   value = gate(inputs), in topological order
    backward  grad(output) = 1; in reverse order, input k of each gate receives the gate's
              vector-Jacobian product of the gate's grad (its downstream), and each node's grad
              is the sum of what it receives, so a word used twice in a window gets both parts

The local gradient of an edge is a Jacobian of shape (gate's shape + source's shape); it is kept
when it has at most `JACOBIAN_MAX_ENTRIES` entries, for the page to show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.clock import Clock
from app.config import Settings
from app.engine import (
    GradientCheck,
    NonFinite,
    Options,
    check_missing,
    explain_unknown_checks,
    finite_number,
    source_name,
    unused_gradient_note,
    within_budget,
)
from app.errors import BadValue, ShapeError, TooLarge
from app.gates import Array, Shape, ShapeMismatch
from app.graph import CONSTANT, INPUT, Graph, Node
from app.rules import ArrayRule, as_array

JACOBIAN_MAX_ENTRIES = 64
_NUMBER_TYPES = {int, float}


@dataclass
class TensorEvaluation:
    graph: Graph
    shapes: list[Shape]
    values: list[Array]
    grads: list[Array]
    upstream: list[Array]  # per edge: the target gate's grad, in the gate's shape
    local: list[Array | None]  # per edge: the Jacobian, when small enough to show
    local_elementwise: list[Array | None]  # per edge of an element-wise gate: ∂gate/∂source
    downstream: list[Array]  # per edge: what the source receives, in the source's shape
    kink: list[bool]
    non_finite: list[NonFinite] = field(default_factory=list)
    gradient_check: list[GradientCheck] | None = None
    warnings: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<TensorEvaluation {self.graph.text!r} = {self.output_value:g}>"

    @property
    def output_value(self) -> float:
        return float(self.values[self.graph.output])

    def gradients(self) -> dict[str, Array]:
        return {name: self.grads[i] for name, i in self.graph.variables.items()}


def evaluate(
    graph: Graph,
    values: Mapping[str, object],
    settings: Settings,
    options: Options = Options(),
    clock: Clock | None = None,
) -> TensorEvaluation:
    """Check the values and shapes, run both passes, then the numeric check if it fits."""
    clock = clock or Clock(settings.max_seconds)
    start = input_arrays(graph, values, settings)
    shapes = infer_shapes(graph, start, settings)
    forward(graph, start, clock)
    result = backward(graph, start, shapes, clock)
    result.non_finite = _non_finite(result)
    if options.gradient_check:
        result.gradient_check = _checked(result, start, options, settings, clock)
    return result


# -- values ---------------------------------------------------------------------------------------


def input_arrays(graph: Graph, values: Mapping[str, object], settings: Settings) -> list[Array]:
    """One array per node: the given value for inputs, the constant for constants."""
    check_missing(graph, values)
    start = [np.zeros(()) for _ in graph.nodes]  # gates' slots are filled by the forward pass
    for node in graph.nodes:
        if node.kind == INPUT:
            start[node.index] = value_array(node, values[node.name], settings)
        elif node.kind == CONSTANT:
            start[node.index] = np.array(node.constant)
    return start


def value_array(node: Node, value: object, settings: Settings) -> Array:
    """A number, a list of numbers (vector) or a list of equally long lists (matrix)."""
    if not isinstance(value, list):
        return np.array(finite_number(node, value))
    if value and all(isinstance(row, list) for row in value):
        lengths = {len(row) for row in value}
        if len(lengths) > 1:
            low, high = min(lengths), max(lengths)
            _refuse(node, f"is ragged: it has rows of {low} and of {high} entries")
        entries = len(value) * lengths.pop()
        rows: list[Any] = value
    else:
        entries, rows = len(value), [value]
    if entries == 0:
        _refuse(node, "is empty; a vector or matrix needs at least one entry")
    if entries > settings.max_value_elements:
        raise TooLarge(
            f"The value of {node.name} has {entries:,} entries, more than "
            f"{settings.max_value_elements:,}, the limit (max_value_elements).",
            node.position,
        )
    for row in rows:
        _numbers_only(node, row)
    try:
        array = np.array(value, dtype=np.float64)
    except OverflowError:
        _refuse(node, "has an entry beyond float64's range (about ±1.8e308)", hint="")
    return _finite_array(node, array)


def _numbers_only(node: Node, row: list[Any]) -> None:
    if set(map(type, row)) <= _NUMBER_TYPES:
        return
    odd = next(v for v in row if type(v) not in _NUMBER_TYPES)
    if isinstance(odd, list):
        _refuse(node, "nests lists too deeply or mixes numbers and lists")
    _refuse(node, f"must hold numbers only, not {odd!r:.40}")


def _finite_array(node: Node, array: Array) -> Array:
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        where = tuple(int(i) for i in bad[0])
        _refuse(node, f"must be finite, but entry {where} is {array[where]}", hint="")
    return array


def _refuse(
    node: Node, problem: str, hint: str = " (values are numbers, vectors or matrices)"
) -> None:
    raise BadValue(f"The value of {node.name} {problem}{hint}.", node.position)


# -- shapes ---------------------------------------------------------------------------------------


def describe(graph: Graph, node: Node) -> str:
    """The gate as the learner typed it, or, when that is long, its symbol and column."""
    text = graph.text[node.span[0] : node.span[1]].strip()
    if len(text) <= 40:
        return text
    return f"The {node.label} at column {node.position}"


def infer_shapes(graph: Graph, start: Sequence[Array], settings: Settings) -> list[Shape]:
    shapes: list[Shape] = [a.shape for a in start]
    total = sum(a.size for a in start)
    for node in graph.nodes:
        if node.gate is None:
            continue
        try:
            shape = node.gate.array.shape([shapes[i] for i in node.inputs])
        except ShapeMismatch as exc:
            raise ShapeError(f"{describe(graph, node)}: {exc}.", node.position) from None
        shapes[node.index] = shape
        total += _check_size(graph, node, math.prod(shape), total, settings)
    output = graph.nodes[graph.output]
    if shapes[output.index]:
        raise ShapeError(
            f"The expression's value has shape {shapes[output.index]}, but it must be a single "
            "number: wrap it in sum(…) (or mean(…)), or pick one entry, as in v[0].",
            output.position,
        )
    return shapes


def _check_size(graph: Graph, node: Node, size: int, total: int, settings: Settings) -> int:
    if size > settings.max_node_elements:
        raise TooLarge(
            f"{describe(graph, node)} would have {size:,} entries, more than "
            f"{settings.max_node_elements:,}, the limit (max_node_elements).",
            node.position,
        )
    if total + size > settings.max_total_elements:
        raise TooLarge(
            f"The values would have more than {settings.max_total_elements:,} entries in all, "
            "the limit (max_total_elements).",
            node.position,
        )
    return size


# -- the passes -----------------------------------------------------------------------------------


def forward(graph: Graph, values: list[Array], clock: Clock | None = None) -> None:
    with np.errstate(all="ignore"):  # IEEE 754: inf and nan are answers, reported later
        for node in graph.nodes:
            gate = node.gate
            if gate is None:
                continue
            values[node.index] = gate.array.forward([values[i] for i in node.inputs])
            if clock is not None:
                clock.check()


def backward(
    graph: Graph, values: list[Array], shapes: list[Shape], clock: Clock
) -> TensorEvaluation:
    n_edges = len(graph.edges)
    grads = [np.zeros(shape) for shape in shapes]
    grads[graph.output] = np.ones(())
    result = TensorEvaluation(
        graph, shapes, values, grads, [grads[0]] * n_edges, [None] * n_edges, [None] * n_edges,
        [grads[0]] * n_edges, [False] * n_edges,
    )  # fmt: skip
    with np.errstate(all="ignore"):
        for node in reversed(graph.nodes):
            if node.gate is not None:
                _backward_gate(result, node, node.gate.array)
                clock.check()
    return result


def _backward_gate(result: TensorEvaluation, node: Node, rule: ArrayRule) -> None:
    """Each input k receives the VJP of the gate's grad; grads sum what they receive."""
    up, out = result.grads[node.index], result.values[node.index]
    args = [result.values[i] for i in node.inputs]
    local = rule.locals(out, args)
    at_kink = rule.at_kink(args)
    edge = result.graph.first_edge[node.index]
    for k, source in enumerate(node.inputs):
        down = rule.vjp(k, up, out, args, local)
        result.upstream[edge], result.downstream[edge] = up, down
        result.kink[edge] = at_kink
        result.local_elementwise[edge] = None if local is None else local[k]
        if out.size * args[k].size <= JACOBIAN_MAX_ENTRIES:
            result.local[edge] = rule.jacobian(k, out, args, local)
        result.grads[source] = as_array(result.grads[source] + down)  # 0-d stays an array
        edge += 1


# -- non-finite numbers --------------------------------------------------------------------------


def _first_bad(array: Array) -> tuple[tuple[int, ...], float]:
    where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
    return where, float(array[where])


def _at(where: tuple[int, ...]) -> str:
    return f" at entry {where}" if where else ""


def _non_finite(result: TensorEvaluation) -> list[NonFinite]:
    finite = [bool(np.isfinite(v).all()) for v in result.values]
    forward_origin = _forward_origin(result, finite)
    if all(bool(np.isfinite(d).all()) for d in result.downstream):
        return [forward_origin] if forward_origin else []  # the backward scans would find none
    found = [f for f in (forward_origin, _backward_origin(result)) if f]
    if not found:  # as in the scalar engine: only what reaches no input
        unused = _backward_origin(result, to_inputs=False)
        if unused is not None:
            result.warnings.append(unused_gradient_note(unused))
    return found


def _forward_origin(result: TensorEvaluation, finite: list[bool]) -> NonFinite | None:
    graph = result.graph
    for node in graph.ops:
        if finite[node.index] or not all(finite[i] for i in node.inputs):
            continue
        where, value = _first_bad(result.values[node.index])
        names = ", ".join(graph.nodes[i].name for i in node.inputs)
        message = (
            f"The forward pass first leaves the finite numbers at {node.name} = "
            f"{node.op}(…), which gives {value}{_at(where)} from the finite {names}."
        )
        return NonFinite("forward", node.index, None, value, message)
    return None


def _backward_origin(result: TensorEvaluation, to_inputs: bool = True) -> NonFinite | None:
    """As engine._first_non_finite_edge: towards inputs, or towards constants."""
    graph = result.graph
    for node in reversed(graph.ops):
        if not np.isfinite(result.grads[node.index]).all():
            continue
        edge = graph.first_edge[node.index]
        for k, source in enumerate(node.inputs):
            down = result.downstream[edge + k]
            if graph.requires_grad[source] == to_inputs and not np.isfinite(down).all():
                name = source_name(graph.nodes[source], to_inputs)
                return _backward_report(result, node, edge + k, name)
    return None


def _backward_report(result: TensorEvaluation, node: Node, edge: int, name: str) -> NonFinite:
    local = result.local_elementwise[edge]
    if local is not None and not np.isfinite(local).all():
        where, value = _first_bad(local)
        what = f"its local gradient with respect to {name} is {value}{_at(where)}"
    else:
        where, value = _first_bad(result.downstream[edge])
        what = f"the gradient it passes to {name} is {value}{_at(where)}"
    message = (
        f"The backward pass first leaves the finite numbers at {node.name} = {node.op}(…): {what}."
    )
    return NonFinite("backward", node.index, edge, value, message)


# -- numeric gradient check -----------------------------------------------------------------------


def _checked(
    result: TensorEvaluation,
    start: list[Array],
    options: Options,
    settings: Settings,
    clock: Clock,
) -> list[GradientCheck] | None:
    """Central differences, one input entry at a time, if the budget allows."""
    graph, values = result.graph, result.values
    entries = sum(values[i].size for i in graph.variables.values())
    per_pass = sum(max(values[i].size for i in (n.index, *n.inputs)) for n in graph.ops)
    cost = 2 * entries * per_pass

    def work() -> str:
        return f"compute {cost:,} entries (2 × {entries:,} input entries × {per_pass:,} per pass)"

    if not within_budget(cost, work, settings, result.warnings):
        return None
    checks = [_check_one(result, start, name, options, clock) for name in graph.variables]
    explain_unknown_checks(checks, options, result.non_finite, result.warnings)
    return checks


def _check_one(
    result: TensorEvaluation, start: list[Array], name: str, options: Options, clock: Clock
) -> GradientCheck:
    graph = result.graph
    index = graph.variables[name]
    kinks = [node for node in graph.ops if node.gate is not None and node.gate.kink is not None]
    branches = [_branch(node, result.values) for node in kinks]
    base, shifted = start[index], list(start)
    numeric = np.empty(base.shape)
    near_kink = any(result.kink)
    for entry in range(base.size):
        outputs = []
        for step in (options.h, -options.h):
            bumped = base.copy()
            bumped.flat[entry] += step
            shifted[index] = bumped
            forward(graph, shifted, clock)
            outputs.append(float(shifted[graph.output]))
            near_kink = near_kink or not _same(branches, [_branch(n, shifted) for n in kinks])
        numeric.flat[entry] = (outputs[0] - outputs[1]) / (2 * options.h)
    return _compare(name, result.grads[index], numeric, near_kink, options)


def _compare(
    name: str, analytic: Array, numeric: Array, near_kink: bool, options: Options
) -> GradientCheck:
    with np.errstate(all="ignore"):
        error = np.abs(analytic - numeric)
        scale = np.maximum(np.abs(analytic), np.abs(numeric))
        # As on floats: 0 where both are zero, nan where a nan leaves the error unknown.
        unknown = np.where(error == 0, 0.0, np.nan)
        relative = np.divide(error, scale, out=unknown, where=scale > 0)
        # as on floats: an infinite error never agrees, whatever infinity scales the tolerance
        agrees = bool(np.all((error < np.inf) & (error <= options.atol + options.rtol * scale)))
    return GradientCheck(
        name=name,
        analytic=analytic,
        numeric=numeric,
        abs_error=float(error.max()),
        rel_error=float(relative.max()),
        agrees=agrees,
        near_kink=near_kink,
        shape=analytic.shape,
    )


def _branch(node: Node, values: list[Array]) -> Any:
    assert node.gate is not None
    return node.gate.array.branch([values[i] for i in node.inputs])


def _same(before: list[Any], after: list[Any]) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
