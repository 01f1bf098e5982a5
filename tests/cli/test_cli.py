from __future__ import annotations

import json

import pytest

from app.cli import main


def test_table_shows_upstream_times_local(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["(x+y)*max(y,z)", "x=1", "y=2", "z=0"]) == 0
    out = capsys.readouterr().out
    assert "y → b:  3 × 1 = 3" in out
    assert "∂f/∂y = 5" in out


def test_json_flag_prints_the_api_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["x*y", "x=3", "y=4", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["gradients"] == {"x": 4.0, "y": 3.0}


def test_error_has_a_caret(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["x + foo(y)", "x=1", "y=1"]) == 2
    err = capsys.readouterr().err
    assert "foo" in err
    assert "\n      ^" in err


def test_a_list_value_with_an_integer_past_float64_is_named(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["sum(x)", "x=[1, 1" + "0" * 400 + "]"]) == 2
    assert "The value of x has an entry beyond float64's range" in capsys.readouterr().err
