"""Per-request cost of the engine, end to end and by stage, on the README's workloads.

    .venv/bin/python -m bench.engine_cost            # prints a table
    .venv/bin/python -m bench.engine_cost --json     # the same figures as JSON

Each figure is the median of several runs in one process. "parse" is an uncached parse; the
API caches parses by text, so "total (cached parse)" is what a repeated expression costs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

from app.config import Settings
from app.engine import backward, forward, input_values
from app.engine import evaluate as run_engine
from app.parser import parse
from app.serialize import to_json

SETTINGS = Settings()


def sum_of_products(n: int) -> tuple[str, dict[str, float]]:
    text = " + ".join(f"x{i}*y{i}" for i in range(n))
    values = {f"x{i}": 0.5 + i % 3 for i in range(n)} | {f"y{i}": 1.5 - i % 5 for i in range(n)}
    return text, values


def tanh_chain(depth: int) -> tuple[str, dict[str, float]]:
    return "tanh(" * depth + "x" + ")" * depth, {"x": 0.3}


def scalar_mlp(inputs: int = 4, hidden: int = 8) -> tuple[str, dict[str, float]]:
    units = []
    values: dict[str, float] = {f"x{i}": 0.1 * (i + 1) for i in range(inputs)}
    for j in range(hidden):
        terms = " + ".join(f"w{j}_{i}*x{i}" for i in range(inputs))
        units.append(f"v{j}*tanh({terms} + b{j})")
        values |= {f"w{j}_{i}": 0.05 * (i - j) for i in range(inputs)}
        values |= {f"b{j}": 0.01 * j, f"v{j}": 0.2 - 0.03 * j}
    return " + ".join(units), values


WORKLOADS: dict[str, tuple[str, dict[str, float]]] = {
    "lecture (x+y)*max(y,z)": ("(x+y)*max(y,z)", {"x": 1.0, "y": 2.0, "z": 0.0}),
    "sigmoid neuron": (
        "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
        {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
    ),
    "MLP 4-8-1 (tanh)": scalar_mlp(),
    "sum of 1k products": sum_of_products(1_000),
    "sum of 10k products": sum_of_products(10_000),
    "tanh chain, 500 deep": tanh_chain(500),
}


def median_seconds(fn: Callable[[], object], budget: float = 1.0) -> float:
    times: list[float] = []
    deadline = time.perf_counter() + budget
    while len(times) < 5 or (time.perf_counter() < deadline and len(times) < 2_000):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stages(text: str, values: dict[str, float]) -> dict[str, float]:
    graph = parse(text, SETTINGS)
    start = input_values(graph, values)
    forward(graph, start)
    result = run_engine(graph, values, SETTINGS)
    return {
        "parse": median_seconds(lambda: parse(text, SETTINGS)),
        "forward": median_seconds(lambda: forward(graph, list(start))),
        "backward": median_seconds(lambda: backward(graph, start)),
        "check": median_seconds(lambda: run_engine(graph, values, SETTINGS))
        - median_seconds(lambda: backward(graph, start))
        - median_seconds(lambda: forward(graph, list(start))),
        "serialise": median_seconds(lambda: to_json(result)),
        "total": median_seconds(
            lambda: to_json(run_engine(parse(text, SETTINGS), values, SETTINGS))
        ),
        "total (cached parse)": median_seconds(
            lambda: to_json(run_engine(graph, values, SETTINGS))
        ),
        "nodes": float(len(graph.nodes)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = {name: stages(*workload) for name, workload in WORKLOADS.items()}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    columns = [
        "parse",
        "forward",
        "backward",
        "check",
        "serialise",
        "total",
        "total (cached parse)",
    ]
    print(f"{'workload':<26}{'nodes':>7}" + "".join(f"{c:>22}" for c in columns))
    for name, row in figures.items():
        cells = "".join(f"{_ms(row[c]):>22}" for c in columns)
        print(f"{name:<26}{int(row['nodes']):>7}{cells}")
    print("(milliseconds, median; 'check' is the numeric gradient check, skipped above its budget)")


def _ms(seconds: float) -> str:
    return f"{max(seconds, 0.0) * 1e3:.3f}"


if __name__ == "__main__":
    main()
