"""The language's reference card: every operator and function with its local derivatives.

Built from the registry and sympy's derivatives, once; `GET /api/v1/functions` serves it and
the page's help reads it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from app.gates import CONSTANTS, GATES
from app.symbolic import compile_gate, fill

_OPERAND_NAMES = ["x", "y", "z"]


@lru_cache(maxsize=1)
def functions() -> dict[str, Any]:
    items = []
    for gate in GATES:
        low, high = gate.arity
        arity = min(max(low, 2), high or 3) if gate.is_function else low
        if gate.op == "leaky_relu":
            arity = 2  # show the parametric form: its slope gets a gradient too
        compiled = compile_gate(gate.op, arity)
        names = _OPERAND_NAMES[:arity]
        items.append(
            {
                "op": gate.op,
                "symbol": gate.symbol,
                "syntax": gate.syntax,
                "explanation": gate.explanation,
                "kind": "function" if gate.is_function else "operator",
                "arity": [low, high],
                "pattern": gate.pattern,
                "forward_latex": fill(compiled.forward_latex, names),
                "local_latex": [
                    {"input": k, "latex": fill(t, names)}
                    for k, t in enumerate(compiled.local_latex)
                ],
                "kink_convention": gate.kink.convention if gate.kink else None,
                "aliases": list(gate.aliases),
            }
        )
    constants = {name: value for name, (value, _) in CONSTANTS.items()}
    return {"functions": items, "constants": constants}
