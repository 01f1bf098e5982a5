"""Routes of API v1. Thin: validate with pydantic, call the service, return bytes.

Small expressions are computed on the event loop (a thread hop would cost more than the work);
larger ones go to the thread pool so the server keeps answering while they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import orjson
from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from app import __version__
from app.catalog import functions
from app.config import Settings
from app.deps import SettingsDep, settings_of
from app.engine import Options
from app.errors import BadValue
from app.schemas import (
    ErrorResponse,
    FunctionsResponse,
    GraphOptions,
    GraphRequest,
    GraphResponse,
    Health,
    value_errors_merged,
)
from app.service import explain_json
from app.standalone import export_filename, export_page

router = APIRouter()

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "The expression or its values can't be used."},
    413: {"model": ErrorResponse, "description": "A documented limit was exceeded."},
    422: {"model": ErrorResponse, "description": "The request does not have the right shape."},
}
# The same, for a route whose answer is not JSON: FastAPI would list the error models under the
# route's own media type, but errors are always JSON.
JSON_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "description": error["description"],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
    }
    for status, error in ERRORS.items()
}
RESERVED_QUERY = {"expr", "check", "check_h", "_step", "_sel"}
REQUEST_MODELS: list[type[BaseModel]] = []
Body = TypeVar("Body", bound=BaseModel)


def _body_of(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI request body of a route that validates `model` itself (see `_validated`);
    `document_request_models` puts the model's schema in the components."""
    REQUEST_MODELS.append(model)
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def document_request_models(openapi: dict[str, Any]) -> dict[str, Any]:
    """Add the schemas of the hand-validated request models to the OpenAPI components."""
    components = openapi.setdefault("components", {}).setdefault("schemas", {})
    for model in REQUEST_MODELS:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return openapi


def _validated(content_type: str, body: bytes, model: type[Body]) -> Body:
    """The JSON body, validated by pydantic straight from the bytes. FastAPI's generic body
    handling decodes to Python objects first, then validates: for a small expression that
    cost as much as the computation (docs/evidence.md)."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        message = "The body must be JSON, sent with content-type: application/json"
        raise RequestValidationError([{"type": "content_type", "loc": (), "msg": message}])
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(value_errors_merged(exc.errors(include_url=False))) from None


def _json(body: bytes) -> Response:
    return Response(body, media_type="application/json")


async def _graph(text: str, values: dict[str, Any], options: Options, settings: Settings) -> bytes:
    if len(text) <= settings.inline_max_chars and len(values) <= 64:
        return explain_json(text, values, settings, options)
    return await run_in_threadpool(explain_json, text, values, settings, options)


@router.post(
    "/api/v1/graph",
    response_model=GraphResponse,
    responses=ERRORS,
    tags=["graph"],
    openapi_extra={"requestBody": _body_of(GraphRequest)},
)
async def post_graph(request: Request) -> Response:
    """Build the gate graph of an expression, run forward and backward, and annotate every
    node (value, grad) and edge (value, upstream, local, downstream = upstream × local)."""
    content_type = request.headers.get("content-type", "")
    return _json(await graph_answer(content_type, await request.body(), settings_of(request)))


async def graph_answer(content_type: str, body: bytes, settings: Settings) -> bytes:
    """The answer to POST /api/v1/graph, from the request's bytes. `app.shortcut` serves the
    route with it as well, without FastAPI's per-request machinery."""
    graph = _validated(content_type, body, GraphRequest)
    return await _graph(graph.expression, graph.values, _options(graph.options), settings)


def _options(o: GraphOptions) -> Options:
    if not o.model_fields_set:  # none given, as in nearly every request: the defaults
        return DEFAULT_OPTIONS
    return Options(h=o.h, gradient_check=o.gradient_check, rtol=o.rtol, atol=o.atol)


DEFAULT_OPTIONS = Options()


@dataclass(frozen=True)
class GraphQuery:
    """A graph asked for in a query string: `?expr=…&x=1&…` (GET /graph and the export)."""

    expr: str
    values: dict[str, float]
    options: Options


