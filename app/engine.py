"""Forward pass, backward pass and numeric gradient check over a parsed `Graph`.

    forward:   for each gate in topological order, value = gate(inputs)
    backward:  grad(output) = 1; for each gate in reverse order and each of its inputs,
               downstream = upstream × local, and the input's grad is the sum of its downstreams

Values are float64 and follow IEEE 754: a log of 0 is -inf, not an exception. The first gate
that turns finite inputs into a non-finite number is reported, for the forward and the backward
pass separately, so the page can say where things went wrong.

This module runs graphs of plain numbers on Python floats, which is fastest for them. A graph
given a vector or matrix, or using a gate that only exists for arrays (`@`, `sum`, …), goes to
`app.tensor_engine`, which runs the same passes with numpy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from app.clock import Clock
from app.config import Settings
from app.errors import BadValue, MissingValue
from app.gates import Array, Shape
from app.graph import CONSTANT, Graph, Node

if TYPE_CHECKING:
    from app.tensor_engine import TensorEvaluation

_CHECK_EVERY = 2048  # gates between two looks at the clock


@dataclass(frozen=True)
class NonFinite:
    """Where a pass first produced inf or nan from finite numbers."""

    stage: str  # forward | backward
    node: int
    edge: int | None
    value: float
    message: str


@dataclass(slots=True)  # not frozen: a frozen __init__ costs a microsecond per input
class GradientCheck:
    """Analytic against central differences for one input; for an array, entry by entry, with
    the largest errors."""

    name: str
    analytic: float | Array
    numeric: float | Array
    abs_error: float
    rel_error: float
    agrees: bool
    near_kink: bool
    shape: Shape = ()

    @property
    def flagged(self) -> bool:
        """Disagrees where it should not: away from any kink, with finite numbers (where the
        numbers are not finite, `non_finite` already says which gate made them so)."""
        return not self.agrees and not self.near_kink and math.isfinite(self.rel_error)


@dataclass(slots=True)
class Evaluation:
    graph: Graph
    values: list[float]
    grads: list[float]
    local: list[float]
    downstream: list[float]
    kink: list[bool]
    non_finite: list[NonFinite] = field(default_factory=list)
    gradient_check: list[GradientCheck] | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def upstream(self) -> list[float]:
        """Per edge, the gradient arriving at its gate: the gate's own grad, so it is read
        from `grads` rather than stored twice."""
        grads = self.grads
        return [grads[target] for _, target, _ in self.graph.edges]

    @property
    def output_value(self) -> float:
        return self.values[self.graph.output]

    def gradients(self) -> dict[str, float]:
        return {name: self.grads[i] for name, i in self.graph.variables.items()}


@dataclass(frozen=True)
class Options:
    h: float = 1e-4
    gradient_check: bool = True
    rtol: float = 1e-4
    atol: float = 1e-6


class _ArrayValue(Exception):
    """A value is a list: the graph needs the numpy engine."""


def check_missing(graph: Graph, values: Mapping[str, object]) -> None:
    missing = [name for name in graph.variables if name not in values]
    if missing:
        first = graph.nodes[graph.variables[missing[0]]]
        names = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise MissingValue(f"No value was given for {names}.", first.position, missing)


def input_values(graph: Graph, values: Mapping[str, object]) -> list[float]:
    """One float per node: the given value for inputs, the constant for constants."""
    plan = _plan(graph)
    start = plan.constants.copy()
    isfinite = math.isfinite
    try:
        for index, name in plan.inputs:
            value = values[name]
            if type(value) is float and isfinite(value):  # the usual case, checked fast
                start[index] = value
            else:
                start[index] = finite_number(graph.nodes[index], value)
    except KeyError:
        check_missing(graph, values)
        raise
    return start


def finite_number(node: Node, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, list):
            raise _ArrayValue
        raise BadValue(
            f"The value of {node.name} must be a number, a list of numbers or a list of lists "
            f"of numbers, not {_short_repr(value)}.",
            node.position,
        )
    try:
        number = float(value)
    except OverflowError:  # an int past float64, from a Python caller (JSON ones are floats)
        raise BadValue(
            f"The value of {node.name} is beyond float64's range (about ±1.8e308).", node.position
        ) from None
    if not math.isfinite(number):
        raise BadValue(f"The value of {node.name} must be finite, not {number}.", node.position)
    return number


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


# A pass is a list of steps, one per gate: (node, function, first input, second input) and, for
# the backward pass, whether the gate has a kink and its first edge. The second input is -1 for
# a gate of one input and -2 for one of three or more, whose inputs are then all in the first
# slot. Spelling out the common arities spares the inner loops a list and an unpacking per gate.
_ONE, _MANY = -1, -2
_Chunks = list[list[tuple[Any, ...]]]  # steps, _CHECK_EVERY at a time between looks at the clock


class _Plan:
    """A graph's passes as flat steps, made once per parsed graph (the parse cache reuses
    graphs with new values): with the fast float functions, or with the IEEE ones."""

    def __init__(self, graph: Graph, fast: bool) -> None:
        gates = [node for node in graph.nodes if node.gate is not None]
        self.nodes, self.output = graph.nodes, graph.output  # not the graph: that is a cycle
        self.forward = _chunks([_step(node, _forward_fn(node, fast)) for node in gates])
        first_edge = graph.first_edge
        self.backward = _chunks(
            [
                (*_step(node, _local_fn(node, fast)), _kinked(node), first_edge[node.index])
                for node in gates[::-1]
            ]
        )
        self.constants = [node.constant if node.kind == CONSTANT else 0.0 for node in graph.nodes]
        self.inputs = [(index, name) for name, index in graph.variables.items()]
        self._cones: dict[int, _Cone] = {}
        self._cone_steps = 0

    def cone(self, index: int) -> _Cone:
        """The gates a change of node `index` reaches. Kept for the next request while this
        plan's kept cones are small: a small graph's come back with every slider move, while
        a large graph's would hold up to vars × gates steps in the parse cache."""
        cone = self._cones.get(index)
        if cone is None:  # two threads may both make it: the same cone, counted twice at worst
            cone = _Cone(self.nodes, self.forward, index)
            if self._cone_steps + cone.size <= _CONES_KEPT:
                self._cones[index] = cone
                self._cone_steps += cone.size
        return cone


