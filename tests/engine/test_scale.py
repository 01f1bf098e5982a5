"""The documented defaults accept a 10,000-term sum and a 500-deep tanh chain, and get them right."""

from __future__ import annotations

import math

import pytest

from app.config import Settings
from app.engine import evaluate
from app.parser import parse
from app.serialize import to_dict

SETTINGS = Settings()


def test_ten_thousand_term_sum_of_products() -> None:
    n = 10_000
    text = " + ".join(f"x{i}*y{i}" for i in range(n))
    assert len(text) > 90_000
    values = {f"x{i}": (i % 7) - 3.0 for i in range(n)} | {f"y{i}": (i % 5) * 0.5 for i in range(n)}
    result = evaluate(parse(text, SETTINGS), values, SETTINGS)
    expected = math.fsum(values[f"x{i}"] * values[f"y{i}"] for i in range(n))
    assert result.output_value == pytest.approx(expected, rel=1e-12)
    grads = result.gradients()
    for i in (0, 1, 4_321, n - 1):  # ∂/∂x_i = y_i and ∂/∂y_i = x_i: mul switches
        assert grads[f"x{i}"] == values[f"y{i}"]
        assert grads[f"y{i}"] == values[f"x{i}"]
    data = to_dict(result)
    assert len(data["nodes"]) == 4 * n - 1
    assert data["gradient_check"] is None  # 20,000 inputs: over the check's budget, said so
    assert data["latex"] is None


def test_five_hundred_deep_tanh_chain() -> None:
    depth = 500
    text = "tanh(" * depth + "x" + ")" * depth
    result = evaluate(parse(text, SETTINGS), {"x": 0.8}, SETTINGS)
    value, grad = 0.8, 1.0
    for _ in range(depth):  # the chain rule by hand: each link multiplies by 1 - tanh²
        value = math.tanh(value)
        grad *= 1 - value**2
    assert result.output_value == pytest.approx(value, rel=1e-12)
    assert result.gradients()["x"] == pytest.approx(grad, rel=1e-9)
    assert result.gradient_check is not None and result.gradient_check[0].agrees
