"""Run wrk (Debian's) against a loopback server with one of bench/'s Lua scripts, bounded in
time, and read back the JSON line the script's done() prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    errors: int  # connect, read, write, timeout, and non-2xx/3xx statuses
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def wrk(
    url: str,
    script: str,
    seconds: float,
    connections: int = 16,
    threads: int = 1,
    cpu: int | None = None,
) -> Load:
    """`seconds` bounds the run; wrk's own timeout bounds each request at 5 s."""
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError("the benchmarks only load loopback servers")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (or bash bench/setup.sh)")
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "5s",
               "-s", str(HERE / script), url]  # fmt: skip
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    line = next(line for line in out.stdout.splitlines() if line.startswith('{"requests"'))
    raw = json.loads(line)
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Load(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        errors=errors,
        p50_ms=raw["p50_us"] / 1e3,
        p90_ms=raw["p90_us"] / 1e3,
        p99_ms=raw["p99_us"] / 1e3,
        max_ms=raw["max_us"] / 1e3,
    )
