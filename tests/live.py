"""Start the app under uvicorn in a subprocess on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_server(env: dict[str, str] | None = None, app: str = "app.main:app") -> Iterator[str]:
    with uvicorn_process(app, env) as (url, _):
        yield url


@contextlib.contextmanager
def uvicorn_process(
    app: str = "app.main:app",
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
    prefix: tuple[str, ...] = (),
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """uvicorn with `options`, started through `prefix` (e.g. taskset), and its process."""
    port = free_port()
    command = [*prefix, sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1",
               "--port", str(port), "--log-level", "warning", *options]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("uvicorn did not start within 30 s")
