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
