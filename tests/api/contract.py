"""Checks that an answer is exactly what the OpenAPI models describe: it validates strictly,
and it has no field the models do not name (pydantic alone would ignore extra fields)."""

from __future__ import annotations

import types
from typing import Any, Union, get_args, get_origin

import orjson
from pydantic import BaseModel


def assert_matches(model: type[BaseModel], body: bytes) -> None:
    model.model_validate_json(body, strict=True)
    _fields_named(model, orjson.loads(body), model.__name__)


def _fields_named(model: type[BaseModel], data: Any, where: str) -> None:
    assert isinstance(data, dict), f"{where}: {data!r} is not an object"
    extra = set(data) - set(model.model_fields)
    assert not extra, f"{where}: fields {sorted(extra)} are not in {model.__name__}"
    for name, field in model.model_fields.items():
        if name in data:
            _walk(field.annotation, data[name], f"{where}.{name}")


def _walk(annotation: Any, value: Any, where: str) -> None:
    if value is None:
        return
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        _fields_named(annotation, value, where)
    elif origin is list:
        for i, item in enumerate(value):
            _walk(get_args(annotation)[0], item, f"{where}[{i}]")
    elif origin is dict:
        for key, item in value.items():
            _walk(get_args(annotation)[1], item, f"{where}.{key}")
    elif origin in (Union, types.UnionType):
        inner = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(inner) == 1:
            _walk(inner[0], value, where)
