"""Evaluation → the API's JSON (the names are the v1 contract: add fields, rename none).

JSON has no inf or nan, so non-finite numbers are written as the strings "Infinity",
"-Infinity" and "NaN", which JavaScript's Number() reads back. orjson writes the bytes: the
encoding is a large share of a request's cost, so we skip FastAPI's generic encoder.
"""

from __future__ import annotations

import math
from typing import Any

import orjson

from app.engine import Evaluation
from app.gates import GATES_BY_OP
from app.graph import Graph, Node, expression_latex
from app.symbolic import fill

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
        nodes: list[dict[str, Any]] = []
        edges: list[dict[str, Any]] = []
        for node in graph.nodes:
            nodes.append(_static_node(graph, node, edges))
        graph.memo["static"] = (nodes, edges)
    return graph.memo["static"]  # type: ignore[no-any-return]


def _static_node(graph: Graph, node: Node, edges: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"n{node.index}",
        "kind": node.kind,
        "op": node.op,
        "label": node.label,
        "name": node.name,
        "latex": node.latex,
        "inputs": [f"n{i}" for i in node.inputs],
        "span": node.span,
        "requires_grad": graph.requires_grad[node.index],
    }
    gate = node.gate
    if gate is None:
        return item
    operands = [graph.operand_latex(i) for i in node.inputs]
    item["definition_latex"] = f"{node.latex} = {fill(gate.forward_latex, operands)}"
    pattern = GATES_BY_OP[gate.op].pattern
    if pattern:
        item["pattern"] = pattern
    for k, source in enumerate(node.inputs):
        edges.append(
            {
                "id": f"e{len(edges)}",
                "source": f"n{source}",
                "target": item["id"],
                "index": k,
                "local_latex": fill(gate.local_latex[k], operands),
                "partial_latex": rf"\frac{{\partial {node.latex}}}{{\partial {operands[k]}}}",
            }
        )
    return item


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


def _gradient_check(result: Evaluation) -> list[dict[str, Any]] | None:
    if result.gradient_check is None:
        return None
    return [
        {
            "name": c.name,
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


def _latex(graph: Graph, max_nodes: int) -> str | None:
    return expression_latex(graph) if len(graph.nodes) <= max_nodes else None


def to_dict(result: Evaluation, latex_max_nodes: int = 2_000) -> dict[str, Any]:
    graph = result.graph
    order = [f"n{i}" for i in range(len(graph.nodes))]
    warnings = [nf.message for nf in result.non_finite] + result.warnings
    latex = _latex(graph, latex_max_nodes)
    if latex is None:
        warnings.append(f"The expression is too large to typeset ({len(graph.nodes):,} nodes).")
    data = {
        "expression": graph.text,
        "latex": latex,
        "value": result.output_value,
        "output": f"n{graph.output}",
        "gradients": result.gradients(),
        "nodes": _nodes(result),
        "edges": _edges(result),
        "forward_order": order,
        "backward_order": order[::-1],
        "gradient_check": _gradient_check(result),
        "non_finite": [
            {
                "stage": nf.stage,
                "node": f"n{nf.node}",
                "edge": None if nf.edge is None else f"e{nf.edge}",
                "value": nf.value,
                "message": nf.message,
            }
            for nf in result.non_finite
        ],
        "kink_conventions": KINK_CONVENTIONS,
        "warnings": warnings,
    }
    if result.non_finite or _any_non_finite(result):
        data = _clean(data)
    return data


def _any_non_finite(result: Evaluation) -> bool:
    isfinite = math.isfinite
    return not all(
        map(isfinite, (*result.values, *result.grads, *result.local, *result.downstream))
    ) or any(
        not (isfinite(c.numeric) and isfinite(c.rel_error)) for c in result.gradient_check or ()
    )


def to_json(result: Evaluation, latex_max_nodes: int = 2_000) -> bytes:
    return orjson.dumps(to_dict(result, latex_max_nodes))
