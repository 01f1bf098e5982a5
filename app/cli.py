"""`python -m app "(x+y)*max(y,z)" x=1 y=2 z=0`: the gate table in a terminal.

Vectors and matrices are written as JSON: `python -m app "sum(W @ x)" "W=[[1,2],[3,4]]" x=[1,1]`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import numpy as np

from app.config import get_settings
from app.engine import Evaluation
from app.errors import ExpressionError
from app.serialize import to_json
from app.service import explain
from app.tensor_engine import TensorEvaluation


def _number(x: Any) -> str:
    if np.ndim(x):
        return np.array2string(np.asarray(x), precision=4, separator=", ").replace("\n", "")
    return f"{float(x):.6g}"


def _edge_line(result: Evaluation | TensorEvaluation, e: int) -> str:
    if isinstance(result, TensorEvaluation):
        return f"{_number(result.upstream[e])} → {_number(result.downstream[e])}"
    return (
        f"{_number(result.upstream[e])} × {_number(result.local[e])} = "
        f"{_number(result.downstream[e])}"
    )


def table(result: Evaluation | TensorEvaluation) -> str:
    graph = result.graph
    lines = [f"f = {graph.text}", f"value = {_number(result.output_value)}", "", "nodes:"]
    lines.append(f"  {'id':<6}{'name':<10}{'op':<12}{'value':>14} {'grad':>14}")
    for node in graph.nodes:
        what = node.op or node.kind
        value, grad = result.values[node.index], result.grads[node.index]
        lines.append(
            f"  {node.id:<6}{node.name:<10}{what:<12}{_number(value):>14} {_number(grad):>14}"
        )
    tensor = isinstance(result, TensorEvaluation)
    lines += [
        "",
        f"edges ({'upstream → downstream' if tensor else 'upstream × local = downstream'}):",
    ]
    for e, (source, target, _) in enumerate(graph.edges):
        src, dst = graph.nodes[source], graph.nodes[target]
        kink = "  (kink)" if result.kink[e] else ""
        lines.append(f"  {src.name} → {dst.name}:  {_edge_line(result, e)}{kink}")
    lines += ["", "gradients:"]
    lines += [f"  ∂f/∂{name} = {_number(g)}" for name, g in result.gradients().items()]
    lines += [f"warning: {w}" for w in [nf.message for nf in result.non_finite] + result.warnings]
    return "\n".join(lines)


def _values(pairs: list[str]) -> dict[str, object]:
    values: dict[str, object] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep:
            raise SystemExit(f"error: expected name=value, got {pair!r}")
        try:
            # json, not orjson: it reads integers of any size, which the engine then names
            values[name.strip()] = json.loads(raw) if raw.lstrip().startswith("[") else float(raw)
        except ValueError:
            raise SystemExit(
                f"error: the value of {name} must be a number or a JSON list, not {raw!r}"
            ) from None
    return values


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument("expression")
    parser.add_argument("values", nargs="*", help="name=value pairs, e.g. x=1 y=2")
    parser.add_argument("--json", action="store_true", help="print the API's JSON")
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        result = explain(args.expression, _values(args.values), settings)
    except ExpressionError as exc:
        caret = "" if exc.position is None else f"\n  {args.expression}\n  {' ' * exc.position}^"
        print(f"error: {exc.message}{caret}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(to_json(result, settings.latex_max_nodes).decode() + "\n")
    else:
        print(table(result))
    return 0
