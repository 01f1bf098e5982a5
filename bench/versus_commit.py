"""This checkout against another one (an older commit, say) on the 10k-term sum with a new text
each time, as a first request: `explain_json`'s CPU time, one process per checkout, taking
turns, so that a slow spell of the machine falls on both.

    git worktree add /tmp/before <commit>
    bench/.venv/bin/python -m bench.versus_commit /tmp/before --pairs 4
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter with the checkout first on sys.path; prints the median seconds.
CHILD = """
import gc, statistics, sys, time
sys.path.insert(0, sys.argv[1])
import app
assert app.__file__.startswith(sys.argv[1]), app.__file__
from app.config import Settings
from app.service import explain_json
from bench.workloads import sum_of_products
gc.freeze()  # as app.main.create_app does
text, values = sum_of_products(10_000)
settings = Settings()
explain_json(text + " ", values, settings)
times = []
for k in range(int(sys.argv[2])):
    start = time.process_time()
    explain_json(text + " " * (k + 2), values, settings)
    times.append(time.process_time() - start)
print(statistics.median(times))
"""


def median_seconds(checkout: Path, runs: int) -> float:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(checkout), str(runs)],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE,  # bench.workloads from this checkout for both, so the workload is the same
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("other", type=Path, help="the other checkout")
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--runs", type=int, default=5, help="requests per process")
    args = parser.parse_args()
    other = args.other.resolve()
    print(f"10k-term sum, new text, explain_json CPU seconds (median of {args.runs} per process)")
    print(f"{'pair':>4}  {'this checkout':>14}  {other.name:>14}")
    ours, theirs = [], []
    for pair in range(1, args.pairs + 1):
        theirs.append(median_seconds(other, args.runs))
        ours.append(median_seconds(HERE, args.runs))
        print(f"{pair:>4}  {ours[-1]:>14.3f}  {theirs[-1]:>14.3f}")
    print(f"range  {min(ours):.3f}–{max(ours):.3f}    {min(theirs):.3f}–{max(theirs):.3f}")


if __name__ == "__main__":
    main()
