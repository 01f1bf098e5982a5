"""Start an ASGI app under uvicorn (one worker) on a free loopback port, for the benchmarks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.live import uvicorn_process


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    host: str
    port: int


@contextlib.contextmanager
def serve(app: str, env: dict[str, str] | None = None, cpu: int | None = None) -> Iterator[Server]:
    """uvicorn as deployed (uvloop and httptools when installed), with access logs off.

    `cpu` pins the server to one core so that the load generator can have the other.
    """
    prefix = ("taskset", "-c", str(cpu)) if cpu is not None else ()
    options = ("--workers", "1", "--no-access-log")
    with uvicorn_process(app, env, options, prefix) as (url, process):
        port = int(url.rsplit(":", 1)[1])
        yield Server(url, process.pid, "127.0.0.1", port)


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
