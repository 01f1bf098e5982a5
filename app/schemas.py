"""Request and response models of API v1. They validate requests and document the API.

Responses are written by `app.serialize` straight to bytes; these models describe those bytes
exactly, for /docs and for schema-based tests.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AllowInfNan,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
)

LECTURE_EXAMPLE: dict[str, Any] = {
    "expression": "(x+y)*max(y,z)",
    "values": {"x": 1, "y": 2, "z": 0},
    "options": {"h": 1e-4, "gradient_check": True},
}
ONE_LAYER_EXAMPLE: dict[str, Any] = {
    "expression": "u.T @ sigmoid(W @ x + b)",
    "values": {
        "W": [[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]],
        "x": [1, 2, -1],
        "b": [0.1, -0.1],
        "u": [0.7, -0.3],
    },
}

# JSON has no inf or nan: those are sent as these strings (JavaScript's Number() reads them).
Number = float | Literal["Infinity", "-Infinity", "NaN"]
# A node's value or gradient: a number, a vector, or a matrix (a list of rows).
Value = Number | list[Number] | list[list[Number]]
# A Jacobian has the gate's shape followed by the source's: up to four levels of lists.
Jacobian = Value | list[list[list[Number]]] | list[list[list[list[Number]]]]


VALUE_MESSAGE = (
    "must be a number, a list of numbers (a vector) or a list of equally long lists of numbers "
    "(a matrix)"
)
FINITE_MESSAGE = "must be a finite number within float64's range (about ±1.8e308)"
# JSON numbers (no strings, no booleans), finite, as a number, a vector or a matrix; ragged
# rows are refused by the engine, which names the variable. A value refused here gets one
# error from `value_errors_merged`, rather than one per member of the union.
Finite = Annotated[float, Strict(), AllowInfNan(False)]  # a huge integer would become inf
InputValue = Finite | list[Finite] | list[list[Finite]]


def value_errors_merged(errors: list[Any]) -> list[Any]:
    """pydantic's errors with those under one `values.<name>` merged into one error that says
    what a value may be, or which entry is not finite. Done here, once per refused request,
    rather than by a validator wrapped around every value, which cost a Python call per value
    on every request."""
    by_value: dict[tuple[Any, ...], list[Any]] = {}
    merged: list[Any] = []
    for error in errors:
        loc = tuple(error.get("loc", ()))
        if len(loc) > 2 and loc[0] == "values":
            if loc[:2] not in by_value:
                merged.append(loc[:2])  # a place held for the value's one error
            by_value.setdefault(loc[:2], []).append(error)
        else:
            merged.append(error)
    return [
        {"type": "value", "loc": item, "msg": _value_message(by_value[item]), "input": None}
        if isinstance(item, tuple)
        else item
        for item in merged
    ]


def _value_message(errors: list[Any]) -> str:
    for error in errors:
        if error["type"] == "finite_number":
            entry = "".join(f"[{i}]" for i in error["loc"][3:])  # past values, name, member
            return f"entry {entry} {FINITE_MESSAGE}" if entry else FINITE_MESSAGE
    return VALUE_MESSAGE


class GraphOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    h: float = Field(1e-4, gt=0, le=1, description="Step of the central difference.")
    gradient_check: bool = Field(True, description="Compare with numeric gradients.")
    rtol: float = Field(1e-4, ge=0, le=1, description="Relative tolerance of the check.")
    atol: float = Field(1e-6, ge=0, le=1, description="Absolute tolerance of the check.")


class GraphRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [LECTURE_EXAMPLE, ONE_LAYER_EXAMPLE]}
    )

    expression: str = Field(description="The expression as a learner types it.")
    values: dict[str, InputValue] = Field(
        default_factory=dict,
        description="For every variable, a finite number, a vector [1, 2] or a matrix "
        "[[1, 2], [3, 4]].",
    )
    options: GraphOptions = Field(default_factory=GraphOptions)


class NodeOut(BaseModel):
    id: str
    kind: Literal["input", "constant", "op"]
    op: str | None = Field(description="The gate, for kind 'op'.")
    label: str = Field(description="What is drawn: the gate's symbol or the input's name.")
    name: str = Field(description="The variable, the constant, or the gate's given name (a, b…).")
    latex: str
    shape: list[int] = Field(description="[] for a number, [n] for a vector, [m, n] for a matrix.")
    value: Value = Field(description="A number, or nested lists of the node's shape.")
    grad: Value = Field(
        description="∂output/∂node, in the node's shape: the sum of its outgoing downstreams."
    )
    inputs: list[str]
    span: tuple[int, int] = Field(description="Where the node was typed: [start, end).")
    requires_grad: bool = Field(description="Whether the node depends on some input.")
    definition_latex: str | None = Field(None, description="For gates: b = max(y, z).")
    pattern: Literal["distributes", "routes", "switches"] | None = Field(
        None, description="The lecture's word for add, max/min and mul."
    )


class EdgeOut(BaseModel):
    id: str
    source: str
    target: str
    index: int = Field(description="Which input of the target gate this edge is.")
    value: Value = Field(description="The forward value it carries (the source's shape).")
    upstream: Value = Field(description="The gradient of the target gate, in the gate's shape.")
    local: Jacobian | None = Field(
        description="∂target/∂source at the forward values: a number for numbers, otherwise the "
        "Jacobian, of shape local_shape, or null when it has more than 64 entries."
    )
    downstream: Value = Field(
        description="What the source receives here, in the source's shape: upstream × local, "
        "that is upstream contracted with the Jacobian."
    )
    local_latex: str = Field(
        description="The local derivative; in tensor responses the rule as a vector-Jacobian "
        r"product in terms of the upstream \delta, e.g. \delta\, x^{\top} for W in W @ x."
    )
    partial_latex: str
    kink: bool = Field(
        description="The gate sits at a kink (for arrays: in some entry); the convention was "
        "applied."
    )
    local_shape: list[int] | None = Field(
        None, description="Tensor responses: the Jacobian's shape, gate's shape + source's."
    )
    local_elementwise: Value | None = Field(
        None,
        description="Tensor responses, element-wise gates: ∂target/∂source entry by entry, in "
        "the gate's shape (before summing over broadcast axes); null for other gates.",
    )
    derivative_latex: str | None = Field(
        None,
        description="Tensor responses, element-wise gates: the scalar local derivative that "
        "local_elementwise holds; null for other gates.",
    )


class GradientCheckOut(BaseModel):
    name: str
    shape: list[int] = Field(description="The input's shape: analytic and numeric have it.")
    analytic: Value
    numeric: Value = Field(description="Central differences, entry by entry for arrays.")
    abs_error: Number = Field(description="The largest over the entries.")
    rel_error: Number = Field(description="The largest over the entries.")
    agrees: bool
    near_kink: bool
    flagged: bool = Field(description="Disagrees away from any kink.")


class NonFiniteOut(BaseModel):
    stage: Literal["forward", "backward"]
    node: str
    edge: str | None
    value: Number
    message: str


class GraphResponse(BaseModel):
    expression: str
    latex: str | None = Field(description="The whole expression typeset; null when too large.")
    value: Number = Field(description="The output, always a single number.")
    output: str
    gradients: dict[str, Value] = Field(description="∂output/∂input, in each input's shape.")
    tensor: bool = Field(
        description="Computed with arrays (a value is a list or a gate such as @ or sum is "
        "used): edges then also have local_shape, local_elementwise and derivative_latex."
    )
    nodes: list[NodeOut]
    edges: list[EdgeOut]
    forward_order: list[str]
    backward_order: list[str]
    gradient_check: list[GradientCheckOut] | None
    non_finite: list[NonFiniteOut]
    kink_conventions: dict[str, str]
    warnings: list[str]


class LocalDerivativeOut(BaseModel):
    input: int
    latex: str


class FunctionOut(BaseModel):
    op: str
    symbol: str
    syntax: str
    explanation: str
    kind: Literal["operator", "function"]
    arity: tuple[int, int | None]
    pattern: str | None
    forward_latex: str
    local_latex: list[LocalDerivativeOut] = Field(
        description="Element-wise gates: the local derivative per input; tensor gates: the VJP."
    )
    vjp_latex: list[LocalDerivativeOut] = Field(
        description="The rule as a vector-Jacobian product in terms of the upstream δ, for the "
        "shapes in vjp_shapes."
    )
    vjp_shapes: list[list[int]] | None = Field(
        description="Example operand shapes the VJP is written for; null for element-wise gates."
    )
    tensor_only: bool = Field(description="Needs vectors or matrices (@, .T, sum, softmax, …).")
    kink_convention: str | None
    aliases: list[str]


class FunctionsResponse(BaseModel):
    functions: list[FunctionOut]
    constants: dict[str, float]


class ErrorDetail(BaseModel):
    message: str = Field(description="One sentence naming the problem.")
    position: int | None = Field(description="0-based column in the expression, if any.")
    missing: list[str] | None = Field(
        None, description="For a missing value: every variable without one, in the order typed."
    )
    variables: list[str] | None = Field(
        None,
        description="Where the expression parsed but could not be computed with these values: "
        "its variables, in the order typed, so that a client can ask for each.",
    )


class ErrorResponse(BaseModel):
    detail: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    version: str
