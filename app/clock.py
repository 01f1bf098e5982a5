"""One request's time limit (`max_seconds`), looked at by every stage that can run long: the
parser every few thousand tokens, both engines every few thousand gates, the serialiser every
few thousand nodes. Where each stage looks is a trade: a look costs a clock read."""

from __future__ import annotations

import time

from app.errors import TooLarge


class Clock:
    def __init__(self, seconds: float) -> None:
        self.deadline = time.perf_counter() + seconds
        self.seconds = seconds

    def check(self) -> None:
        if time.perf_counter() > self.deadline:
            raise TooLarge(
                f"The computation took longer than {self.seconds:g} s, the limit (max_seconds)."
            )

    def remaining(self) -> float:
        """Seconds left, after a check (so never zero or less)."""
        self.check()
        return max(self.deadline - time.perf_counter(), 1e-9)
