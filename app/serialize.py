"""Evaluation → the API's JSON (the names are the v1 contract: add fields, rename none).

Both engines give the same fields. Every node has a `shape` (`[]` for a number); values and
gradients are plain numbers for numbers and nested lists for vectors and matrices. A tensor
response (`"tensor": true`) says more per edge: `local` is the Jacobian (shape
`local_shape` = gate's shape + source's shape, or null when it has over 64 entries),
`local_latex` the rule as a vector-Jacobian product, and for element-wise gates
`local_elementwise` and `derivative_latex` give the entry-by-entry local derivative.

JSON has no inf or nan, so non-finite numbers are written as the strings "Infinity",
"-Infinity" and "NaN", which JavaScript's Number() reads back. orjson writes the bytes: the
encoding is a large share of a request's cost, so we skip FastAPI's generic encoder.

For a graph of numbers, the whole response is written once per parsed graph as a template
with a slot for each number (`_Template`), and a request writes its numbers with one orjson
call and fills them in (`_filled`): the same bytes as `orjson.dumps(to_dict(result))`, without
a dict per node and edge on every request.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import orjson

from app.clock import Clock
from app.engine import Evaluation
from app.gates import Array, VjpSite
from app.graph import Graph, Node, expression_latex
from app.rules import ElementwiseRule
from app.symbolic import CompiledGate, fill
from app.tensor_engine import TensorEvaluation

_SCALAR_SHAPE: list[int] = []  # shared by every scalar node; never mutated
_CHECK_EVERY = 2048  # nodes between two looks at the request's clock
_TENSOR_MEMO_SIZE = 8  # shape combinations remembered per parsed graph

KINK_CONVENTIONS = {
    "max_min_tie": "a max/min tie splits the gradient equally among the tied inputs",
    "relu": "relu'(0) = 0",
    "abs": "abs'(0) = 0",
    "hardtanh": "hardtanh'(±1) = 0",
    "leaky_relu": "leaky_relu'(0) = a, the left slope",
    "source": "PyTorch's conventions",
}


def _finite_or_text(x: float) -> float | str:
    if math.isfinite(x):
        return x
    return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")


def _clean(data: Any) -> Any:
    if isinstance(data, float):
        return _finite_or_text(data)
    if isinstance(data, dict):
        return {k: _clean(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_clean(v) for v in data]
    return data


def _static_parts(graph: Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The node and edge fields that depend on the graph alone, built once per parsed graph."""
    if "static" not in graph.memo:
        graph.memo["static"] = _build_static_parts(graph)
    return graph.memo["static"]  # type: ignore[no-any-return]


