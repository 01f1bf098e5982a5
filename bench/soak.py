"""Soak: 60 s of 8 concurrent clients against one uvicorn worker, then the error count and the
server's memory (RSS) at the start, every 10 s and at the end.

    bench/.venv/bin/python -m bench.soak                 # 60 s, 8 connections
    bench/.venv/bin/python -m bench.soak --seconds 20

The mix (bench/mix.lua): the lecture with a new x, the sigmoid neuron with a new w0, a 4-8-1
tanh MLP, and a new expression text on every fourth request, so the parse cache fills and
evicts all along. The RSS "start" is taken after a 5 s warm-up with the same mix.
"""

from __future__ import annotations

import argparse
import os
import threading
import time

from bench.server import rss_bytes, serve
from bench.wrk import wrk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    print(time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), f"{os.cpu_count()} cores, "
          f"load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    with serve("app.main:app", cpu=1) as app:
        cold = rss_bytes(app.pid)
        wrk(app.url, "mix.lua", 5, args.connections, cpu=0)
        samples: list[tuple[float, int]] = [(0.0, rss_bytes(app.pid))]
        stop = threading.Event()

        def sample() -> None:
            started = time.monotonic()
            while not stop.wait(10):
                samples.append((time.monotonic() - started, rss_bytes(app.pid)))

        sampler = threading.Thread(target=sample)
        sampler.start()
        load = wrk(app.url, "mix.lua", args.seconds, args.connections, cpu=0)
        stop.set()
        sampler.join()
        samples.append((load.seconds, rss_bytes(app.pid)))
    print(f"{args.connections} connections for {load.seconds:.0f} s: {load.requests:,} requests, "
          f"{load.rate:.0f} req/s, p50 {load.p50_ms:.2f} ms, p99 {load.p99_ms:.2f} ms, "
          f"max {load.max_ms:.0f} ms; errors (socket or non-2xx): {load.errors}")  # fmt: skip
    print(f"RSS before any request {cold / 2**20:.1f} MiB")
    for at, rss in samples:
        print(f"  RSS at {at:5.0f} s: {rss / 2**20:7.1f} MiB")
    start, end = samples[0][1], samples[-1][1]
    print(f"RSS start {start / 2**20:.1f} MiB, end {end / 2**20:.1f} MiB "
          f"({(end - start) / 2**20:+.1f} MiB, {100 * (end - start) / start:+.1f} %)")  # fmt: skip


if __name__ == "__main__":
    main()