_CONES_KEPT = 4096  # steps, over all of one plan's kept cones


class _Cone:
    """The forward steps of the gates that depend on one node, in order, and the kink tests
    among them: all that the check must recompute when it shifts that node, since every
    other gate keeps its forward value."""

    def __init__(self, nodes: list[Node], chunks: _Chunks, index: int) -> None:
        reached = bytearray(len(nodes))
        reached[index] = 1
        steps = []
        for chunk in chunks:
            for step in chunk:
                out, _, a, b = step
                if b >= 0:
                    hit = reached[a] or reached[b]
                else:
                    hit = reached[a] if b == _ONE else any(reached[i] for i in a)
                if hit:
                    reached[out] = 1
                    steps.append(step)
        self.size = len(steps)
        self.chunks = _chunks(steps)
        self.kinks = [
            (out, gate.kink.branch, _operands(nodes[out].inputs))
            for out, *_ in steps
            if (gate := nodes[out].gate) is not None and gate.kink is not None
        ]

    def crosses(self, start: _Pieces, ahead: list[float], behind: list[float]) -> bool:
        """Whether a kinked gate is on another smooth piece ahead or behind than at the start."""
        for out, branch, operands in self.kinks:
            piece = start.at(out, branch, operands)
            if branch(*operands(ahead)) != piece or branch(*operands(behind)) != piece:
                return True
        return False


def _operands(inputs: tuple[int, ...]) -> Callable[[list[float]], tuple[float, ...]]:
    """Picks a gate's operands out of a pass's values (itemgetter: no Python frame per call)."""
    if len(inputs) == 1:
        return lambda values: (values[inputs[0]],)
    return itemgetter(*inputs)


class _Pieces:
    """Which smooth piece each kinked gate is on at the forward values: the same for every
    input's check, so each is found once a request."""

    def __init__(self, values: list[float]) -> None:
        self.values = values
        self._found: dict[int, object] = {}

    def at(
        self, out: int, branch: Callable[..., object], operands: Callable[[list[float]], Any]
    ) -> object:
        if out not in self._found:
            self._found[out] = branch(*operands(self.values))
        return self._found[out]


def _forward_fn(node: Node, fast: bool) -> Callable[..., float]:
    assert node.gate is not None
    return node.gate.fast_forward if fast else node.gate.forward


