"""Start an ASGI app under uvicorn (one worker) on a free loopback port, for the benchmarks."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    host: str
    port: int


@contextlib.contextmanager
def serve(
    app: str, env: dict[str, str] | None = None, cpu: int | None = None, probe: str = "/healthz"
) -> Iterator[Server]:
    """uvicorn as deployed (uvloop and httptools when installed), with access logs off.

    `cpu` pins the server to one core so that the load generator can have the other.
    """
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--log-level", "warning", "--no-access-log"]  # fmt: skip
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url + probe, process)
        yield Server(url, process.pid, "127.0.0.1", port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within 60 s")


def rss_bytes(pid: int) -> int:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def loop_and_http() -> str:
    """Which event loop and HTTP parser uvicorn picks in this environment ('auto')."""
    names = []
    for module, name in (("uvloop", "uvloop"), ("httptools", "httptools")):
        try:
            __import__(module)
            names.append(name)
        except ImportError:
            names.append({"uvloop": "asyncio", "httptools": "h11"}[module])
    return " + ".join(names)
