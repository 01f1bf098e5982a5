"""Schemathesis against the OpenAPI schema of a real uvicorn: every operation, generated valid and
invalid requests, checking no 5xx and that every answer (status, content type, headers, body)
matches the schema.

    bench/.venv/bin/python -m bench.schema_check                     # 4 minutes (--max-time)
    bench/.venv/bin/python -m bench.schema_check --max-examples 50

The suite runs a fast slice of the same idea without schemathesis (tests/api/test_schema.py,
tests/api/test_fuzz.py); schemathesis lives in bench/.venv only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from bench.server import serve

CONFIG = Path(__file__).with_name("schemathesis.toml")  # the oEmbed 501, as its spec asks
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=300, help="per operation")
    parser.add_argument("--max-time", type=int, default=240, help="seconds; fuzzing fills it")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    schemathesis = Path(sys.executable).with_name("schemathesis")
    with serve("app.main:app") as app:
        command = [str(schemathesis), "--no-color", "--config-file", str(CONFIG), "run",
                   f"{app.url}/openapi.json", "--checks",
                   ",".join(CHECKS), "--mode", "all", "--phases", "examples,coverage,fuzzing",
                   "--max-examples", str(args.max_examples), "--seed", str(args.seed),
                   "--max-time", str(args.max_time), "--workers", "1",
                   "--generation-database", "none", "--request-timeout", "10"]  # fmt: skip
        result = subprocess.run(command, timeout=args.max_time + 120, check=False)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
