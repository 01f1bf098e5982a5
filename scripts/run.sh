#!/usr/bin/env bash
# Start Backprop Explorer on http://127.0.0.1:8000 (set PORT or HOST to change).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/uvicorn app.main:app --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}" "$@"
