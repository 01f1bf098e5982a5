"""The language's reference card: every operator and function with its local derivatives.

Built from the registry and sympy's derivatives, once; `GET /api/v1/functions` serves it and
the page's help reads it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from app.gates import CONSTANTS, GATES, TensorGate, VjpSite
from app.rules import elementwise_vjp_latex
from app.symbolic import compile_gate, fill

_OPERAND_NAMES = ["x", "y", "z"]
_OUTPUT_NAME = "p"


def _vjp_latex(gate: Any, arity: int, names: list[str], local: list[str]) -> list[Any]:
    """The rule with the upstream δ: for element-wise gates on vectors of one shape, δ ⊙ local;
    for tensor gates, at the registry's example shapes."""
    if not isinstance(gate, TensorGate):
        return [elementwise_vjp_latex(d, (3,), (3,)) for d in local]
    rule = compile_gate(gate.op, arity).array
    site = VjpSite(operands=names, shapes=gate.example[:arity], out=_OUTPUT_NAME)
    return [rule.vjp_latex(k, site) for k in range(arity)]


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
        local = [fill(t, names) for t in compiled.local_latex]
        vjp = _vjp_latex(gate, arity, names, local)
        if isinstance(gate, TensorGate):
            local = vjp  # a tensor gate's local gradient is a Jacobian: its VJP describes it
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
                "local_latex": [{"input": k, "latex": t} for k, t in enumerate(local)],
                "vjp_latex": [{"input": k, "latex": t} for k, t in enumerate(vjp)],
                "vjp_shapes": (
                    [list(s) for s in gate.example[:arity]]
                    if isinstance(gate, TensorGate)
                    else None
                ),
                "tensor_only": gate.tensor_only,
                "kink_convention": gate.kink.convention if gate.kink else None,
                "aliases": list(gate.aliases),
            }
        )
    constants = {name: value for name, (value, _) in CONSTANTS.items()}
    return {"functions": items, "constants": constants}
