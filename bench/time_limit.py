"""Does max_seconds bound every stage of a request? Sends the largest inputs the other limits
allow through the ASGI app with a small max_seconds and prints how long each held the worker
(wall-clock and CPU), and the CPU time of each stage on its own.

    bench/.venv/bin/python -m bench.time_limit                 # max_seconds = 0.05
    bench/.venv/bin/python -m bench.time_limit --limit 0.2
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import orjson

from app.config import Settings
from app.engine import evaluate
from app.errors import ExpressionError
from app.main import create_app
from app.parser import parse
from app.serialize import to_json
from app.service import no_cyclic_gc
from bench.asgi import Client
from bench.workloads import sum_of_products

LIMITS = Settings()


def inputs() -> dict[str, tuple[str, dict[str, Any]]]:
    """Each the largest of its kind under max_chars (200k) and max_nodes (60k)."""
    return {
        "sum of 10k products (140k chars)": sum_of_products(10_000),
        "a*b+… 29,999 terms (60k nodes)": ("a*b+" * 29_998 + "a*b", {"a": 0.5, "b": 2.0}),
        "tanh(x)+… 25k terms (200k chars)": ("tanh(x)+" * 24_999 + "x", {"x": 0.3}),
        "x+… over max_nodes (parse, then 413)": ("x+" * 99_999 + "x", {"x": 1.0}),
        "500-deep tanh chain": ("tanh(" * 500 + "x" + ")" * 500, {"x": 0.3}),
        "max of 32 inputs (max_args)": _extreme("max", 32),
        "min of 32 inputs (max_args)": _extreme("min", 32),
    }


def _extreme(op: str, inputs: int) -> tuple[str, dict[str, Any]]:
    names = [f"a{i}" for i in range(inputs)]
    return f"{op}({', '.join(names)})", {name: float(i % 7) for i, name in enumerate(names)}


def stage_seconds(text: str, values: dict[str, Any], settings: Settings) -> dict[str, float]:
    """Each stage alone, without the clock, to see what it costs when nothing stops it."""
    with no_cyclic_gc():  # as the service runs them
        return _stage_seconds(text, values, settings)


def _stage_seconds(text: str, values: dict[str, Any], settings: Settings) -> dict[str, float]:
    out: dict[str, float] = {}
    start = time.process_time()
    try:
        graph = parse(text, settings)
    except ExpressionError:
        return {"parse": time.process_time() - start}
    out["parse"] = time.process_time() - start
    start = time.process_time()
    result = evaluate(graph, values, LIMITS)
    out["compute"] = time.process_time() - start
    start = time.process_time()
    to_json(result)
    out["serialise"] = time.process_time() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=float, default=0.05, help="max_seconds (default 0.05)")
    args = parser.parse_args()
    settings = Settings(max_seconds=args.limit)
    client = Client(create_app(settings))
    print(f"max_seconds = {args.limit:g} s; every other limit at its default; "
          f"load average {os.getloadavg()[0]:.2f}\n")  # fmt: skip
    print(f"{'input':<38}{'status':>7}{'held (s)':>10}{'CPU (s)':>9}{'over':>7}   "
          "stages alone, CPU (s)")  # fmt: skip
    worst = 0.0
    for name, (text, values) in inputs().items():
        body = orjson.dumps({"expression": text, "values": values})
        start, cpu = time.perf_counter(), time.process_time()
        answer = client.post("/api/v1/graph", body)
        held, cpu = time.perf_counter() - start, time.process_time() - cpu
        worst = max(worst, cpu)
        alone = stage_seconds(text, values, settings)
        stages = ", ".join(f"{k} {v:.3f}" for k, v in alone.items())
        print(f"{name:<38}{answer.status:>7}{held:>10.3f}{cpu:>9.3f}{cpu / args.limit:>6.1f}×   "
              f"{stages}")  # fmt: skip
    verdict = "within 2× the limit" if worst <= 2 * args.limit else "NOT bounded by max_seconds"
    print(f"\nmost CPU held {worst:.3f} s against a limit of {args.limit:g} s ({verdict}); "
          "'held' is wall-clock, which other processes stretch")  # fmt: skip
    client.close()


if __name__ == "__main__":
    main()