async def graph_query(
    request: Request,
    expr: Annotated[str, Query(description="The expression.", examples=["(x+y)*max(y,z)"])],
    check: Annotated[bool, Query(description="Run the numeric gradient check.")] = True,
    check_h: Annotated[float, Query(gt=0, le=1, description="Step of the check.")] = 1e-4,
) -> GraphQuery:
    return GraphQuery(expr, _query_values(request), Options(h=check_h, gradient_check=check))


GraphQueryDep = Annotated[GraphQuery, Depends(graph_query)]


@router.get("/api/v1/graph", response_model=GraphResponse, responses=ERRORS, tags=["graph"])
async def get_graph(query: GraphQueryDep, settings: SettingsDep) -> Response:
    """The same as POST, for links: every other query parameter is a variable's value,
    e.g. `?expr=(x%2By)*max(y,z)&x=1&y=2&z=0`."""
    return _json(await _graph(query.expr, query.values, query.options, settings))


# Where the exported file opens; no variable's name starts with "_", so these can't clash.
OpeningStep = Annotated[
    int | None,
    Query(alias="_step", ge=0, le=10**6, description="The step it opens at (0 if absent)."),
]
OpeningSelection = Annotated[
    str | None,
    Query(alias="_sel", pattern=r"^[ne][0-9]+$", description="The node or wire it opens on."),
]


@router.get(
    "/api/v1/export/html",
    response_class=HTMLResponse,
    responses={
        200: {
            "content": {"text/html": {}},
            "description": "One self-contained HTML file, sent as an attachment.",
        },
        **JSON_ERRORS,
    },
    tags=["export"],
)
async def export_html(
    request: Request,
    query: GraphQueryDep,
    settings: SettingsDep,
    step: OpeningStep = None,
    selected: OpeningSelection = None,
) -> HTMLResponse:
    """The graph as one self-contained HTML file: data, scripts, styles and fonts inlined.
    Opened from `file://` with no server and no network, it plays both passes and has the
    inspector. The query is the same as `GET /api/v1/graph`'s, and `_step` and `_sel` (no
    variable's name starts with `_`) say where it opens, as the page's view was; graphs above
    `page_layout_cap` nodes are refused with 413."""
    graph = orjson.loads(await _graph(query.expr, query.values, query.options, settings))
    page_link = f"{request.base_url}?{request.url.query}"
    view = {"step": step, "selected": selected}
    page = await run_in_threadpool(export_page, graph, settings, page_link, view)
    disposition = f'attachment; filename="{export_filename(query.expr)}"'
    return HTMLResponse(page, headers={"content-disposition": disposition})


def _query_values(request: Request) -> dict[str, Any]:
    """Every query parameter other than the reserved ones is a variable's value."""
    return {
        name: _query_value(name, raw)
        for name, raw in request.query_params.items()
        if name not in RESERVED_QUERY
    }


def _query_value(name: str, raw: str) -> Any:
    """A number, or a vector or matrix written as JSON: `W=[[1,2],[3,4]]`."""
    if raw.lstrip().startswith("["):
        try:
            return orjson.loads(raw)  # the engine checks shapes and finiteness, as for POST
        except orjson.JSONDecodeError:
            raise BadValue(f"The value of {name} is not a valid JSON array: {raw!r}.") from None
    try:
        return float(raw)
    except ValueError:
        raise BadValue(f"The value of {name} must be a number, not {raw!r}.") from None


@router.get("/api/v1/functions", response_model=FunctionsResponse, tags=["reference"])
async def list_functions() -> Response:
    """Every operator and function, with its local derivatives in LaTeX and a one-line
    explanation of how it passes the gradient back."""
    return _json(_FUNCTIONS_JSON)


@router.get("/healthz", response_model=Health, tags=["ops"])
async def healthz() -> Health:
    return Health(status="ok", version=__version__)


_FUNCTIONS_JSON = orjson.dumps(functions())