def _local_fn(node: Node, fast: bool) -> Callable[..., Any]:
    """The local gradients or, for a gate with a kink, the gradients and the kink flag."""
    gate = node.gate
    assert gate is not None
    if gate.kink is not None:
        return gate.fast_local_and_kink if fast else gate.local_and_kink  # type: ignore[return-value]
    return gate.fast_local if fast else gate.local


def _kinked(node: Node) -> bool:
    return node.gate is not None and node.gate.kink is not None


def _step(node: Node, fn: Callable[..., Any]) -> tuple[Any, ...]:
    inputs = node.inputs
    if len(inputs) == 1:
        return (node.index, fn, inputs[0], _ONE)
    if len(inputs) == 2:
        return (node.index, fn, inputs[0], inputs[1])
    return (node.index, fn, inputs, _MANY)


def _chunks(steps: list[tuple[Any, ...]]) -> _Chunks:
    return [steps[i : i + _CHECK_EVERY] for i in range(0, len(steps), _CHECK_EVERY)]


def _plan(graph: Graph, fast: bool = True) -> _Plan:
    key = "fast plan" if fast else "IEEE plan"
    plan: _Plan | None = graph.memo.get(key)
    if plan is None:
        plan = graph.memo[key] = _Plan(graph, fast)
    return plan


def forward(graph: Graph, values: list[float], clock: Clock | None = None) -> None:
    """Fill in every gate's value. The fast functions raise where IEEE 754 says inf or nan
    (log 0, 1/0, overflow); that is rare, so the whole pass then runs again on the IEEE ones."""
    try:
        _forward(_plan(graph).forward, values, clock)
    except (ArithmeticError, ValueError):
        _forward(_plan(graph, fast=False).forward, values, clock)


def _forward(chunks: _Chunks, values: list[float], clock: Clock | None) -> None:
    for chunk in chunks:
        for out, fn, a, b in chunk:
            if b >= 0:
                values[out] = fn(values[a], values[b])
            elif b == _ONE:
                values[out] = fn(values[a])
            else:
                values[out] = fn(*[values[i] for i in a])
        if clock is not None:
            clock.check()


def backward(graph: Graph, values: list[float], clock: Clock | None = None) -> Evaluation:
    """Every edge's upstream, local and downstream gradient and kink flag, and every node's
    gradient; on the IEEE functions again if a fast one raises, as in `forward`."""
    try:
        return _backward(graph, _plan(graph).backward, values, clock)
    except (ArithmeticError, ValueError):
        return _backward(graph, _plan(graph, fast=False).backward, values, clock)


def _backward(
    graph: Graph, chunks: _Chunks, values: list[float], clock: Clock | None
) -> Evaluation:
    n_edges = len(graph.edges)
    grads = [0.0] * len(graph.nodes)
    grads[graph.output] = 1.0
    local, downstream = [0.0] * n_edges, [0.0] * n_edges
    kink = [False] * n_edges
    for chunk in chunks:
        for out, fn, a, b, kinked, edge in chunk:
            up = grads[out]
            if b >= 0:
                if kinked:
                    (la, lb), at_kink = fn(values[a], values[b])
                    if at_kink:
                        kink[edge] = kink[edge + 1] = True
                else:
                    la, lb = fn(values[a], values[b])
                da, db = up * la, up * lb
                local[edge], local[edge + 1] = la, lb
                downstream[edge], downstream[edge + 1] = da, db
                grads[a] += da
                grads[b] += db
            elif b == _ONE:
                if kinked:
                    (la,), kink[edge] = fn(values[a])
                else:
                    (la,) = fn(values[a])
                local[edge] = la
                downstream[edge] = da = up * la
                grads[a] += da
            else:
                _many_inputs(a, fn, kinked, up, edge, values, grads, local, downstream, kink)
        if clock is not None:
            clock.check()
    return Evaluation(graph, values, grads, local, downstream, kink)


def _many_inputs(
    inputs: tuple[int, ...],
    fn: Callable[..., Any],
    kinked: bool,
    up: float,
    edge: int,
    values: list[float],
    grads: list[float],
    local: list[float],
    downstream: list[float],
    kink: list[bool],
) -> None:
    args = [values[i] for i in inputs]
    locals_, at_kink = fn(*args) if kinked else (fn(*args), False)
    for source, loc in zip(inputs, locals_, strict=True):
        down = up * loc
        local[edge], downstream[edge], kink[edge] = loc, down, at_kink
        grads[source] += down
        edge += 1


