"""What re-enabling the cyclic GC at the end of each request costs: `explain_json` on a 10k-term
sum (new text each time, as a first request) as served, where `service.no_cyclic_gc` pauses
the collector and turns it back on before returning, against the collector off throughout.

    bench/.venv/bin/python -m bench.gc_toggle
"""

from __future__ import annotations

import gc
import statistics
import time

from app.config import Settings
from app.service import explain_json
from bench.workloads import sum_of_products

SETTINGS = Settings()


def median_cpu(runs: int = 9) -> float:
    text, values = sum_of_products(10_000)
    times = []
    for k in range(runs):
        start = time.process_time()
        explain_json(text + " " * (k + 1), values, SETTINGS)
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    explain_json(*sum_of_products(10), SETTINGS)
    gc.freeze()  # as app.main.create_app does: sympy's start-up heap stays out of collections
    rounds: dict[str, list[float]] = {"as served": [], "GC off throughout": []}
    for _ in range(3):
        rounds["as served"].append(median_cpu())
        gc.disable()
        rounds["GC off throughout"].append(median_cpu())
        gc.enable()
    for name, seconds in rounds.items():
        cells = ", ".join(f"{s:.3f}" for s in seconds)
        print(f"{name:<20} median {statistics.median(seconds):.3f} s CPU  (rounds: {cells})")


if __name__ == "__main__":
    main()
