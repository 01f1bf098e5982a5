"""The long fuzz run: 100,000+ requests through the ASGI app in this process, from five
generators, counting the answers. Every answer must be a 200 or a 400/413/422 whose body
carries a one-sentence message; any 5xx or escaped exception is counted and shown.

    bench/.venv/bin/python -m bench.fuzz                    # 125,000 inputs, about 3 minutes
    bench/.venv/bin/python -m bench.fuzz --per-kind 2000    # a quick look
    bench/.venv/bin/python -m bench.fuzz --atheris 50000    # coverage-guided, atheris

Generators: random text (any code point), token soup from the grammar's own pieces, grammar-built
expressions with random values (some missing, odd or extreme), byte-level mutations of valid
request bodies, and random GET query strings. The seed makes a run repeatable.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import random
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import orjson

TOKENS = ["x", "y", "z", "w0", "alpha", "x_1", "pi", "e", "2", "0.5", "3", "1e-3", "1e308",
          "1e999", "0", ".5", "+", "-", "*", "/", "^", "**", "(", ")", ",", " ", "  ", "max(",
          "min(", "abs(", "exp(", "log(", "ln(", "sqrt(", "sin(", "cos(", "tan(", "tanh(",
          "sigmoid(", "relu(", "leaky_relu(", "hardtanh(", "softplus(", "foo(", "x(", "!", "@",
          "[", "]", "=", ".", "'", '"', "\\", "\x00", "\n", "é", "∂", "×", "−", "🙂",
          "__import__"]  # fmt: skip
UNARY = ["abs", "exp", "log", "ln", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu",
         "leaky_relu", "hardtanh", "softplus", "-", "+"]  # fmt: skip
BINARY = ["+", "-", "*", "/", "^", "**", " ", ""]
NAMES = ["x", "y", "z", "w0", "alpha", "x_1", "b"]
ODD_VALUES: list[Any] = [None, True, "1", [], {}, [1.0, 2.0], 1e308, -1e308, 1e-320, 0, -0.0]
Kind = Callable[[random.Random], tuple[str, bytes, bytes]]  # method, body or query, content-type


def random_text(rng: random.Random) -> str:
    size = rng.randint(0, 80)
    if rng.random() < 0.5:
        return "".join(chr(rng.randint(32, 126)) for _ in range(size))
    points = [rng.choice([rng.randint(0, 0x2FF), rng.randint(0, 0x10FFFF)]) for _ in range(size)]
    return "".join(map(chr, points)).encode("utf-8", "replace").decode("utf-8", "replace")


def token_soup(rng: random.Random) -> str:
    return "".join(rng.choice(TOKENS) for _ in range(rng.randint(0, 40)))


def expression(rng: random.Random, depth: int = 0) -> str:
    if depth > 5 or rng.random() < 0.3:
        return rng.choice([*NAMES, "2", "0.5", "pi", "e", "3", "1e-3", "0"])
    roll = rng.random()
    if roll < 0.4:
        return f"{expression(rng, depth + 1)} {rng.choice(BINARY)} {expression(rng, depth + 1)}"
    if roll < 0.7:
        fn = rng.choice(UNARY)
        inner = expression(rng, depth + 1)
        return f"{fn}{inner}" if fn in "+-" else f"{fn}({inner})"
    if roll < 0.85:
        args = ", ".join(expression(rng, depth + 1) for _ in range(rng.randint(1, 4)))
        return f"{rng.choice(['max', 'min', 'leaky_relu'])}({args})"
    return f"({expression(rng, depth + 1)})"


def values(rng: random.Random) -> dict[str, Any]:
    """A number for most names; one in ten bodies also has an odd value (422)."""
    out: dict[str, Any] = {}
    for name in NAMES:
        if rng.random() < 0.85:
            out[name] = rng.choice([rng.uniform(-3, 3), rng.uniform(-1e6, 1e6), 0.0, 1.0, -1.0])
    if rng.random() < 0.1:
        out[rng.choice(NAMES)] = rng.choice(ODD_VALUES)
    return out


def options(rng: random.Random) -> dict[str, Any]:
    if rng.random() < 0.8:
        return {}
    return rng.choice([{"gradient_check": False}, {"h": rng.choice([1e-8, 1e-4, 0.5, 0, -1, 2])},
                       {"rtol": 0.5, "atol": 0.0}, {"nonsense": 1}])  # fmt: skip


def post(rng: random.Random, text: str) -> tuple[str, bytes, bytes]:
    body: dict[str, Any] = {"expression": text, "values": values(rng)}
    if opts := options(rng):
        body["options"] = opts
    return "POST", orjson.dumps(body), b"application/json"


def mutated_body(rng: random.Random) -> tuple[str, bytes, bytes]:
    body = bytearray(post(rng, expression(rng))[1])
    for _ in range(rng.randint(1, 6)):
        at = rng.randrange(len(body) + 1)
        roll = rng.random()
        if roll < 0.4 and body:
            body[min(at, len(body) - 1)] = rng.randrange(256)
        elif roll < 0.7:
            body[at:at] = bytes([rng.randrange(256)])
        else:
            del body[at : at + rng.randint(1, 8)]
    content_type = rng.choice([b"application/json"] * 8 + [b"text/plain", b""])
    return "POST", bytes(body), content_type


def get_query(rng: random.Random) -> tuple[str, bytes, bytes]:
    pairs: list[tuple[str, str]] = [("expr", rng.choice([expression(rng), token_soup(rng)]))]
    for name in rng.sample(NAMES, rng.randint(0, 4)):
        pairs.append((name, rng.choice([f"{rng.uniform(-5, 5):.3f}", "1", "nan", "inf", "x", ""])))
    if rng.random() < 0.2:
        pairs.append(rng.choice([("check", "false"), ("check_h", "0"), ("check", "maybe")]))
    return "GET", urlencode(pairs).encode(), b""


KINDS: dict[str, Kind] = {
    "random text": lambda rng: post(rng, random_text(rng)),
    "token soup": lambda rng: post(rng, token_soup(rng)),
    "grammar": lambda rng: post(rng, expression(rng)),
    "mutated body": mutated_body,
    "GET query": get_query,
}


def problems(status: int, body: bytes) -> str | None:
    """What is wrong with an answer, or None."""
    if status >= 500 or status not in (200, 400, 413, 422):
        return f"status {status}"
    data = orjson.loads(body)
    if status == 200:
        return None if "gradients" in data else "200 without gradients"
    detail = data.get("detail") if isinstance(data, dict) else None
    if not isinstance(detail, dict):
        return "error without detail"
    message, position = detail.get("message"), detail.get("position")
    if not isinstance(message, str) or len(message) < 10:
        return f"error without a message: {detail!r}"
    if position is not None and not isinstance(position, int):
        return f"position {position!r}"
    return None


def inputs(per_kind: int, seed: int) -> Iterator[tuple[str, tuple[str, bytes, bytes]]]:
    rng = random.Random(seed)
    for _ in range(per_kind):
        for kind, make in KINDS.items():
            yield kind, make(rng)


def run(per_kind: int, seed: int) -> int:
    from app.config import Settings
    from app.main import create_app
    from app.schemas import GraphResponse
    from bench.asgi import Client

    client = Client(create_app(Settings()))
    counts: collections.Counter[tuple[str, int]] = collections.Counter()
    failures: list[str] = []
    started = time.perf_counter()
    for n, (kind, (method, payload, content_type)) in enumerate(inputs(per_kind, seed)):
        try:
            if method == "GET":
                answer = client.get("/api/v1/graph", payload)
            else:
                headers = [(b"content-type", content_type)] if content_type else []
                answer = client.post("/api/v1/graph", payload, headers)
        except Exception:  # an escaped exception: uvicorn would drop the connection
            counts[(kind, -1)] += 1
            failures.append(f"{kind}: {payload[:200]!r}\n{traceback.format_exc(limit=4)}")
            continue
        counts[(kind, answer.status)] += 1
        problem = problems(answer.status, answer.body)
        if problem is None and answer.status == 200 and n % 97 == 0:
            GraphResponse.model_validate_json(answer.body)  # the full model, on a sample
        if problem:
            failures.append(f"{kind}: {problem}: {payload[:200]!r}")
    report(counts, failures, time.perf_counter() - started, seed)
    client.close()
    return 1 if failures else 0


def report(
    counts: collections.Counter[tuple[str, int]], failures: list[str], seconds: float, seed: int
) -> None:
    statuses = sorted({status for _, status in counts})
    total = sum(counts.values())
    print(f"{total:,} inputs in {seconds:.0f} s, seed {seed}\n")
    header = "".join(f"{'escaped' if s == -1 else s:>9}" for s in statuses)
    print(f"{'generator':<16}{header}{'total':>9}")
    for kind in KINDS:
        cells = "".join(f"{counts[(kind, s)]:>9,}" for s in statuses)
        print(f"{kind:<16}{cells}{sum(counts[(kind, s)] for s in statuses):>9,}")
    cells = "".join(f"{sum(counts[(k, s)] for k in KINDS):>9,}" for s in statuses)
    print(f"{'all':<16}{cells}{total:>9,}")
    server_errors = sum(c for (_, s), c in counts.items() if s >= 500 or s == -1)
    print(f"\n5xx or escaped: {server_errors}; answers with a problem: {len(failures)}")
    for failure in failures[:20]:
        print(" ", failure)


def run_atheris(runs: int) -> None:
    import atheris

    with atheris.instrument_imports(include=["app"]):
        from app.config import Settings
        from app.main import create_app
    from bench.asgi import Client

    client = Client(create_app(Settings()))
    seen: collections.Counter[int] = collections.Counter()

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        text = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 300))
        x = fdp.ConsumeFloat()
        body = orjson.dumps({"expression": text, "values": {"x": x, "y": 2.0, "w0": -1.0}},
                            option=orjson.OPT_SERIALIZE_NUMPY)  # fmt: skip
        answer = client.post("/api/v1/graph", body)
        seen[answer.status] += 1
        problem = problems(answer.status, answer.body)
        if problem:
            raise AssertionError(f"{problem}: {text!r}")
        total = sum(seen.values())
        if total % 10_000 == 0 or total == runs:  # libFuzzer exits without returning
            print(f"atheris: {total:,} inputs, statuses {dict(sorted(seen.items()))}", flush=True)

    atheris.Setup([sys.argv[0], f"-runs={runs}", "-max_len=400"], one)
    with contextlib.suppress(SystemExit):
        atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--per-kind", type=int, default=25_000, help="inputs per generator")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--atheris", type=int, metavar="RUNS", help="coverage-guided instead")
    args = parser.parse_args()
    if args.atheris:
        run_atheris(args.atheris)
        return
    sys.exit(run(args.per_kind, args.seed))


if __name__ == "__main__":
    main()
