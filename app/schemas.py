"""Request and response models of API v1. They validate requests and document the API.

Responses are written by `app.serialize` straight to bytes; these models describe those bytes
exactly, for /docs and for schema-based tests.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

LECTURE_EXAMPLE: dict[str, Any] = {
    "expression": "(x+y)*max(y,z)",
    "values": {"x": 1, "y": 2, "z": 0},
    "options": {"h": 1e-4, "gradient_check": True},
}

# JSON has no inf or nan: those are sent as these strings (JavaScript's Number() reads them).
Number = float | Literal["Infinity", "-Infinity", "NaN"]
InputValue = Annotated[float, Strict()]  # a JSON number: no strings, no booleans


class GraphOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    h: float = Field(1e-4, gt=0, le=1, description="Step of the central difference.")
    gradient_check: bool = Field(True, description="Compare with numeric gradients.")
    rtol: float = Field(1e-4, ge=0, le=1, description="Relative tolerance of the check.")
    atol: float = Field(1e-6, ge=0, le=1, description="Absolute tolerance of the check.")


class GraphRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [LECTURE_EXAMPLE]})

    expression: str = Field(description="The expression as a learner types it.")
    values: dict[str, InputValue] = Field(
        default_factory=dict, description="A finite number for every variable."
    )
    options: GraphOptions = Field(default_factory=GraphOptions)


class NodeOut(BaseModel):
    id: str
    kind: Literal["input", "constant", "op"]
    op: str | None = Field(description="The gate, for kind 'op'.")
    label: str = Field(description="What is drawn: the gate's symbol or the input's name.")
    name: str = Field(description="The variable, the constant, or the gate's given name (a, b…).")
    latex: str
    value: Number
    grad: Number = Field(description="∂output/∂node: the sum of its outgoing downstreams.")
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
    value: Number = Field(description="The forward value it carries.")
    upstream: Number = Field(description="The gradient of the target gate.")
    local: Number = Field(description="∂target/∂source at the forward values.")
    downstream: Number = Field(description="upstream × local: what the source receives here.")
    local_latex: str
    partial_latex: str
    kink: bool = Field(description="The gate sits at a kink; the convention was applied.")


class GradientCheckOut(BaseModel):
    name: str
    analytic: Number
    numeric: Number
    abs_error: Number
    rel_error: Number
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
    value: Number
    output: str
    gradients: dict[str, Number]
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
    local_latex: list[LocalDerivativeOut]
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


class ErrorResponse(BaseModel):
    detail: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]
    version: str
