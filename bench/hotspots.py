"""Where the time goes, sampled by py-spy: the API server under load, or one workload in a loop.

    bench/.venv/bin/python -m bench.hotspots server               # uvicorn + wrk, lecture POST
    bench/.venv/bin/python -m bench.hotspots server --app bench.floor_app:app   # the floor
    bench/.venv/bin/python -m bench.hotspots engine "sum of 10k products"

Prints the share of samples by stage (the first rule that matches a stack wins, read from the
list below) and the functions with the most samples at the top of the stack (self time), as
file:function. py-spy needs ptrace; root has it.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import serve
from bench.workloads import WORKLOADS

# The computation's stages, outermost first: a stack inside the gradient check is "check" even
# when its top frame is a forward pass or a gate.
COMPUTE = [
    ("serialise (app/serialize.py)", "(app/serialize.py"),
    ("gradient check (engine._checked)", "_check"),
    ("backward (engine.backward)", "backward (app/engine.py"),
    ("forward (engine.forward)", "forward (app/engine.py"),
    ("parse + build (app/parser.py, app/graph.py)", "parse (app/parser.py"),
    ("engine, other (input values, non-finite scan)", "evaluate (app/engine.py"),
    ("service, other (cache, gc switch, freeing)", "(app/service.py"),
]
# Outside the computation, the stack's top-most frame that belongs to one of these owns it.
OWNERS = [
    ("request validation (pydantic)", ("pydantic",)),
    ("routes (app/api.py)", ("(app/api.py",)),
    ("own middleware (app/middleware.py)", ("(app/middleware.py",)),
    ("FastAPI + Starlette", ("(fastapi/", "(starlette/")),
    ("uvicorn + uvloop + httptools", ("(uvicorn/", "uvloop", "httptools", "(asyncio/")),
]


def stage_of(stack: str) -> str:
    for name, mark in COMPUTE:
        if mark in stack:
            return name
    for frame in reversed(stack.split(";")):
        for name, marks in OWNERS:
            if any(mark in frame for mark in marks):
                return name
    return "other"


KEEP: Path | None = None  # --keep: where to copy py-spy's raw stacks


def record(pid_or_command: int | list[str], seconds: float, rate: int) -> list[tuple[str, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.txt"
        command = [str(Path(sys.executable).with_name("py-spy")), "record", "-f", "raw",
                   "-r", str(rate), "-o", str(raw)]  # fmt: skip
        if isinstance(pid_or_command, int):
            command += ["-p", str(pid_or_command), "-d", f"{seconds:g}"]
        else:
            command += ["--", *pid_or_command]
        subprocess.run(command, check=True, capture_output=True, timeout=seconds + 120)
        if KEEP:
            KEEP.write_text(raw.read_text())
        stacks = []
        for line in raw.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            stacks.append((stack, int(count)))
        return stacks


def report(stacks: list[tuple[str, int]], top: int) -> None:
    total = sum(count for _, count in stacks)
    by_stage: collections.Counter[str] = collections.Counter()
    by_leaf: collections.Counter[str] = collections.Counter()
    for stack, count in stacks:
        by_stage[stage_of(stack)] += count
        by_leaf[_where(stack.split(";")[-1])] += count
    print(f"{total} samples\n\nby stage:")
    for stage, count in by_stage.most_common():
        print(f"  {100 * count / total:5.1f} %  {stage}")
    print(f"\nself time, top {top}:")
    for leaf, count in by_leaf.most_common(top):
        print(f"  {100 * count / total:5.1f} %  {leaf}")


def _where(frame: str) -> str:
    """'forward (app/engine.py:123)' → 'app/engine.py:forward'."""
    function, _, place = frame.rpartition(" (")
    return f"{place.rstrip(')').rsplit(':', 1)[0]}:{function}"


def server(seconds: float, rate: int, top: int, asgi_app: str) -> None:
    from bench.wrk import wrk

    with serve(asgi_app, cpu=1) as app:
        wrk(app.url, "lecture.lua", 2, cpu=0)
        load = subprocess.Popen(
            [sys.executable, "-c", "import sys; from bench.wrk import wrk; "
             f"print(wrk('{app.url}', 'lecture.lua', {seconds + 4:g}, cpu=0).rate)"],
            stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(1)
        stacks = record(app.pid, seconds, rate)
        rate_under_profiler = load.communicate(timeout=seconds + 120)[0].strip()
    print(f"{asgi_app} under uvicorn and wrk (lecture POST, new x each), {seconds:g} s at "
          f"{rate} Hz; {float(rate_under_profiler):.0f} req/s while sampled")  # fmt: skip
    report(stacks, top)


def engine(name: str, seconds: float, rate: int, top: int) -> None:
    code = (
        "import time; from app.config import Settings; from app.service import explain_json; "
        "from app.service import _cache; from bench.workloads import WORKLOADS; "
        f"text, values = WORKLOADS[{name!r}]; s = Settings(); end = time.monotonic() + {seconds}\n"
        "while time.monotonic() < end:\n"
        "    explain_json(text + ' ', values, s); _cache(s)._graphs.clear()"
    )
    stacks = record([sys.executable, "-c", code], seconds, rate)
    print(f"explain_json({name!r}) in a loop, uncached parse, {seconds:g} s at {rate} Hz "
          "(samples inside explain_json only)")  # fmt: skip
    report([(s, c) for s, c in stacks if "explain_json (app/service.py" in s], top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["server", "engine"])
    parser.add_argument("workload", nargs="?", default="sum of 10k products", choices=WORKLOADS)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--keep", type=Path, help="copy py-spy's raw (folded) stacks here")
    parser.add_argument("--app", default="app.main:app", help="server: the ASGI app to load")
    args = parser.parse_args()
    global KEEP
    KEEP = args.keep
    if args.what == "server":
        server(args.seconds, args.rate, args.top, args.app)
    else:
        engine(args.workload, args.seconds, args.rate, args.top)


if __name__ == "__main__":
    main()