def evaluate(
    graph: Graph,
    values: Mapping[str, object],
    settings: Settings,
    options: Options = Options(),
    clock: Clock | None = None,
) -> Evaluation | TensorEvaluation:
    """Run both passes, then the numeric gradient check if it fits the budget: on floats for a
    graph of numbers, with numpy for vectors and matrices. The clock is the request's, which
    the parse may have spent from; without one, the engine has max_seconds to itself."""
    clock = clock or Clock(settings.max_seconds)
    if graph.tensor_ops:
        return _with_arrays(graph, values, settings, options, clock)
    try:
        start = input_values(graph, values)
    except _ArrayValue:
        start = None  # outside the except block, so later errors don't chain to this one
    if start is None:
        return _with_arrays(graph, values, settings, options, clock)
    forward(graph, start, clock)
    result = backward(graph, start, clock)
    result.non_finite = _non_finite(result)
    if options.gradient_check:
        result.gradient_check = _checked(result, options, settings, clock)
    return result


def _with_arrays(
    graph: Graph, values: Mapping[str, object], settings: Settings, options: Options, clock: Clock
) -> TensorEvaluation:
    # Imported here because the numpy engine builds on this module's records and checks.
    from app import tensor_engine

    return tensor_engine.evaluate(graph, values, settings, options, clock)


# -- non-finite numbers --------------------------------------------------------------------------


def _non_finite(result: Evaluation) -> list[NonFinite]:
    isfinite = math.isfinite
    if all(map(isfinite, result.values)) and all(map(isfinite, result.downstream)):
        return []  # the usual case, told apart without a Python loop over the nodes
    found = []
    forward_origin = _first_non_finite_value(result)
    if forward_origin is not None:
        found.append(forward_origin)
    backward_origin = _first_non_finite_edge(result)
    if backward_origin is not None:
        found.append(backward_origin)
    if not found:  # else that report says what went wrong, constants' edges included
        unused = _first_non_finite_edge(result, to_inputs=False)
        if unused is not None:
            result.warnings.append(unused_gradient_note(unused))
    return found


def _first_non_finite_value(result: Evaluation) -> NonFinite | None:
    values, graph = result.values, result.graph
    for node in graph.nodes:
        value = values[node.index]
        if node.gate is None or math.isfinite(value):
            continue
        if all(math.isfinite(values[i]) for i in node.inputs):
            args = ", ".join(_operand_text(graph.nodes[i], values[i]) for i in node.inputs)
            message = (
                f"The forward pass first leaves the finite numbers at {node.name} = "
                f"{node.gate.op}(…), which gives {value} from {args}."
            )
            return NonFinite("forward", node.index, None, value, message)
    return None


def _operand_text(node: Node, value: float) -> str:
    """For a variable or gate "x = 0", but for the constant 0 just "0", not "0 = 0"."""
    return f"{value:g}" if node.kind == CONSTANT else f"{node.name} = {value:g}"


def _first_non_finite_edge(result: Evaluation, to_inputs: bool = True) -> NonFinite | None:
    """The first edge, backward, whose gradient leaves the finite numbers, among the edges
    towards inputs or (to_inputs=False) those towards constants, which no input depends on."""
    graph = result.graph
    for node in reversed(graph.nodes):
        if node.gate is None or not math.isfinite(result.grads[node.index]):
            continue
        edge = graph.first_edge[node.index]
        for k, source in enumerate(node.inputs):
            down = result.downstream[edge + k]
            if graph.requires_grad[source] == to_inputs and not math.isfinite(down):
                name = source_name(graph.nodes[source], to_inputs)
                return _backward_report(result, node, edge + k, name)
    return None


def source_name(node: Node, to_input: bool) -> str:
    if to_input:
        return node.name
    return f"the constant {node.name}" if node.kind == CONSTANT else f"{node.name} (of constants)"


def unused_gradient_note(report: NonFinite) -> str:
    """A gradient that only constants receive: (x-3)^2 at x < 3 gives the exponent 2 the
    local x^y·ln x, a nan, which the drawing shows; say why it changes nothing."""
    return f"{report.message} No input depends on it, so every input's gradient is unaffected."


