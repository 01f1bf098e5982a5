"""What one parsed expression holds in the parse cache: the RSS growth per cached 10k-term sum
(the graph, and the JSON parts the serialiser keeps on it), and what the cache holds with its
node bound after the same requests.

    bench/.venv/bin/python -m bench.cache_memory
"""

from __future__ import annotations

import gc
import os

from app.config import Settings
from app.service import _cache, explain_json
from bench.server import rss_bytes
from bench.workloads import sum_of_products

ENTRIES = 6


def growth(settings: Settings) -> tuple[float, int, int]:
    """MiB of RSS per request with a new 10k-term text, entries kept, nodes kept."""
    text, values = sum_of_products(10_000)
    explain_json(text, values, settings)
    gc.collect()
    before = rss_bytes(os.getpid())
    for k in range(1, ENTRIES + 1):
        explain_json(text + " " * k, values, settings)
    gc.collect()
    cache = _cache(settings)
    per_entry = (rss_bytes(os.getpid()) - before) / ENTRIES / 2**20
    return per_entry, len(cache._graphs), cache.nodes


def main() -> None:
    unbounded = Settings(parse_cache_nodes=10**9)
    per, entries, nodes = growth(unbounded)
    print(f"nodes bound off: {per:.1f} MiB more RSS per new 10k-term text; "
          f"{entries} entries, {nodes:,} nodes kept")  # fmt: skip
    print(f"  so parse_cache_size = 256 such texts would hold about {256 * per / 1024:.1f} GiB")
    per, entries, nodes = growth(Settings())
    print(f"default (parse_cache_nodes = {Settings().parse_cache_nodes:,}): {per:.1f} MiB per "
          f"new text; {entries} entries, {nodes:,} nodes kept")  # fmt: skip


if __name__ == "__main__":
    main()
