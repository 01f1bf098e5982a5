"""Random text and grammar-shaped token soup through the whole app: never a 5xx, never an
escaped exception, and every error says what is wrong in a sentence. (bench/fuzz.py runs the
same checks on 100,000+ inputs; this is the fast slice that runs with every test.)"""

from __future__ import annotations

import orjson
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.schemas import ErrorResponse, GraphResponse
from tests.api.contract import assert_matches

TOKENS = ["x", "y", "w0", "alpha", "pi", "e", "2", "0.5", "1e-3", "1e999", "0", "+", "-", "*",
          "/", "^", "**", "(", ")", ",", " ", "max(", "min(", "abs(", "exp(", "log(", "ln(",
          "sqrt(", "sin(", "tanh(", "sigmoid(", "relu(", "leaky_relu(", "hardtanh(",
          "softplus(", "foo(", "!", "@", "[", "=", ".", "'", "\x00", "é", "∂"]  # fmt: skip
NAMES = ["x", "y", "w0", "alpha", "e", "pi", "", "x y", "__class__"]
numbers = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6)
odd_values = st.none() | st.booleans() | st.text(max_size=5) | st.lists(numbers, max_size=3)
texts = st.text(max_size=60) | st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
bodies = st.fixed_dictionaries(
    {"expression": texts},
    optional={
        "values": st.dictionaries(st.sampled_from(NAMES), numbers | odd_values, max_size=5),
        "options": st.fixed_dictionaries(
            {}, optional={"h": numbers, "gradient_check": st.booleans(), "rtol": numbers}
        ),
    },
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_well_answered(status: int, content: bytes) -> None:
    assert status in (200, 400, 413, 422), (status, content[:300])
    if status == 200:
        assert_matches(GraphResponse, content)
    else:
        assert_matches(ErrorResponse, content)
        message = orjson.loads(content)["detail"]["message"]
        assert isinstance(message, str) and len(message) > 10, message


@FUZZ
@given(body=bodies)
def test_post_never_fails_on_our_side(client: TestClient, body: dict) -> None:
    response = client.post("/api/v1/graph", json=body)
    assert_well_answered(response.status_code, response.content)


@FUZZ
@given(raw=st.binary(max_size=80) | texts.map(str.encode))
def test_post_of_raw_bytes_never_fails_on_our_side(client: TestClient, raw: bytes) -> None:
    response = client.post(
        "/api/v1/graph", content=raw, headers={"content-type": "application/json"}
    )
    assert_well_answered(response.status_code, response.content)


@FUZZ
@given(expr=texts, values=st.dictionaries(st.sampled_from(NAMES[:4]), st.text(max_size=8)))
def test_get_never_fails_on_our_side(client: TestClient, expr: str, values: dict) -> None:
    response = client.get("/api/v1/graph", params={"expr": expr, **values})
    assert_well_answered(response.status_code, response.content)
