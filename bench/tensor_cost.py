"""Cost of vector and matrix requests: end to end, and by stage.

    .venv/bin/python -m bench.tensor_cost                                # the app in process
    .venv/bin/python -m bench.tensor_cost --url http://127.0.0.1:8000    # a running server
    .venv/bin/python -m bench.tensor_cost --json

The headline is a 256×256 `W @ x` graph, `sum(W @ x)`, with W and x sent as JSON numbers of four
decimals: "end to end" is request bytes in, response bytes out, through the whole ASGI app
(body limit, routing, validation, engine, JSON), in process or, with --url, over HTTP. Stages
are timed alone. Each figure is the median of repeated runs in one process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import numpy as np
import orjson

from app.clock import Clock
from app.config import Settings
from app.engine import Options
from app.engine import evaluate as run_engine
from app.parser import parse
from app.schemas import GraphRequest
from app.serialize import to_json
from app.tensor_engine import backward, forward, infer_shapes, input_arrays
from bench.engine_cost import seconds_per_call

SETTINGS = Settings()


def median_seconds(fn: Callable[[], object], budget: float = 1.0) -> float:
    """Median wall-clock seconds of fn() (wall-clock, since with --url the work is in another
    process)."""
    return seconds_per_call(lambda _: fn(), budget, timer=time.perf_counter)


RNG = np.random.default_rng(4)


def _matrix(*shape: int) -> Any:
    return RNG.normal(size=shape).round(4).tolist()


def _window() -> tuple[str, dict[str, Any]]:
    words = ["museums", "in", "Paris", "are", "amazing"]
    text = f"u.T @ tanh(W @ concat({', '.join(f'x_{w}' for w in words)}) + b)"
    values = {f"x_{w}": _matrix(4) for w in words}
    return text, values | {"W": _matrix(3, 20), "b": _matrix(3), "u": _matrix(3)}


WORKLOADS: dict[str, tuple[str, dict[str, Any]]] = {
    "sum(W @ x), W 256×256": ("sum(W @ x)", {"W": _matrix(256, 256), "x": _matrix(256)}),
    "uᵀσ(W x + b), W 256×256": (
        "u.T @ sigmoid(W @ x + b)",
        {"W": _matrix(256, 256), "x": _matrix(256), "b": _matrix(256), "u": _matrix(256)},
    ),
    "uᵀσ(W x + b), W 2×3": (
        "u.T @ sigmoid(W @ x + b)",
        {"W": _matrix(2, 3), "x": _matrix(3), "b": _matrix(2), "u": _matrix(2)},
    ),
    "window model, 5 words of 4": _window(),
    "cross-entropy + L2, W 3×4": (
        "-log(softmax(W @ x + b)[1]) + 0.01*sum(W*W)",
        {"W": _matrix(3, 4), "x": _matrix(4), "b": _matrix(3)},
    ),
}
COLUMNS = ["decode", "validate", "values", "shapes", "forward", "backward", "check",
           "serialise", "end to end"]  # fmt: skip


def stages(text: str, values: dict[str, Any], post: Any) -> dict[str, float]:
    body = orjson.dumps({"expression": text, "values": values})
    graph = parse(text, SETTINGS)
    start = input_arrays(graph, values, SETTINGS)
    shapes = infer_shapes(graph, start, SETTINGS)
    forward(graph, start)
    result = run_engine(graph, values, SETTINGS)
    unchecked = median_seconds(
        lambda: run_engine(graph, values, SETTINGS, Options(gradient_check=False))
    )
    return {
        "decode": median_seconds(lambda: orjson.loads(body)),
        "validate": median_seconds(lambda: GraphRequest.model_validate(orjson.loads(body))),
        "values": median_seconds(lambda: input_arrays(graph, values, SETTINGS)),
        "shapes": median_seconds(lambda: infer_shapes(graph, start, SETTINGS)),
        "forward": median_seconds(lambda: forward(graph, list(start))),
        "backward": median_seconds(
            lambda: backward(graph, list(start), shapes, Clock(SETTINGS.max_seconds))
        ),
        "check": median_seconds(lambda: run_engine(graph, values, SETTINGS)) - unchecked,
        "serialise": median_seconds(lambda: to_json(result)),
        "end to end": median_seconds(lambda: post(body), budget=2.0),
        "request KB": len(body) / 1e3,
        "response KB": len(post(body)) / 1e3,
    }


def poster(url: str | None) -> Any:
    """A function that POSTs a body to /api/v1/graph and returns the response's bytes."""
    if url is not None:
        client = httpx.Client(base_url=url, timeout=30)
        headers = {"content-type": "application/json"}
        return lambda body: client.post("/api/v1/graph", content=body, headers=headers).content
    from app.main import create_app

    app, loop = create_app(SETTINGS), asyncio.new_event_loop()
    return lambda body: loop.run_until_complete(_asgi_post(app, body))


async def _asgi_post(app: Any, body: bytes) -> bytes:
    """One request straight through the ASGI app, as uvicorn would hand it over."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/v1/graph", "raw_path": b"/api/v1/graph",
        "query_string": b"", "root_path": "", "headers": headers,
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    chunks: list[bytes] = []
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    if status != 200:
        raise RuntimeError(f"status {status}: {b''.join(chunks)[:200]!r}")
    return b"".join(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a running server; otherwise the app runs in process")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    post = poster(args.url)
    figures = {name: stages(*workload, post) for name, workload in WORKLOADS.items()}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    where = f"over HTTP to {args.url}" if args.url else "in process (ASGI, no network)"
    print(f"{'workload':<28}{'req KB':>8}{'resp KB':>9}" + "".join(f"{c:>11}" for c in COLUMNS))
    for name, row in figures.items():
        cells = "".join(f"{max(row[c], 0.0) * 1e3:>11.2f}" for c in COLUMNS)
        print(f"{name:<28}{row['request KB']:>8.0f}{row['response KB']:>9.0f}{cells}")
    print(
        f"(milliseconds, median; end to end {where}; 'check' is the numeric gradient check, "
        "skipped above its budget, as for the 256×256 graphs)"
    )


if __name__ == "__main__":
    main()
