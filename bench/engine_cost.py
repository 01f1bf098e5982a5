"""Per-request cost of the engine, by stage; its scaling slope; and micrograd on the same
workloads, in one run.

    bench/.venv/bin/python -m bench.engine_cost            # about 2 minutes; prints tables
    bench/.venv/bin/python -m bench.engine_cost --json     # the same figures as JSON

Each figure is the median CPU time (time.process_time, so other processes on the machine count
less) of at least 5 runs in one process; runs shorter than 2 ms are timed in batches, so that
reading the clock is not counted as work. The micrograd comparison takes each side's fastest
batch instead, with the two sides taking turns ten times, so that a busy moment on a shared
machine does not decide it.

Everything runs with the cyclic GC paused, as the service runs it; micrograd's closures make
reference cycles, collected after each measurement, untimed, so that neither side's time
depends on what else is on the heap. The parser builds the graph as it reads, so "parse" is
the tokenizer and "build" the rest of `parse()`. "total" is `service.explain_json`, what the
API runs: with a parse ("uncached") and with the parse cache hit ("cached"). micrograd runs
only where it is installed (bench/setup.sh); its "forward" builds the Values, its "backward"
is `backward()`.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import time
from collections.abc import Callable
from itertools import count
from typing import Any

from app import tensor_engine
from app.clock import Clock
from app.config import Settings
from app.engine import backward, evaluate, forward, input_values
from app.errors import ExpressionError
from app.graph import Graph
from app.parser import parse, tokenize
from app.serialize import to_json
from app.service import explain_json, no_cyclic_gc
from bench import micrograd_ref as mg
from bench.workloads import MATRIX_VECTOR, SLOPE_SIZES, WORKLOADS, matrix_vector, sum_of_products

SETTINGS = Settings()
TARGET_SLOPE = 1.1
TARGET_10K_SECONDS = 0.5
TARGET_MICROGRAD_RATIO = 0.5
_fresh = count(1)


def seconds_per_call(
    fn: Callable[[Any], object],
    budget: float = 1.0,
    prepare: Callable[[], Any] = lambda: None,
    pick: Callable[[list[float]], float] = statistics.median,
    timer: Callable[[], float] = time.process_time,
) -> float:
    """Median (or `pick`) seconds of fn(prepare()), timing fn only: CPU seconds by default,
    wall-clock with timer=time.perf_counter (for work in another process).

    Reading the process clock costs about a microsecond, as much as a small workload, so calls
    are timed in batches of at least _BATCH_SECONDS and divided by the batch size."""
    batch = _batch_size(fn, prepare, timer)
    times: list[float] = []
    deadline = timer() + budget
    while len(times) < 5 or (timer() < deadline and len(times) < 2_000):
        prepared = [prepare() for _ in range(batch)]
        start = timer()
        for item in prepared:
            fn(item)
        times.append((timer() - start) / batch)
    return pick(times)


_BATCH_SECONDS = 0.002


def _batch_size(
    fn: Callable[[Any], object], prepare: Callable[[], Any], timer: Callable[[], float]
) -> int:
    item = prepare()
    start = timer()
    fn(item)
    once = timer() - start
    return max(1, min(1_000, int(_BATCH_SECONDS / max(once, 1e-7))))


def uncached(text: str) -> str:
    """The same expression as a new text (trailing spaces), so the parse cache misses."""
    return text + " " * (next(_fresh) % 997 + 1)


def passes(graph: Graph, values: dict[str, Any]) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """The forward and the backward pass alone, with floats or, for arrays, with numpy."""
    if graph.tensor_ops or any(isinstance(v, list) for v in values.values()):
        arrays = tensor_engine.input_arrays(graph, values, SETTINGS)
        shapes = tensor_engine.infer_shapes(graph, arrays, SETTINGS)
        tensor_engine.forward(graph, arrays)
        return (
            lambda: tensor_engine.forward(
                graph, tensor_engine.input_arrays(graph, values, SETTINGS)
            ),
            lambda: tensor_engine.backward(graph, arrays, shapes, Clock(1e9)),
        )
    forwarded = input_values(graph, values)
    forward(graph, forwarded)
    return (
        lambda: forward(graph, input_values(graph, values)),
        lambda: backward(graph, forwarded),
    )


def stages(text: str, values: dict[str, Any]) -> dict[str, float]:
    graph = parse(text, SETTINGS)
    run_forward, run_backward = passes(graph, values)
    result = evaluate(graph, values, SETTINGS)
    to_json(result)
    with no_cyclic_gc():  # as the service runs every stage
        row = {
            "parse": seconds_per_call(lambda _: tokenize(text)),
            "build": seconds_per_call(lambda _: parse(text, SETTINGS)),
            "forward": seconds_per_call(lambda _: run_forward()),
            "backward": seconds_per_call(lambda _: run_backward()),
            "check": seconds_per_call(lambda _: evaluate(graph, values, SETTINGS)),
            "serialise": seconds_per_call(lambda _: to_json(result)),
            "total": seconds_per_call(lambda _: explain_json(uncached(text), values, SETTINGS)),
            "total (cached parse)": seconds_per_call(
                lambda _: explain_json(text, values, SETTINGS)
            ),
            "nodes": float(len(graph.nodes)),
        }
    row["build"] -= row["parse"]
    row["check"] -= row["forward"] + row["backward"]
    return row


def slope(rounds: int = 7) -> dict[str, Any]:
    """Least-squares slope of log(total time) against log(terms), sums of products.

    The sizes take turns, round by round, and each size's median is used: a slow spell of a
    shared machine then falls on every size alike instead of bending the line."""
    sizes = list(SLOPE_SIZES)
    workloads = {n: sum_of_products(n) for n in sizes}
    times: dict[int, list[float]] = {n: [] for n in sizes}
    for _ in range(rounds):
        for n, (text, values) in workloads.items():
            start = time.process_time()
            explain_json(uncached(text), values, SETTINGS)
            times[n].append(time.process_time() - start)
    totals = [statistics.median(times[n]) for n in sizes]
    xs = [math.log(n) for n in sizes]
    ys = [math.log(t) for t in totals]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    fit = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return {"sizes": sizes, "seconds": totals, "slope": fit}


def versus_micrograd(text: str, values: dict[str, Any]) -> dict[str, float]:
    graph = parse(text, SETTINGS)
    mg_forward = mg.compile_forward(graph)  # NotImplementedError for what micrograd lacks
    forwarded = input_values(graph, values)
    forward(graph, forwarded)

    def measure() -> dict[str, float]:
        runs: dict[str, tuple[Callable[[Any], object], Callable[[], Any]]] = {
            "ours forward": (lambda _: forward(graph, input_values(graph, values)), lambda: None),
            "ours backward": (lambda _: backward(graph, forwarded), lambda: None),
            "micrograd forward": (lambda _: mg_forward(mg.leaves(values)), lambda: None),
            # on a new graph each time, as in training
            "micrograd backward": (
                lambda out: out.backward(),
                lambda: mg_forward(mg.leaves(values)),
            ),
        }
        # The four take turns, a tenth of a second each, and each keeps its least disturbed
        # batch: a slow spell of a shared machine, which can last longer than a second,
        # then falls on both sides of the ratio rather than on whichever ran in it.
        row = dict.fromkeys(runs, math.inf)
        for _ in range(_TURNS):
            for name, (run, prepare) in runs.items():
                with no_cyclic_gc():
                    fastest = seconds_per_call(run, _TURN_SECONDS, prepare, pick=min)
                row[name] = min(row[name], fastest)
                gc.collect()  # micrograd's cycles, between measurements and untimed
        return row

    row: dict[str, float] = mg.deep(measure)
    ours = row["ours forward"] + row["ours backward"]
    row["ratio"] = ours / (row["micrograd forward"] + row["micrograd backward"])
    return row


_TURNS, _TURN_SECONDS = 10, 0.1


def matrix_vector_note() -> str | None:
    """None if W @ x computes; otherwise why it was skipped."""
    text, values = matrix_vector()
    try:
        explain_json(text, values, SETTINGS)
    except ExpressionError as error:
        return f"{MATRIX_VECTOR}: skipped, the engine answers {error.status_code}: {error.message}"
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    gc.freeze()  # as app.main.create_app does: sympy's start-up heap stays out of collections
    workloads = dict(WORKLOADS)
    note = matrix_vector_note()
    if note is None:
        workloads[MATRIX_VECTOR] = matrix_vector()
    figures: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "stages": {name: stages(*workload) for name, workload in workloads.items()},
        "slope": slope(),
        "micrograd": {},
        "notes": [note] if note else [],
    }
    if mg.available():
        for name, workload in workloads.items():
            try:
                figures["micrograd"][name] = versus_micrograd(*workload)
            except NotImplementedError as error:
                figures["notes"].append(f"micrograd, {name}: {error}")
    else:
        figures["notes"].append("micrograd is not installed here: bash bench/setup.sh")
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_tables(figures)


def print_tables(figures: dict[str, Any]) -> None:
    print(figures["date"], "(CPU milliseconds, median)")
    columns = ["parse", "build", "forward", "backward", "check", "serialise", "total",
               "total (cached parse)"]  # fmt: skip
    print(f"\n{'workload':<24}{'nodes':>7}" + "".join(f"{c:>11}" for c in columns[:-1])
          + f"{'cached':>11}")  # fmt: skip
    for name, row in figures["stages"].items():
        cells = "".join(f"{_ms(row[c]):>11}" for c in columns)
        print(f"{name:<24}{int(row['nodes']):>7}{cells}")
    print("(check: the numeric gradient check and the non-finite scan; skipped over its budget)")
    fit = figures["slope"]
    ten_k = fit["seconds"][fit["sizes"].index(10_000)]
    print("\nscaling, sum of n products, total (uncached parse; median of 7 interleaved rounds):")
    for n, seconds in zip(fit["sizes"], fit["seconds"], strict=True):
        print(f"  n = {n:>6,}: {_ms(seconds):>9} ms  ({seconds / n * 1e6:.1f} µs a term)")
    print(f"  log-log slope {fit['slope']:.3f} (target ≤ {TARGET_SLOPE}: "
          f"{_verdict(fit['slope'] <= TARGET_SLOPE)}); 10k terms {ten_k:.3f} s "
          f"(target < {TARGET_10K_SECONDS} s: {_verdict(ten_k < TARGET_10K_SECONDS)})")  # fmt: skip
    if figures["micrograd"]:
        print(f"\n{'forward + backward':<24}{'ours fwd':>10}{'ours bwd':>10}{'mg fwd':>10}"
              f"{'mg bwd':>10}{'ours/mg':>9}")  # fmt: skip
        for name, row in figures["micrograd"].items():
            print(f"{name:<24}{_ms(row['ours forward']):>10}{_ms(row['ours backward']):>10}"
                  f"{_ms(row['micrograd forward']):>10}{_ms(row['micrograd backward']):>10}"
                  f"{row['ratio']:>9.2f}")  # fmt: skip
        worst = max(row["ratio"] for row in figures["micrograd"].values())
        print(f"(target ours/micrograd ≤ {TARGET_MICROGRAD_RATIO} on every workload: "
              f"{_verdict(worst <= TARGET_MICROGRAD_RATIO)}, worst {worst:.2f})")  # fmt: skip
    for note in figures["notes"]:
        print("note:", note)


def _ms(seconds: float) -> str:
    return f"{max(seconds, 0.0) * 1e3:.3f}"


def _verdict(met: bool) -> str:
    return "met" if met else "missed"


if __name__ == "__main__":
    main()
