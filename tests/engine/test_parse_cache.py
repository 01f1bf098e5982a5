"""The parse cache is bounded by entries and by nodes in total, so that large expressions
cannot fill the memory, and what it lets go is freed at once."""

from __future__ import annotations

import gc

import pytest

from app.config import Settings
from app.engine import evaluate
from app.graph import Graph
from app.serialize import to_json
from app.service import ParseCache

SETTINGS = Settings()


def sum_of(n: int) -> str:
    return "+".join(f"x{i}" for i in range(n))  # 2n - 1 nodes


def test_the_same_text_is_parsed_once() -> None:
    cache = ParseCache(size=4, max_nodes=1_000)
    assert cache.get("x*y", SETTINGS) is cache.get("x*y", SETTINGS)


def test_oldest_entries_go_when_the_nodes_run_out() -> None:
    cache = ParseCache(size=100, max_nodes=100)
    first = cache.get(sum_of(20), SETTINGS)  # 39 nodes
    cache.get(sum_of(21), SETTINGS)  # 41
    assert cache.nodes == 80
    cache.get(sum_of(15), SETTINGS)  # 29: over 100, so the oldest goes
    assert cache.nodes == 70
    assert cache.get(sum_of(20), SETTINGS) is not first


def test_a_graph_larger_than_the_whole_budget_is_not_kept() -> None:
    cache = ParseCache(size=100, max_nodes=100)
    cache.get("x*y", SETTINGS)
    big = cache.get(sum_of(60), SETTINGS)
    assert cache.nodes == 3
    assert cache.get(sum_of(60), SETTINGS) is not big


def test_the_entry_count_still_bounds_it() -> None:
    cache = ParseCache(size=2, max_nodes=10_000)
    for text in ("x", "x+y", "x*y"):
        cache.get(text, SETTINGS)
    assert cache.nodes == 6  # "x+y" and "x*y", 3 nodes each


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("(x+y)*max(y,z)", {"x": 1.0, "y": 2.0, "z": 0.0}),  # scalar engine, check, kinks
        ("log(x) * 1/y", {"x": 0.0, "y": 0.0}),  # non-finite: the IEEE plans and the dict path
        ("sum(W @ v)", {"W": [[1.0, 2.0], [3.0, 4.0]], "v": [1.0, -1.0]}),  # numpy engine
    ],
)
def test_an_evicted_graph_is_freed_without_the_cyclic_collector(
    text: str, values: dict[str, object]
) -> None:
    """Requests run with the collector paused (service.no_cyclic_gc), so a cycle through a
    served graph would keep every evicted graph until a full collection, which then takes
    long: the heap grows and requests stall."""
    cache = ParseCache(size=1, max_nodes=1_000)
    gc.collect()
    gc.disable()
    try:
        to_json(evaluate(cache.get(text, SETTINGS), values, SETTINGS))
        cache.get("x", SETTINGS)  # evicts it
        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept in gc.garbage
        gc.collect()
        left_to_the_collector = [type(o).__name__ for o in gc.garbage if isinstance(o, Graph)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left_to_the_collector == []
