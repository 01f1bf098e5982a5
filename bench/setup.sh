#!/usr/bin/env bash
# Make bench/.venv: the app as deployed (uvicorn[standard]: uvloop, httptools) plus the tools
# that only the benchmarks use. None of them is an app dependency.
#   micrograd     the reference engine for the forward/backward comparison
#   pyinstrument  and py-spy: profilers
#   schemathesis  property-based testing against the OpenAPI schema
#   atheris       coverage-guided fuzzing (optional: the fuzz script falls back to random text)
# wrk comes from Debian (apt-get install wrk).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x bench/.venv/bin/python ]]; then
    python3 -m venv bench/.venv
fi
bench/.venv/bin/python -m pip install --quiet --upgrade pip
bench/.venv/bin/python -m pip install --quiet -e ".[test]" micrograd pyinstrument py-spy schemathesis
bench/.venv/bin/python -m pip install --quiet atheris || echo "atheris did not install; bench.fuzz uses its own generators"
if ! command -v wrk >/dev/null; then
    SUDO=""
    if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q wrk
fi