def _build_static_parts(graph: Graph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    parts = _StaticParts(graph)
    for node in graph.nodes:
        parts.add(node)
    return parts.nodes, parts.edges


@dataclass(frozen=True, slots=True)
class _Template:
    """A graph's whole response as a %-format, with `%s` wherever a request's numbers go, in
    the order `_filled` deals them (the gradient check's list, which a request may leave out,
    is one slot: `_checks_template`). Made once per parsed graph (and per latex_max_nodes),
    from the same dicts as the plain path, by the same orjson, so the bytes are the plain
    path's."""

    text: bytes
    sources: list[int]
    targets: list[int]


_SLOT = "\x00"  # stands for a number while a template is written; orjson writes it as:
_SLOT_JSON = b'"\\u0000"'
_NODE_SLOTS = b',"value":%s,"grad":%s'
_EDGE_SLOTS = b',"value":%s,"upstream":%s,"local":%s,"downstream":%s,"kink":%s'
_CHECK_SLOTS = dict.fromkeys(
    ("analytic", "numeric", "abs_error", "rel_error", "agrees", "near_kink", "flagged"), _SLOT
)


class _NoTemplate(Exception):
    """A string of the graph's own holds the slot's character, so slots can't be told apart."""


def _template(result: Evaluation, latex_max_nodes: int, clock: Clock | None) -> _Template | None:
    graph = result.graph
    key = f"template {latex_max_nodes}"
    if key not in graph.memo:
        try:
            graph.memo[key] = _write_template(result, latex_max_nodes, clock)
        except _NoTemplate:
            graph.memo[key] = None
    return graph.memo[key]  # type: ignore[no-any-return]


def _write_template(result: Evaluation, latex_max_nodes: int, clock: Clock | None) -> _Template:
    """The frame (everything but the nodes and edges) with a slot per number, then the nodes
    and the edges, _CHECK_EVERY nodes at a time: each chunk's dicts are freed before the next
    is built, so a large graph's dicts never all exist at once and the memory they take is
    reused while still in the CPU's caches."""
    graph = result.graph
    frame = _response(
        result,
        latex_max_nodes,
        value=_SLOT,
        gradients=dict.fromkeys(graph.variables, _SLOT),
        nodes=_SLOT,
        edges=_SLOT,
        gradient_check=_SLOT,  # type: ignore[arg-type]
    )
    frame["warnings"] = _SLOT
    # value, the gradients, the nodes, the edges, the check, the warnings
    pieces = _slotted_pieces(frame, 1 + len(graph.variables) + 4)
    nodes, edges = _items_formats(graph, clock)
    at = 2 + len(graph.variables)  # the piece after the nodes' slot
    head, tail = b"%s".join(pieces[:at]), b"%s".join(pieces[at + 1 :])
    text = b"".join([head, *nodes, pieces[at], *edges, tail])
    sources = [source for source, _, _ in graph.edges]
    targets = [target for _, target, _ in graph.edges]
    return _Template(text, sources, targets)


def _checks_template(graph: Graph) -> bytes:
    """The gradient check's list as a %-format, made when a request first has one (a large
    graph's check is over its budget, and its list would be as long as its inputs). Only
    after `_template` has made the frame, whose keys are the same names: none holds a slot."""
    if "checks template" not in graph.memo:
        checks = [{"name": name, "shape": _SCALAR_SHAPE} | _CHECK_SLOTS for name in graph.variables]
        pieces = _slotted_pieces(checks, len(_CHECK_SLOTS) * len(graph.variables))
        graph.memo["checks template"] = b"%s".join(pieces)
    return graph.memo["checks template"]  # type: ignore[no-any-return]


def _slotted_pieces(data: object, slots: int) -> list[bytes]:
    """The JSON of `data`, escaped for %, cut where its slots are."""
    pieces = _escaped(orjson.dumps(data)).split(_SLOT_JSON)
    if len(pieces) != slots + 1:
        raise _NoTemplate
    return pieces


def _escaped(json: bytes) -> bytes:
    return json.replace(b"%", b"%%")


def _items_formats(
    graph: Graph, clock: Clock | None
) -> tuple[list[bytes | memoryview], list[bytes | memoryview]]:
    """The nodes' and the edges' JSON arrays, with a slot for each of their numbers, in pieces
    for one join (each chunk's bytes are copied once more, there)."""
    parts = _StaticParts(graph)
    nodes: list[bytes | memoryview] = [b"["]
    edges: list[bytes | memoryview] = [b"["]
    for start in range(0, len(graph.nodes), _CHECK_EVERY):
        if clock is not None:
            clock.check()
        parts.nodes, parts.edges = [], []
        for node in graph.nodes[start : start + _CHECK_EVERY]:
            parts.add(node)
        _add_slotted(nodes, parts.nodes, _NODE_SLOTS)
        _add_slotted(edges, parts.edges, _EDGE_SLOTS)
    return [*nodes, b"]"], [*edges, b"]"]


_BETWEEN = b'},{"id":'  # between two items: a quote inside a JSON string is escaped


def _add_slotted(
    pieces: list[bytes | memoryview], items: list[dict[str, Any]], slots: bytes
) -> None:
    """The items as JSON, each ending in its numbers' keys and slots, after `pieces`."""
    if not items:
        return
    if len(pieces) > 1:
        pieces.append(b",")
    json = _escaped(orjson.dumps(items)).replace(_BETWEEN, slots + _BETWEEN)
    pieces += (memoryview(json)[1:-2], slots + b"}")  # from the first item's { to the last's


def _filled(result: Evaluation, template: _Template, latex_max_nodes: int) -> bytes | None:
    """The template with this request's numbers, or None if one of them is inf or nan (which
    JSON lacks: the plain path writes them as text). orjson writes them all in one call, in
    the template's order: node by node, then edge by edge."""
    graph = result.graph
    values, grads = result.values, result.grads
    edges = zip(
        map(values.__getitem__, template.sources),
        map(grads.__getitem__, template.targets),
        result.local,
        result.downstream,
        result.kink,
        strict=True,
    )
    numbers: list[object] = [
        values[graph.output],
        *map(grads.__getitem__, graph.variables.values()),
        *chain.from_iterable(zip(values, grads, strict=True)),
        *chain.from_iterable(edges),
    ]
    for c in result.gradient_check or ():
        numbers += (c.analytic, c.numeric, c.abs_error, c.rel_error)
        numbers += (c.agrees, c.near_kink, c.flagged)
    written = orjson.dumps(numbers)
    if b"n" in written:  # null, which orjson writes for inf and nan; no number has an n
        return None
    slots = written[1:-1].split(b",")
    if result.gradient_check is None:
        slots.append(b"null")
    else:  # the checks' numbers, last, become the check's list
        start = len(slots) - len(_CHECK_SLOTS) * len(result.gradient_check)
        slots[start:] = [_checks_template(graph) % tuple(slots[start:])]
    slots.append(orjson.dumps(_warnings(result, _structure(graph, latex_max_nodes)[2])))
    return template.text % tuple(slots)


class _StaticParts:
    """Builds the static node and edge dicts; each node's id and operand LaTeX are made once
    and looked up, since a large graph has tens of thousands of them."""

    def __init__(self, graph: Graph) -> None:
        self.requires_grad = graph.requires_grad
        self.ids = [f"n{i}" for i in range(len(graph.nodes))]
        self.operand_latex = [graph.operand_latex(i) for i in range(len(graph.nodes))]
        self.nodes: list[dict[str, Any]] = []
        self.edges: list[dict[str, Any]] = []
        self.edge_count = 0  # edges so far: the next edge's id (`edges` may be a chunk's only)

    def add(self, node: Node) -> None:
        ids, gate = self.ids, node.gate
        item: dict[str, Any] = {
            "id": ids[node.index],
            "kind": node.kind,
            "op": gate.op if gate else None,
            "label": gate.symbol if gate else node.name,
            "name": node.name,
            "latex": node.latex,
            "inputs": [*map(ids.__getitem__, node.inputs)],
            "span": node.span,
            "requires_grad": self.requires_grad[node.index],
            "shape": _SCALAR_SHAPE,
        }
        self.nodes.append(item)
        if gate is not None:
            self._add_gate(node, gate, item)

    def _add_gate(self, node: Node, gate: CompiledGate, item: dict[str, Any]) -> None:
        operands = [*map(self.operand_latex.__getitem__, node.inputs)]
        item["definition_latex"] = f"{node.latex} = {fill(gate.forward_latex, operands)}"
        if gate.gate.pattern:
            item["pattern"] = gate.gate.pattern
        for k, source in enumerate(node.inputs):
            partial = rf"\frac{{\partial {node.latex}}}{{\partial {operands[k]}}}"
            if node.inputs.count(source) > 1:  # x*x: x fills both operands
                partial = rf"\left.{partial}\right|_{{\text{{{_ordinal(k + 1)} operand}}}}"
            self.edges.append(
                {
                    "id": f"e{self.edge_count}",
                    "source": self.ids[source],
                    "target": item["id"],
                    "index": k,
                    "local_latex": fill(gate.local_latex[k], operands),
                    "partial_latex": partial,
                }
            )
            self.edge_count += 1


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st, as the page's model.operandNote."""
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _nodes(result: Evaluation) -> list[dict[str, Any]]:
    return [
        {**static, "value": value, "grad": grad}
        for static, value, grad in zip(
            _static_parts(result.graph)[0], result.values, result.grads, strict=True
        )
    ]


def _edges(result: Evaluation) -> list[dict[str, Any]]:
    values = result.values
    return [
        {
            **static,
            "value": values[source],
            "upstream": upstream,
            "local": local,
            "downstream": downstream,
            "kink": kink,
        }
        for static, (source, _, _), upstream, local, downstream, kink in zip(
            _static_parts(result.graph)[1],
            result.graph.edges,
            result.upstream,
            result.local,
            result.downstream,
            result.kink,
            strict=True,
        )
    ]


def _gradient_check(result: Evaluation | TensorEvaluation) -> list[dict[str, Any]] | None:
    if result.gradient_check is None:
        return None
    return [
        {
            "name": c.name,
            "shape": list(c.shape) if c.shape else _SCALAR_SHAPE,
            "analytic": c.analytic,
            "numeric": c.numeric,
            "abs_error": c.abs_error,
            "rel_error": c.rel_error,
            "agrees": c.agrees,
            "near_kink": c.near_kink,
            "flagged": c.flagged,
        }
        for c in result.gradient_check
    ]


def _structure(graph: Graph, latex_max_nodes: int) -> tuple[list[str], list[str], str | None]:
    """Forward and backward order and the expression's LaTeX: the graph alone decides them,
    so they are made once per parsed graph, like the static parts."""
    key = f"structure {latex_max_nodes}"
    if key not in graph.memo:
        order = [f"n{i}" for i in range(len(graph.nodes))]
        latex = expression_latex(graph) if len(graph.nodes) <= latex_max_nodes else None
        graph.memo[key] = (order, order[::-1], latex)
    return graph.memo[key]  # type: ignore[no-any-return]


def _response(
    result: Evaluation | TensorEvaluation,
    latex_max_nodes: int,
    *,
    value: Any,
    gradients: dict[str, Any],
    nodes: list[dict[str, Any]] | str,
    edges: list[dict[str, Any]] | str,
    gradient_check: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """The whole response around its numbers, which the caller writes for its engine."""
    graph = result.graph
    forward_order, backward_order, latex = _structure(graph, latex_max_nodes)
    return {
        "expression": graph.text,
        "latex": latex,
        "value": value,
        "output": f"n{graph.output}",
        "gradients": gradients,
        "nodes": nodes,
        "edges": edges,
        "forward_order": forward_order,
        "backward_order": backward_order,
        "gradient_check": gradient_check,
        "non_finite": [
            {
                "stage": nf.stage,
                "node": f"n{nf.node}",
                "edge": None if nf.edge is None else f"e{nf.edge}",
                "value": _finite_or_text(nf.value),
                "message": nf.message,
            }
            for nf in result.non_finite
        ],
        "kink_conventions": KINK_CONVENTIONS,
        "warnings": _warnings(result, latex),
        "tensor": isinstance(result, TensorEvaluation),
    }


def _warnings(result: Evaluation | TensorEvaluation, latex: str | None) -> list[str]:
    graph = result.graph
    if not (result.non_finite or result.warnings or graph.lookalikes) and latex is not None:
        return []  # nearly every answer, told apart without building lists
    warnings = [nf.message for nf in result.non_finite] + result.warnings
    warnings += [lookalike.note(name) for name, lookalike in graph.lookalikes.items()]
    if latex is None:
        warnings.append(f"The expression is too large to typeset ({len(graph.nodes):,} nodes).")
    return warnings


def to_dict(result: Evaluation | TensorEvaluation, latex_max_nodes: int = 2_000) -> dict[str, Any]:
    if isinstance(result, TensorEvaluation):
        return _tensor_dict(result, latex_max_nodes)
    data = _scalar_response(result, latex_max_nodes, _nodes(result), _edges(result))
    if result.non_finite or _any_non_finite(result):
        data = _clean(data)
    return data


def _any_non_finite(result: Evaluation) -> bool:
    isfinite = math.isfinite
    # chain rather than one tuple of everything: no copy of four lists of a large graph
    return not all(
        map(isfinite, chain(result.values, result.grads, result.local, result.downstream))
    ) or any(
        not (isfinite(c.numeric) and isfinite(c.rel_error)) for c in result.gradient_check or ()
    )


def to_json(
    result: Evaluation | TensorEvaluation, latex_max_nodes: int = 2_000, clock: Clock | None = None
) -> bytes:
    """The response's bytes. Given the request's clock, writing a newly parsed graph's static
    parts looks at it too (raising `TooLarge`): for a large graph that is the longest step."""
    if isinstance(result, TensorEvaluation):
        # orjson writes float64 arrays itself, byte for byte as it writes their lists, and
        # about twice as fast, with no lists to build: most of a large request's cost.
        data = _tensor_dict(result, latex_max_nodes, _array_for_orjson)
        return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)
    if not result.non_finite:
        template = _template(result, latex_max_nodes, clock)
        written = None if template is None else _filled(result, template, latex_max_nodes)
        if written is not None:
            return written
    return orjson.dumps(to_dict(result, latex_max_nodes))  # inf and nan written as text


def _scalar_response(
    result: Evaluation,
    latex_max_nodes: int,
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
) -> dict[str, Any]:
    return _response(
        result,
        latex_max_nodes,
        value=result.output_value,
        gradients=result.gradients(),
        nodes=nodes,
        edges=edges,
        gradient_check=_gradient_check(result),
    )


# -- vectors and matrices --------------------------------------------------------------------------


def _numbers(array: Array | float) -> Any:
    """A plain number for a 0-d array, nested lists otherwise; inf and nan as text."""
    listed = np.asarray(array).tolist()
    return listed if np.isfinite(array).all() else _clean(listed)


def _array_for_orjson(array: Array | float) -> Any:
    """What orjson writes as `_numbers(array)`: it takes contiguous arrays of finite numbers
    (it would write inf and nan as null, and 0-d arrays not at all)."""
    if np.ndim(array) == 0 or not np.isfinite(array).all():
        return _numbers(array)
    return np.ascontiguousarray(array)


def _tensor_dict(
    result: TensorEvaluation, latex_max_nodes: int, numbers: Callable[[Any], Any] = _numbers
) -> dict[str, Any]:
    graph = result.graph
    values = [numbers(v) for v in result.values]
    grads = [numbers(g) for g in result.grads]
    static_nodes, static_edges = _tensor_static_parts(result)
    return _response(
        result,
        latex_max_nodes,
        value=_finite_or_text(result.output_value),
        gradients={name: grads[i] for name, i in graph.variables.items()},
        nodes=[
            {**static, "value": value, "grad": grad}
            for static, value, grad in zip(static_nodes, values, grads, strict=True)
        ],
        edges=[
            {
                **static_edges[e],
                "value": values[source],
                "upstream": grads[target],
                "local": _optional(result.local[e], numbers),
                "local_elementwise": _optional(result.local_elementwise[e], numbers),
                "downstream": numbers(result.downstream[e]),
                "kink": result.kink[e],
            }
            for e, (source, target, _) in enumerate(graph.edges)
        ],
        gradient_check=_tensor_checks(result, numbers),
    )


def _tensor_checks(
    result: TensorEvaluation, numbers: Callable[[Any], Any]
) -> list[dict[str, Any]] | None:
    checks = _gradient_check(result)
    if checks is None:
        return None
    return [
        entry
        | {
            "analytic": numbers(entry["analytic"]),
            "numeric": numbers(entry["numeric"]),
            "abs_error": _finite_or_text(entry["abs_error"]),
            "rel_error": _finite_or_text(entry["rel_error"]),
        }
        for entry in checks
    ]


def _optional(array: Array | None, numbers: Callable[[Any], Any]) -> Any:
    return None if array is None else numbers(array)


def _tensor_static_parts(result: TensorEvaluation) -> tuple[list[Any], list[Any]]:
    """The structure-only parts for one combination of shapes, remembered per parsed graph."""
    graph = result.graph
    memo: dict[tuple[Any, ...], Any] = graph.memo.setdefault("tensor", {})
    key = tuple(result.shapes)
    if key not in memo:
        if len(memo) >= _TENSOR_MEMO_SIZE:
            memo.clear()
        nodes, edges = _static_parts(graph)
        memo[key] = (
            [{**node, "shape": list(shape)} for node, shape in zip(nodes, key, strict=True)],
            [_tensor_static_edge(graph, key, e, static) for e, static in enumerate(edges)],
        )
    return memo[key]  # type: ignore[no-any-return]


def _tensor_static_edge(
    graph: Graph, shapes: tuple[Any, ...], e: int, static: dict[str, Any]
) -> dict[str, Any]:
    source, target, k = graph.edges[e]
    node = graph.nodes[target]
    assert node.gate is not None  # edges end at gates
    rule = node.gate.array
    site = VjpSite(
        operands=[graph.operand_latex(i) for i in node.inputs],
        shapes=[shapes[i] for i in node.inputs],
        out=node.latex,
    )
    return {
        **static,
        "local_latex": rule.vjp_latex(k, site),
        "derivative_latex": static["local_latex"] if isinstance(rule, ElementwiseRule) else None,
        "local_shape": [*shapes[target], *shapes[source]],
    }
