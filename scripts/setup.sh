#!/usr/bin/env bash
# Make .venv with the app (and, with --test, the test tools and Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
extras=""
if [[ "${1:-}" == "--test" ]]; then extras="[test]"; fi
if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".${extras}"
if [[ -n "$extras" && ! -x /usr/bin/chromium ]]; then
    # The browser tests drive Debian's chromium; Playwright cannot download its own here.
    SUDO=""
    if [[ "$(id -u)" != "0" ]]; then SUDO="sudo"; fi
    $SUDO apt-get update -q
    $SUDO apt-get install -y -q chromium
fi
