"""The same workloads on micrograd (bench/.venv only), as a micrograd user would write them.

Our parsed graph is turned into straight-line Python over micrograd's `Value` once, so that
micrograd's timing is its own forward (building Values) and its own `backward()`, with no
interpreter of ours in between. micrograd 0.1.0 has +, *, ** (a number), relu; tanh, exp and
max are added here in micrograd's own style: the forward value and a `_backward` closure.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable
from typing import Any

from app.graph import CONSTANT, INPUT, Graph

try:
    from micrograd.engine import Value
except ImportError:  # the app's own environment: the comparison is skipped with a note
    Value = None

Forward = Callable[[dict[str, Any]], Any]


def available() -> bool:
    return Value is not None


def tanh(v: Any) -> Any:
    t = math.tanh(v.data)
    out = Value(t, (v,), "tanh")

    def _backward() -> None:
        v.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


def exp(v: Any) -> Any:
    e = math.exp(v.data)
    out = Value(e, (v,), "exp")

    def _backward() -> None:
        v.grad += e * out.grad

    out._backward = _backward
    return out


def vmax(a: Any, b: Any) -> Any:
    out = Value(max(a.data, b.data), (a, b), "max")

    def _backward() -> None:
        share = 0.5 if a.data == b.data else 1.0
        a.grad += share * (a.data >= b.data) * out.grad
        b.grad += share * (b.data >= a.data) * out.grad

    out._backward = _backward
    return out


_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_CALL = {"tanh": "tanh", "exp": "exp", "max": "vmax"}


def compile_forward(graph: Graph) -> Forward:
    """Straight-line code: one micrograd operation per gate of the graph, in the same order."""
    lines = ["def forward(V):"]
    for node in graph.nodes:
        args = [f"n{i}" for i in node.inputs]
        if node.kind == INPUT:
            expr = f"V[{node.name!r}]"
        elif node.kind == CONSTANT:
            expr = repr(node.constant)
        elif node.op in _INFIX:
            expr = f" {_INFIX[node.op]} ".join(args)
        elif node.op == "neg":
            expr = f"-{args[0]}"
        elif node.op == "pow" and graph.nodes[node.inputs[1]].kind == CONSTANT:
            expr = f"{args[0]} ** {graph.nodes[node.inputs[1]].constant!r}"
        elif node.op in _CALL and len(args) <= 2:
            expr = f"{_CALL[node.op]}({', '.join(args)})"
        else:
            raise NotImplementedError(f"no micrograd form for {node!r}")
        lines.append(f"    n{node.index} = {expr}")
    lines.append(f"    return n{graph.output}")
    namespace: dict[str, Any] = {"tanh": tanh, "exp": exp, "vmax": vmax}
    exec(compile("\n".join(lines), "<micrograd forward>", "exec"), namespace)
    forward: Forward = namespace["forward"]
    return forward


def leaves(values: dict[str, float]) -> dict[str, Any]:
    return {name: Value(value) for name, value in values.items()}


def deep(fn: Callable[[], Any]) -> Any:
    """Run fn where micrograd's recursive topological sort fits: a 10k-term sum is 20k deep."""
    result: list[Any] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200_000)
    threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=lambda: result.append(fn()))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(0)
        sys.setrecursionlimit(limit)
    return result[0]
