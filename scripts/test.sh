#!/usr/bin/env bash
# Everything CI checks: lint, format, types, and the whole test suite (browser included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
.venv/bin/ruff check app tests bench
.venv/bin/ruff format --check app tests bench
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 "$@"
