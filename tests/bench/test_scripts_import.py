"""Every script in bench/ imports against the current app: the benchmarks run by hand, not in
the suite, so a renamed function would otherwise break one unnoticed until the next
measurement. (bench-only tools such as micrograd, atheris and schemathesis are imported lazily
or run as programs, so the app's test environment suffices.)"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

SCRIPTS = sorted(
    p.stem for p in (Path(__file__).parents[2] / "bench").glob("*.py") if p.stem != "__init__"
)


def test_there_are_scripts_to_check() -> None:
    assert {"engine_cost", "throughput", "tensor_cost", "fuzz"} <= set(SCRIPTS)


@pytest.mark.parametrize("name", SCRIPTS)
def test_the_script_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench/{name}.py says what it measures"


def test_the_floors_answer_the_apps_bytes() -> None:
    """The floor returns what the app returns for the lecture, headers included, through a
    FastAPI route or before FastAPI's routing, as the app's shortcut does; the bare floor of
    earlier rounds, the body with only its length and type."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from bench import floor_app

    body = {"expression": "(x+y)*max(y,z)", "values": {"x": 1, "y": 2, "z": 0}}
    expected = TestClient(create_app()).post("/api/v1/graph", json=body)
    assert len(expected.headers) == 7  # length, type, vary, and four security headers
    for app in (floor_app.app, floor_app.shortcut_app, floor_app.bare_app):
        answer = TestClient(app).post("/api/v1/graph", json=body)
        assert answer.status_code == 200
        assert answer.content == expected.content
        headers = expected.headers.multi_items()
        if app is floor_app.bare_app:
            headers = headers[:2]
        assert answer.headers.multi_items() == headers  # in order
