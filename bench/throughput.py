"""HTTP figures: per-request cost of the README's workloads through a real uvicorn, and the
lecture POST's throughput against the floor app (same stack, same bytes, no computation).

    bench/.venv/bin/python -m bench.throughput                 # about 2 minutes
    bench/.venv/bin/python -m bench.throughput --seconds 5 --rounds 1

Both servers run under uvicorn with one worker, pinned to core 1; wrk (one thread, pinned to
core 0) posts the lecture example with a new x on every request (bench/lecture.lua), so the
engine runs every time. Rounds alternate floor, app, floor, app, …; the medians and the best
rounds are shown (on a machine shared with other work, the best round is the least disturbed);
the target's verdict is the medians'.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import httpx

from bench.server import loop_and_http, serve
from bench.workloads import LECTURE, SIGMOID_NEURON, Workload, sum_of_products
from bench.wrk import Load, wrk

TARGET_RATIO = 0.8
HTTP_WORKLOADS: dict[str, Workload] = {
    "lecture (x+y)*max(y,z)": LECTURE,
    "sigmoid neuron": SIGMOID_NEURON,
    "sum of 1k products": sum_of_products(1_000),
    "sum of 10k products": sum_of_products(10_000),
}


def request_cost(url: str, text: str, values: dict[str, Any], cached: bool) -> float:
    """Median seconds of one POST, sequentially on a kept-alive connection. Uncached: the text
    gets a different run of trailing spaces each time, the same graph but a new parse."""
    times = []
    with httpx.Client(timeout=30) as client:
        client.post(f"{url}/api/v1/graph", json={"expression": text, "values": values})
        runs = 0
        deadline = time.perf_counter() + 3
        while runs < 5 or (runs < 200 and time.perf_counter() < deadline):
            runs += 1
            body = {"expression": text if cached else text + " " * runs, "values": values}
            start = time.perf_counter()
            response = client.post(f"{url}/api/v1/graph", json=body)
            times.append(time.perf_counter() - start)
            response.raise_for_status()
    return statistics.median(times)


def per_request_table(url: str) -> None:
    print(f"{'workload':<26}{'uncached parse (ms)':>22}{'cached parse (ms)':>20}")
    for name, (text, values) in HTTP_WORKLOADS.items():
        cold = request_cost(url, text, values, cached=False)
        warm = request_cost(url, text, values, cached=True)
        print(f"{name:<26}{cold * 1e3:>22.2f}{warm * 1e3:>20.2f}")
    print("(one POST at a time over keep-alive, median; httpx client in this process)")


def throughput(app_url: str, floor_url: str, args: argparse.Namespace) -> None:
    load_before = os.getloadavg()[0]
    for url in (floor_url, app_url):  # warm both: imports, caches, the CPU's clocks
        wrk(url, "lecture.lua", 2, args.connections, cpu=0)
    results: dict[str, list[Load]] = {"floor": [], "app": []}
    for _ in range(args.rounds):
        for name, url in (("floor", floor_url), ("app", app_url)):
            results[name].append(wrk(url, "lecture.lua", args.seconds, args.connections, cpu=0))
    print(f"\n{'server':<8}{'req/s':>10}{'best':>8}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}"
          f"{'errors':>8}   rounds (req/s)")  # fmt: skip
    medians, best = {}, {}
    for name, loads in results.items():
        medians[name] = statistics.median(load.rate for load in loads)
        best[name] = max(load.rate for load in loads)
        p50 = statistics.median(load.p50_ms for load in loads)
        p90 = statistics.median(load.p90_ms for load in loads)
        p99 = statistics.median(load.p99_ms for load in loads)
        errors = sum(load.errors for load in loads)
        rounds = ", ".join(f"{load.rate:.0f}" for load in loads)
        print(f"{name:<8}{medians[name]:>10.0f}{best[name]:>8.0f}{p50:>9.2f}{p90:>9.2f}"
              f"{p99:>9.2f}{errors:>8}   {rounds}")  # fmt: skip
    ratio = medians["app"] / medians["floor"]
    best_ratio = best["app"] / best["floor"]
    verdict = "met" if ratio >= TARGET_RATIO else "missed"  # the medians decide, not one round
    print(f"\nlecture POST / floor = {ratio:.2f} (medians), {best_ratio:.2f} (best rounds, the "
          f"least disturbed); target ≥ {TARGET_RATIO} on the medians: {verdict}")  # fmt: skip
    print(
        f"wrk: 1 thread on core 0, {args.connections} connections, {args.rounds} × "
        f"{args.seconds:g} s per server; servers on core 1 ({loop_and_http()}); "
        f"load average before: {load_before:.2f}, after: {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5, help="one wrk round (default 5)")
    parser.add_argument("--rounds", type=int, default=6, help="rounds per server (default 6)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--app", default="app.main:app", help="the ASGI app to measure")
    parser.add_argument(
        "--floor",
        default="bench.floor_app:app",
        help="the floor: bench.floor_app:app (a FastAPI route, as issue #6 defines it), "
        "bench.floor_app:shortcut_app (answered before FastAPI's routing, as the app is) or "
        "bench.floor_app:bare_app (the route, with only two of the app's seven headers)",
    )
    parser.add_argument("--skip-cost", action="store_true", help="only the throughput")
    args = parser.parse_args()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"{os.cpu_count()} cores")
    print(f"app {args.app}, floor {args.floor}")
    with serve(args.app, cpu=1) as app, serve(args.floor, cpu=1) as floor:
        if not args.skip_cost:
            per_request_table(app.url)
        throughput(app.url, floor.url, args)


if __name__ == "__main__":
    main()
