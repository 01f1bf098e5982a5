"""The floor: the same stack (FastAPI, uvicorn, one worker) that reads and parses the same
request JSON and returns the same response bytes, computing nothing.

    uvicorn bench.floor_app:app

The bytes are the real app's answer to the lecture example, made once at start-up.
"""

from __future__ import annotations

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import Response

from app.config import Settings
from app.service import explain_json
from bench.workloads import LECTURE

RESPONSE = explain_json(*LECTURE, Settings())

# Telemetry off, as in the real app (app.config.Settings.telemetry).
app = FastAPI(
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
    telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
)


@app.post("/api/v1/graph")
async def graph(request: Request) -> Response:
    orjson.loads(await request.body())
    return Response(RESPONSE, media_type="application/json")


@app.get("/healthz")
async def healthz() -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")
