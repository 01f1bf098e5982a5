"""The parse cache is bounded by entries and by nodes in total, so that large expressions
cannot fill the memory."""

from __future__ import annotations

from app.config import Settings
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
