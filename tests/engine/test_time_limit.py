"""max_seconds is one clock for the whole request: the parse spends from it, the parser and the
serialiser look at it, and nothing is serialised past it. (The stages are slowed down by hand, so no timing is asserted.)"""

from __future__ import annotations

import time
from typing import Any

import pytest

from app import service
from app.clock import Clock
from app.config import Settings
from app.engine import evaluate
from app.errors import TooLarge
from app.parser import parse
from app.serialize import to_json

LIMIT = Settings(max_seconds=0.05)


def slowly(fn: Any, seconds: float) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        time.sleep(seconds)
        return result

    return wrapped


def test_a_slow_parse_spends_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "parse", slowly(service.parse, 0.1))
    with pytest.raises(TooLarge, match=r"longer than 0.05 s, the limit \(max_seconds\)"):
        service.explain_json("x * y + 1", {"x": 1.0, "y": 2.0}, LIMIT)


def test_the_engine_gets_only_what_the_parse_left(monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[float] = []

    def evaluate(graph: Any, values: Any, settings: Settings, options: Any, clock: Clock) -> Any:
        given.append(clock.remaining())
        raise TooLarge("stop here")

    monkeypatch.setattr(service, "parse", slowly(service.parse, 0.01))
    monkeypatch.setattr(service, "evaluate", evaluate)
    with pytest.raises(TooLarge):
        service.explain_json("x * y + 2", {"x": 1.0, "y": 2.0}, LIMIT)
    assert given and given[0] < 0.05 - 0.009


def test_nothing_is_serialised_past_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    serialised: list[object] = []
    monkeypatch.setattr(service, "evaluate", slowly(service.evaluate, 0.1))
    monkeypatch.setattr(service, "to_json", lambda *args: serialised.append(args) or b"")
    with pytest.raises(TooLarge):
        service.explain_json("x * y + 3", {"x": 1.0, "y": 2.0}, LIMIT)
    assert serialised == []


def test_within_the_limit_the_answer_is_unchanged() -> None:
    answer = service.explain_json("(x+y)*max(y,z)", {"x": 1.0, "y": 2.0, "z": 0.0}, Settings())
    assert b'"gradients":{"x":2.0,"y":5.0,"z":0.0}' in answer


def spent_clock() -> Clock:
    clock = Clock(0.0)
    time.sleep(0.001)
    return clock


def test_the_parser_looks_at_the_clock() -> None:
    with pytest.raises(TooLarge, match="max_seconds"):
        parse("x * y + 4", Settings(), spent_clock())
    assert parse("x * y + 4", Settings(), Clock(60.0)).text == "x * y + 4"


def test_the_serialiser_looks_at_the_clock_while_writing_a_new_graph() -> None:
    result = evaluate(parse("x * y + 5", Settings()), {"x": 1.0, "y": 2.0}, Settings())
    with pytest.raises(TooLarge, match="max_seconds"):
        to_json(result, clock=spent_clock())
    written = to_json(result, clock=Clock(60.0))
    # the graph's static JSON is written now: a later request only splices its numbers in
    assert to_json(result, clock=spent_clock()) == written
