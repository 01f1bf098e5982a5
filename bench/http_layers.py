"""What each layer of the HTTP path costs, in this process (no network): the lecture POST with a
new x each time through the floor app (through its FastAPI route; the same with only two of
the app's seven headers; and answered before FastAPI's routing, as the app's shortcut
answers), the app, the app without its shortcut (the declared FastAPI route answers), the app
without its other middleware, the app with FastAPI's telemetry on, the same route written the
generic FastAPI way (a `GraphRequest` body parameter and a sync `Depends(get_settings)`), and
`explain_json` alone.

    bench/.venv/bin/python -m bench.http_layers

Each figure is the lowest of 25 batches of 200 requests, in CPU µs a request: the lowest is
the least disturbed by other work on the machine.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any

from fastapi import Depends, FastAPI
from fastapi.responses import Response
from starlette.types import ASGIApp

import bench.floor_app
from app.config import Settings, get_settings
from app.engine import Options
from app.main import create_app
from app.middleware import (
    ApiOnlyCors,
    BodySizeLimit,
    CorsPolicy,
    SecurityHeaders,
    SecurityPolicy,
)
from app.schemas import GraphRequest
from app.service import explain_json
from app.shortcut import GraphShortcut
from bench.asgi import request

SETTINGS = Settings()


def body(i: int) -> bytes:
    return b'{"expression":"(x+y)*max(y,z)","values":{"x":%.9f,"y":2,"z":0}}' % (1 + i * 1e-7)


def generic_app() -> FastAPI:
    """The route as FastAPI's tutorial writes it, with the same middleware."""
    app = FastAPI(telemetry={"tracing": False, "metrics": False, "logs": False})
    app.dependency_overrides[get_settings] = lambda: SETTINGS

    @app.post("/api/v1/graph")
    async def graph(
        request: GraphRequest, settings: Annotated[Settings, Depends(get_settings)]
    ) -> Response:
        o = request.options
        options = Options(h=o.h, gradient_check=o.gradient_check, rtol=o.rtol, atol=o.atol)
        text = explain_json(request.expression, request.values, settings, options)
        return Response(text, media_type="application/json")

    app.add_middleware(BodySizeLimit, max_bytes=SETTINGS.max_body_bytes)
    app.add_middleware(ApiOnlyCors, policy=CorsPolicy(SETTINGS.cors_origins))
    app.add_middleware(SecurityHeaders, policy=SecurityPolicy("*"))
    return app


def without_middleware() -> FastAPI:
    """The shortcut alone, without the middleware behind it. The shortcut answers before
    them and adds their headers itself, so they are not on the lecture's path; this app, with
    no size limit left, is for this measurement only."""
    app = create_app(SETTINGS)
    app.user_middleware = [m for m in app.user_middleware if m.cls is GraphShortcut]
    return app


def without_shortcut() -> FastAPI:
    app = create_app(SETTINGS)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not GraphShortcut]
    return app


async def per_request(app: ASGIApp, n: int = 200) -> float:
    start = time.process_time()
    for i in range(n):
        answer = await request(app, "POST", "/api/v1/graph", body(i))
        assert answer.status == 200, answer.body
    return (time.process_time() - start) / n


def engine_alone(n: int = 200) -> float:
    start = time.process_time()
    for i in range(n):
        explain_json("(x+y)*max(y,z)", {"x": 1 + i * 1e-7, "y": 2.0, "z": 0.0}, SETTINGS)
    return (time.process_time() - start) / n


async def main() -> None:
    apps: dict[str, Any] = {
        "floor app (parse JSON, fixed bytes)": bench.floor_app.app,
        "floor app, only length and type headers": bench.floor_app.bare_app,
        "floor app, before FastAPI's routing": bench.floor_app.shortcut_app,
        "the app": create_app(SETTINGS),
        "the app without its shortcut (FastAPI route)": without_shortcut(),
        "the app, no middleware but the shortcut": without_middleware(),
        "the app, FastAPI telemetry on (no shortcut)": create_app(Settings(telemetry=True)),
        "generic route (body param, sync Depends)": generic_app(),
    }
    best: dict[str, float] = {name: float("inf") for name in [*apps, "explain_json alone"]}
    for _ in range(25):
        for name, app in apps.items():
            best[name] = min(best[name], await per_request(app))
        best["explain_json alone"] = min(best["explain_json alone"], engine_alone())
    print(f"{'lecture POST, in process':<48}{'CPU µs':>8}")
    for name, seconds in best.items():
        print(f"{name:<48}{seconds * 1e6:>8.1f}")


if __name__ == "__main__":
    asyncio.run(main())
