"""The floor: the same stack (FastAPI, uvicorn, one worker) that reads and parses the same
request JSON and returns the same response bytes, computing nothing.

    uvicorn bench.floor_app:app            # through a FastAPI route, as issue #6 defines it
    uvicorn bench.floor_app:shortcut_app   # answered before FastAPI's routing, as the app is
    uvicorn bench.floor_app:bare_app       # the route, sending only length and type

The bytes are the real app's answer to the lecture example, made once at start-up, headers
included: the app's answer carries, after its length and type, the CORS and security headers
its middleware adds, and `app` and `shortcut_app` send the same, so that the floor's answer is
the app's byte for byte (tested in tests/bench/test_scripts_import.py). Every header costs
the server a little (uvicorn checks each with two regular expressions); `bare_app`, the floor
of the rounds before 2026-11-27 06:00 UTC, sends only the two headers a FastAPI Response has,
so it leaves that cost to the app alone.

The app answers its POST in `app.shortcut`, before FastAPI's routing; `shortcut_app` gives the
floor the same kind of shortcut, so that the two ratios separate what the shortcut saved from
what the computation costs.
"""

from __future__ import annotations

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.middleware import CorsPolicy, SecurityPolicy
from app.service import explain_json
from bench.workloads import LECTURE

SETTINGS = Settings()
RESPONSE = explain_json(*LECTURE, SETTINGS)
PATH = "/api/v1/graph"
EXTRA = CorsPolicy(SETTINGS.cors_origins).simple_headers(None)
EXTRA += SecurityPolicy(SETTINGS.embed_frame_ancestors).headers(PATH)
HEADERS = [
    (b"content-length", b"%d" % len(RESPONSE)),
    (b"content-type", b"application/json"),
    *EXTRA,
]
ROUTE_HEADERS = {name.decode(): value.decode() for name, value in HEADERS}


def _fastapi() -> FastAPI:
    # Telemetry off, as in the real app (app.config.Settings.telemetry).
    return FastAPI(
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )


app = _fastapi()


@app.post(PATH)
async def graph(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(RESPONSE, headers=ROUTE_HEADERS)


@app.get("/healthz")
async def healthz() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


bare_app = _fastapi()
bare_app.get("/healthz")(healthz)


@bare_app.post(PATH)
async def bare_graph(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(RESPONSE, media_type="application/json")


class _Shortcut:
    """What `app.shortcut.GraphShortcut` does, with nothing computed: read the whole body,
    parse it, send the bytes."""

    def __init__(self, inner: ASGIApp) -> None:
        self.inner = inner

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != PATH:
            await self.inner(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        orjson.loads(b"".join(chunks))
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await send({"type": "http.response.body", "body": RESPONSE})


shortcut_app = _fastapi()
shortcut_app.router.routes = app.router.routes
shortcut_app.add_middleware(_Shortcut)