def _backward_report(result: Evaluation, node: Node, edge: int, name: str) -> NonFinite:
    """What went wrong on the edge: its local gradient, or, where that is finite, the product
    upstream × local (1e200 × 1e200)."""
    local = result.local[edge]
    if math.isfinite(local):
        value, what = result.downstream[edge], "the gradient it passes to"
    else:
        value, what = local, "its local gradient with respect to"
    message = (
        f"The backward pass first leaves the finite numbers at {node.name} = {node.op}(…): "
        f"{what} {name} is {value}."
    )
    return NonFinite("backward", node.index, edge, value, message)


# -- numeric gradient check -----------------------------------------------------------------------


def _checked(
    result: Evaluation, options: Options, settings: Settings, clock: Clock
) -> list[GradientCheck] | None:
    graph = result.graph
    cost = 2 * len(graph.variables) * len(graph.nodes)
    if not within_budget(cost, lambda: f"evaluate {cost:,} gates", settings, result.warnings):
        return None
    # At a kink every check is near one; otherwise, whether its shifted points cross one.
    start = None if any(result.kink) else _Pieces(result.values)
    plan, values, h = _plan(graph), result.values, options.h
    checks = []
    for name, index in graph.variables.items():
        try:
            ahead, behind, near_kink = _shifted(plan, values, index, h, clock, start)
        except (ArithmeticError, ValueError):
            ieee = _plan(graph, fast=False)
            ahead, behind, near_kink = _shifted(ieee, values, index, h, clock, start)
        numeric = (ahead - behind) / (2 * h)
        checks.append(_compared(name, result.grads[index], numeric, near_kink, options))
    explain_unknown_checks(checks, options, result.non_finite, result.warnings)
    return checks


def explain_unknown_checks(
    checks: list[GradientCheck], options: Options, non_finite: list[NonFinite], warnings: list[str]
) -> None:
    """A warning for each check whose shifted points left the finite numbers (its error is
    unknown), unless the forward or backward pass already did and is reported."""
    if non_finite:
        return
    for check in checks:
        if not math.isfinite(check.rel_error):
            warnings.append(
                f"The numeric gradient of {check.name} is not finite: f is not finite at "
                f"{check.name} ± h (h = {options.h:g}), so the check says nothing there."
            )


def within_budget(
    cost: int, work: Callable[[], str], settings: Settings, warnings: list[str]
) -> bool:
    """Whether the numeric check fits gradient_check_budget; if not, a warning says why
    (`work` words the cost: written only then, since nearly every check fits)."""
    if cost <= settings.gradient_check_budget:
        return True
    warnings.append(
        f"The numeric gradient check was skipped: it would {work()}, more than the budget of "
        f"{settings.gradient_check_budget:,} (gradient_check_budget)."
    )
    return False


def _compared(
    name: str, analytic: float, numeric: float, near_kink: bool, options: Options
) -> GradientCheck:
    abs_error = abs(analytic - numeric)
    scale = max(abs(analytic), abs(numeric))
    # Both zero: no error. A nan (a shifted point gave one) leaves the error unknown, and a
    # 0 there would flag a disagreement that the non-finite report explains instead.
    rel_error = abs_error / scale if scale > 0 else (0.0 if abs_error == 0 else math.nan)
    # An infinite error would pass a tolerance scaled by infinity: −∞ does not agree with 10⁸.
    agrees = abs_error < math.inf and abs_error <= options.atol + options.rtol * scale
    return GradientCheck(name, analytic, numeric, abs_error, rel_error, agrees, near_kink)


def _shifted(
    plan: _Plan, values: list[float], index: int, h: float, clock: Clock, start: _Pieces | None
) -> tuple[float, float, bool]:
    """The output with node `index` moved by +h and by -h, and whether the check is near a
    kink: the forward values are at one (no `start`), or a kinked gate changes piece in
    between. Only the cone is recomputed, on copies of the forward values."""
    cone = plan.cone(index)
    # A small cone is checked against the clock once, not once per chunk of each pass.
    long_pass = clock if len(cone.chunks) > 1 else None
    ahead, behind = values.copy(), values.copy()
    ahead[index] += h
    behind[index] -= h
    _forward(cone.chunks, ahead, long_pass)
    _forward(cone.chunks, behind, long_pass)
    clock.check()
    near_kink = start is None or cone.crosses(start, ahead, behind)
    return ahead[plan.output], behind[plan.output], near_kink
