"""Vectors and matrices: the lecture's formulas, the window model, every tensor gate against
central differences of a numpy forward written here, broadcasting, kinks entry by entry,
non-finite numbers, shapes, value checks and limits."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np
import pytest

from app.config import Settings
from app.engine import Evaluation, Options, evaluate
from app.errors import BadValue, ExpressionError, ShapeError, TooLarge
from app.parser import parse
from app.rules import ElementwiseRule, jacobian
from app.tensor_engine import JACOBIAN_MAX_ENTRIES, TensorEvaluation

SETTINGS = Settings()
RNG = np.random.default_rng(20240604)


def run(
    text: str,
    values: dict[str, object],
    options: Options = Options(),
    settings: Settings = SETTINGS,
) -> TensorEvaluation:
    result = evaluate(parse(text, settings), values, settings, options)
    assert isinstance(result, TensorEvaluation), "lists and tensor gates use the numpy engine"
    return result


def lists(values: dict[str, np.ndarray]) -> dict[str, object]:
    return {name: np.asarray(v).tolist() for name, v in values.items()}


def bumped(array: np.ndarray, entry: int, step: float) -> np.ndarray:
    """A float copy with one entry moved by `step` (0-d arrays included)."""
    copy = np.array(array, dtype=float)
    copy.reshape(-1)[entry] += step
    return copy


def central_differences(
    f: Callable[[dict[str, np.ndarray]], float], values: dict[str, np.ndarray], h: float = 1e-6
) -> dict[str, np.ndarray]:
    """∂f/∂(each entry of each input), by (f(x + h) − f(x − h)) / 2h on a numpy f."""
    out = {}
    for name, base in values.items():
        grad = np.zeros_like(base, dtype=float)
        for i in range(base.size):
            up, down = values | {name: bumped(base, i, h)}, values | {name: bumped(base, i, -h)}
            grad.reshape(-1)[i] = (f(up) - f(down)) / (2 * h)
        out[name] = grad
    return out


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


# -- the lecture: z = W x + b, h = f(z), s = uᵀ h ----------------------------------------------


@pytest.mark.parametrize(
    ("f", "fn", "f_prime"),
    [
        ("sigmoid", sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z))),
        ("tanh", np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    ],
)
@pytest.mark.parametrize(("m", "n"), [(2, 3), (4, 5)])
def test_lecture_formulas_hold(f: str, fn: Callable, f_prime: Callable, m: int, n: int) -> None:
    W, x, b, u = (RNG.normal(size=s) for s in [(m, n), (n,), (m,), (m,)])
    result = run(f"u.T @ {f}(W @ x + b)", lists({"W": W, "x": x, "b": b, "u": u}))
    z = W @ x + b
    delta = u * f_prime(z)  # the gradient reaching z
    grads = result.gradients()
    assert result.output_value == pytest.approx(u @ fn(z), rel=1e-12)
    np.testing.assert_allclose(grads["W"], np.outer(delta, x), rtol=1e-12)  # δ xᵀ
    np.testing.assert_allclose(grads["b"], delta, rtol=1e-12)  # δ
    np.testing.assert_allclose(grads["x"], W.T @ delta, rtol=1e-12, atol=1e-15)  # Wᵀ δ
    np.testing.assert_allclose(grads["u"], fn(z), rtol=1e-12)  # h
    assert grads["W"].shape == W.shape, "a gradient has its quantity's shape"


def test_lecture_edges_carry_the_lecture_formulas() -> None:
    W, x, b, u = (RNG.normal(size=s) for s in [(2, 3), (3,), (2,), (2,)])
    result = run("u.T @ sigmoid(W @ x + b)", lists({"W": W, "x": x, "b": b, "u": u}))
    graph = result.graph
    into_matmul = [e for e, (_, t, _) in enumerate(graph.edges) if graph.nodes[t].op == "matmul"]
    w_edge, x_edge = into_matmul[0], into_matmul[1]
    delta = result.upstream[w_edge]
    assert delta.shape == (2,), "upstream has the gate's shape"
    np.testing.assert_allclose(result.downstream[w_edge], np.outer(delta, x), rtol=1e-14)
    np.testing.assert_allclose(result.downstream[x_edge], W.T @ delta, rtol=1e-14)
    assert result.local[w_edge] is not None and result.local[w_edge].shape == (2, 2, 3)
    # ∂z_i/∂W_ij = x_j, and 0 for other rows
    np.testing.assert_array_equal(result.local[w_edge][1, 1], x)
    np.testing.assert_array_equal(result.local[w_edge][1, 0], np.zeros(3))


# -- the window model ---------------------------------------------------------------------------

WORDS = ["museums", "in", "Paris", "are", "amazing"]


def window_values(words: list[str], hidden: int = 3) -> dict[str, np.ndarray]:
    vectors = {f"x_{w}": RNG.normal(size=4) for w in dict.fromkeys(words)}
    return vectors | {
        "W": RNG.normal(size=(hidden, 4 * len(words))),
        "b": RNG.normal(size=hidden),
        "u": RNG.normal(size=hidden),
    }


def test_window_gradient_splits_into_the_word_vectors() -> None:
    values = window_values(WORDS)
    words = ", ".join(f"x_{w}" for w in WORDS)
    split = run(f"u.T @ tanh(W @ concat({words}) + b)", lists(values))
    x_window = np.concatenate([values[f"x_{w}"] for w in WORDS])
    whole = run(
        "u.T @ tanh(W @ x_window + b)",
        lists({"W": values["W"], "b": values["b"], "u": values["u"], "x_window": x_window}),
    )
    assert split.output_value == pytest.approx(whole.output_value, rel=1e-14)
    window_grad = whole.gradients()["x_window"]
    z = values["W"] @ x_window + values["b"]
    np.testing.assert_allclose(
        window_grad, values["W"].T @ (values["u"] * (1 - np.tanh(z) ** 2)), rtol=1e-12
    )
    for k, word in enumerate(WORDS):
        np.testing.assert_array_equal(
            split.gradients()[f"x_{word}"], window_grad[4 * k : 4 * k + 4]
        )


def test_a_word_used_twice_gets_the_sum_of_its_slices() -> None:
    values = window_values(["in", "Paris", "in"])
    result = run("u.T @ tanh(W @ concat(x_in, x_Paris, x_in) + b)", lists(values))
    x_window = np.concatenate([values["x_in"], values["x_Paris"], values["x_in"]])
    z = values["W"] @ x_window + values["b"]
    window_grad = values["W"].T @ (values["u"] * (1 - np.tanh(z) ** 2))
    grads = result.gradients()
    np.testing.assert_allclose(grads["x_in"], window_grad[0:4] + window_grad[8:12], rtol=1e-12)
    np.testing.assert_allclose(grads["x_Paris"], window_grad[4:8], rtol=1e-12)
    in_node = result.graph.variables["x_in"]
    into_concat = [
        result.downstream[e] for e, (s, _, _) in enumerate(result.graph.edges) if s == in_node
    ]
    assert len(into_concat) == 2, "one node, two edges"
    np.testing.assert_allclose(into_concat[0], window_grad[0:4], rtol=1e-12)
    np.testing.assert_allclose(into_concat[1], window_grad[8:12], rtol=1e-12)


def test_softmax_cross_entropy_with_l2() -> None:
    W, x, b = RNG.normal(size=(3, 4)), RNG.normal(size=4), RNG.normal(size=3)
    result = run("-log(softmax(W @ x + b)[1]) + 0.01*sum(W*W)", lists({"W": W, "x": x, "b": b}))
    logits = W @ x + b
    p = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    assert result.output_value == pytest.approx(-np.log(p[1]) + 0.01 * (W * W).sum(), rel=1e-13)
    d_logits = p - np.eye(3)[1]  # the well-known p − y
    grads = result.gradients()
    np.testing.assert_allclose(grads["W"], np.outer(d_logits, x) + 0.02 * W, rtol=1e-12)
    np.testing.assert_allclose(grads["b"], d_logits, rtol=1e-12)
    np.testing.assert_allclose(grads["x"], W.T @ d_logits, rtol=1e-12)


# -- every tensor gate against central differences of an independent numpy forward ---------------


def softmax(v: np.ndarray) -> np.ndarray:
    e = np.exp(v - v.max())
    return e / e.sum()


GATE_CASES: list[tuple[str, dict[str, tuple[int, ...]], Callable[..., np.ndarray]]] = [
    ("W @ x", {"W": (2, 3), "x": (3,)}, lambda wm, x: wm @ x),
    ("x @ W", {"x": (2,), "W": (2, 3)}, lambda x, wm: x @ wm),
    ("x @ y", {"x": (3,), "y": (3,)}, lambda x, y: x @ y),
    ("A @ B", {"A": (2, 3), "B": (3, 2)}, lambda am, bm: am @ bm),
    ("W.T", {"W": (2, 3)}, lambda wm: wm.T),
    ("x.T", {"x": (3,)}, lambda x: x),
    ("sum(W)", {"W": (2, 3)}, lambda wm: wm.sum()),
    ("mean(x)", {"x": (5,)}, lambda x: x.mean()),
    ("dot(x, y)", {"x": (4,), "y": (4,)}, lambda x, y: x @ y),
    ("concat(x, y, s)", {"x": (2,), "y": (3,), "s": ()}, lambda x, y, s: np.r_[x, y, s]),
    ("concat(A, B)", {"A": (1, 2), "B": (2, 2)}, lambda am, bm: np.vstack([am, bm])),
    ("softmax(x)", {"x": (4,)}, softmax),
    ("logsumexp(x)", {"x": (4,)}, lambda x: np.log(np.exp(x).sum())),
    ("x[2]", {"x": (4,)}, lambda x: x[2]),
    ("x[-1]", {"x": (4,)}, lambda x: x[-1]),
    ("W[1]", {"W": (3, 2)}, lambda wm: wm[1]),
    ("W + b", {"W": (2, 3), "b": (3,)}, lambda wm, b: wm + b),
    ("c * W", {"c": (2, 1), "W": (2, 3)}, lambda c, wm: c * wm),
    ("x / s", {"x": (3,), "s": ()}, lambda x, s: x / s),
    (
        "max(x, y, s)",
        {"x": (3,), "y": (3,), "s": ()},
        lambda x, y, s: np.maximum(np.maximum(x, y), s),
    ),
    ("leaky_relu(x, a)", {"x": (3,), "a": ()}, lambda x, a: np.where(x > 0, x, a * x)),
]


@pytest.mark.parametrize(
    ("text", "shapes", "reference"), GATE_CASES, ids=[c[0] for c in GATE_CASES]
)
def test_gate_gradients_and_jacobians(
    text: str, shapes: dict[str, tuple[int, ...]], reference: Callable[..., np.ndarray]
) -> None:
    values = {
        name: RNG.uniform(0.5, 1.5, size=shape) * RNG.choice([-1, 1])
        for name, shape in shapes.items()
    }
    if "/ s" in text:
        values["s"] = np.array(1.7)
    out_shape = np.shape(reference(*values.values()))
    C = RNG.normal(size=out_shape)  # a fixed weighting, so the output is a number
    result = run(f"sum(C * ({text}))", lists(values | {"C": C}))
    numeric = central_differences(
        lambda v: float(np.sum(C * reference(*[v[n] for n in shapes]))), values
    )
    for name in shapes:
        np.testing.assert_allclose(result.gradients()[name], numeric[name], rtol=1e-6, atol=1e-8)
    gate = result.graph.nodes[result.graph.nodes[result.graph.output].inputs[0]].inputs[1]
    for e, (source, target, _) in enumerate(result.graph.edges):
        if target != gate:
            continue
        own = result.graph.nodes[source].name
        if own not in values:
            continue
        local = result.local[e]
        assert local is not None, "small Jacobians are given"
        # The Jacobian by central differences of the numpy forward, one input entry at a time.
        h, base = 1e-6, values[own]
        columns = []
        for i in range(base.size):
            up, down = values | {own: bumped(base, i, h)}, values | {own: bumped(base, i, -h)}
            columns.append((reference(*up.values()) - reference(*down.values())) / (2 * h))
        expected = np.moveaxis(np.array(columns), 0, -1).reshape(out_shape + base.shape)
        np.testing.assert_allclose(local, expected, rtol=1e-6, atol=1e-8, err_msg=f"{text}: {own}")


def test_jacobian_contracts_with_upstream_to_downstream() -> None:
    values = {"W": RNG.normal(size=(2, 3)), "x": RNG.normal(size=3), "b": RNG.normal(size=2)}
    text = "sum(softmax(tanh(W @ x + b)) * concat(b, x)[0]) + dot(x, x) * mean(W.T @ b)"
    result = run(text, lists(values))
    checked = 0
    for e in range(len(result.graph.edges)):
        local = result.local[e]
        if local is None:
            continue
        up = result.upstream[e]
        np.testing.assert_allclose(
            np.tensordot(up, local, axes=up.ndim), result.downstream[e], rtol=1e-12, atol=1e-15
        )
        checked += 1
    assert checked >= 8


def test_an_elementwise_jacobian_keeps_its_zeros_beside_an_infinite_local() -> None:
    """∂log(x_i)/∂x_j is 0 for i ≠ j even where x_i = 0 makes the diagonal ∞; the VJP of a
    unit vector would give 0 · ∞ = nan there, and the contraction would no longer hold."""
    result = run("sum(log(x))", {"x": [0.0, 1.0, 2.0]})
    edge = result.graph.first_edge[result.graph.nodes[1].index]  # x → log
    np.testing.assert_array_equal(result.local[edge], np.diag([np.inf, 1.0, 0.5]))
    np.testing.assert_array_equal(
        np.tensordot(result.upstream[edge], result.local[edge], axes=1), result.downstream[edge]
    )
    # a scalar broadcast over a vector: one column, each entry that output's local derivative
    square = run("sum(x^2)", {"x": [-1.0, 2.0]})
    exponent = square.graph.first_edge[2] + 1  # the constant 2 → pow
    local = square.local[exponent]
    assert local.shape == (2,) and np.isnan(local[0])  # x^y·ln x at x = -1
    assert local[1] == pytest.approx(4 * np.log(2.0))


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("sum(tanh(A * v + s) * max(A, v, s))", {"A": (2, 3), "v": (3,), "s": ()}),
        ("sum(C * R + exp(max(C, R)))", {"C": (3, 1), "R": (1, 4)}),  # both broadcast
    ],
)
def test_elementwise_jacobians_are_the_unit_vectors_vjps_where_all_is_finite(
    text: str, values: dict[str, tuple[int, ...]]
) -> None:
    drawn = {name: RNG.normal(size=shape) for name, shape in values.items()}
    result = run(text, lists(drawn))
    checked = 0
    for node in result.graph.nodes:
        gate = node.gate
        if gate is None or not isinstance(gate.array, ElementwiseRule):
            continue  # tensor gates write theirs from the VJPs
        args = [result.values[i] for i in node.inputs]
        out = result.values[node.index]
        local = gate.array.locals(out, args)
        for k in range(len(args)):
            vjp = partial(gate.array.vjp, k, out=out, args=args, local=local)
            expected = jacobian(vjp, out.shape, args[k].shape)
            np.testing.assert_array_equal(gate.array.jacobian(k, out, args, local), expected)
            checked += 1
    assert checked >= 6


def test_large_jacobians_are_left_out() -> None:
    result = run("sum(W @ x)", lists({"W": np.ones((8, 9)), "x": np.ones(9)}))
    w_edge = next(
        e for e, (s, _, _) in enumerate(result.graph.edges) if s == result.graph.variables["W"]
    )
    assert JACOBIAN_MAX_ENTRIES < 8 * 8 * 9 and result.local[w_edge] is None
    assert result.downstream[w_edge].shape == (8, 9)


# -- broadcasting: an input used along an axis gets the sum -----------------------------------------


def test_broadcast_inputs_get_the_summed_gradient() -> None:
    W, b, s = RNG.normal(size=(2, 3)), RNG.normal(size=3), 0.7
    result = run("sum(tanh(W + b) * s)", {"W": W.tolist(), "b": b.tolist(), "s": s})
    local = 1 - np.tanh(W + b) ** 2
    grads = result.gradients()
    np.testing.assert_allclose(grads["W"], s * local, rtol=1e-12)
    np.testing.assert_allclose(grads["b"], s * local.sum(axis=0), rtol=1e-12)  # over the rows
    assert grads["s"] == pytest.approx(np.tanh(W + b).sum(), rel=1e-12)
    assert np.shape(grads["s"]) == ()


def test_a_scalar_graph_with_a_vector_value_still_runs() -> None:
    result = run("sum(x * y)", {"x": [1.0, 2.0, 3.0], "y": 2.0})
    assert result.output_value == 12.0
    np.testing.assert_array_equal(result.gradients()["x"], [2.0, 2.0, 2.0])
    assert result.gradients()["y"] == 6.0


def test_numbers_only_stay_on_the_float_engine() -> None:
    result = evaluate(parse("x*y + max(x, 0)", SETTINGS), {"x": 1.0, "y": 2.0}, SETTINGS)
    assert isinstance(result, Evaluation)


# -- kinks, entry by entry --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("sum(relu(x))", {"x": [-1.0, 0.0, 2.0]}, {"x": [0.0, 0.0, 1.0]}),
        ("sum(abs(x))", {"x": [-1.0, 0.0, 2.0]}, {"x": [-1.0, 0.0, 1.0]}),
        ("sum(hardtanh(x))", {"x": [-1.0, 0.5, 1.0]}, {"x": [0.0, 1.0, 0.0]}),
        ("sum(leaky_relu(x))", {"x": [-1.0, 0.0, 2.0]}, {"x": [0.01, 0.01, 1.0]}),
        (
            "sum(max(x, y))",
            {"x": [1.0, 2.0, 3.0], "y": [1.0, 0.0, 5.0]},
            {"x": [0.5, 1, 0], "y": [0.5, 0, 1]},
        ),
        (
            "sum(min(x, y, z))",
            {"x": [1.0, 2.0], "y": [1.0, 3.0], "z": 1.0},
            {"x": [1 / 3, 0], "y": [1 / 3, 0], "z": 1 / 3 + 1},
        ),
        (
            "sum(x^2) + sum(0^y)",
            {"x": [0.0, 3.0], "y": [0.0, 2.0]},
            {"x": [0.0, 6.0], "y": [0.0, 0.0]},
        ),
    ],
)
def test_kink_conventions_hold_entry_by_entry(
    text: str, values: dict[str, object], expected: dict[str, object]
) -> None:
    result = run(text, values)
    for name, grad in expected.items():
        np.testing.assert_allclose(result.gradients()[name], grad, rtol=1e-15, atol=0)
    if "^" not in text:
        assert any(result.kink), "some entry sits at the kink"


def test_no_entry_at_a_kink_no_flag() -> None:
    result = run("sum(relu(x)) + sum(max(x, y))", {"x": [-1.0, 2.0], "y": [3.0, 1.0]})
    assert not any(result.kink)


def test_gradient_check_excuses_a_kink_in_one_entry() -> None:
    result = run("sum(relu(x))", {"x": [1.0, 0.0, -2.0]})
    assert result.gradient_check is not None
    check = result.gradient_check[0]
    np.testing.assert_allclose(check.numeric, [1.0, 0.5, 0.0], atol=1e-9)
    assert not check.agrees and check.near_kink and not check.flagged


# -- the numeric check -----------------------------------------------------------------------------


def test_an_entry_whose_shifted_point_is_not_finite_is_not_a_disagreement() -> None:
    # x[0] - h = 0 makes 0/0 there; x[1] is fine. The largest relative error is unknown (nan),
    # not 0, so nothing is flagged, and a warning says why.
    result = run("sum(x/x)", {"x": [1e-4, 1.0]})
    assert result.gradient_check is not None and not result.non_finite
    (check,) = result.gradient_check
    assert np.isnan(check.numeric[0]) and check.numeric[1] == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(check.rel_error) and not check.flagged
    assert result.warnings == [
        "The numeric gradient of x is not finite: f is not finite at x ± h (h = 0.0001), so the "
        "check says nothing there."
    ]


def test_an_entry_with_an_infinite_error_is_never_agreement() -> None:
    result = run("sum(x/x)", {"x": [1e-300, 1.0]})  # ∂(x/x)/∂x is −∞ through 1/x at 1e-300
    assert result.gradient_check is not None
    (check,) = result.gradient_check
    assert np.isneginf(check.analytic[0]) and check.abs_error == np.inf
    assert not check.agrees and not check.flagged


def test_a_gradient_only_a_constant_receives_is_explained_entry_by_entry() -> None:
    result = run("sum((x-3)^2)", {"x": [1.0, 5.0]})  # x - 3 = -2 in entry 0
    assert result.non_finite == []
    np.testing.assert_array_equal(result.grads[result.graph.variables["x"]], [-4.0, 4.0])
    assert result.warnings == [
        "The backward pass first leaves the finite numbers at b = pow(…): its local gradient "
        "with respect to the constant 2 is nan at entry (0,). No input depends on it, so every "
        "input's gradient is unaffected."
    ]


def test_no_note_on_constants_beside_a_report_on_an_input_entry() -> None:
    result = run("sum(x^0.5)", {"x": [-1.0, 4.0]})  # x's own gradient is nan in entry 0
    assert result.non_finite
    assert not any("No input depends on it" in w for w in result.warnings)


def test_gradient_check_per_entry() -> None:
    W, x = RNG.normal(size=(2, 3)), RNG.normal(size=3)
    result = run("sum(sin(W @ x))", lists({"W": W, "x": x}), Options(h=1e-5))
    assert result.gradient_check is not None
    checks = {c.name: c for c in result.gradient_check}
    assert checks["W"].shape == (2, 3) and np.shape(checks["W"].numeric) == (2, 3)
    numeric = central_differences(
        lambda v: float(np.sin(v["W"] @ v["x"]).sum()), {"W": W, "x": x}, h=1e-5
    )
    np.testing.assert_allclose(checks["W"].numeric, numeric["W"], rtol=1e-9)
    assert all(c.agrees and c.rel_error < 1e-6 for c in checks.values())


def test_gradient_check_skipped_over_budget() -> None:
    tiny = Settings(gradient_check_budget=100)
    result = run("sum(W @ x)", lists({"W": np.ones((5, 5)), "x": np.ones(5)}), settings=tiny)
    assert result.gradient_check is None
    assert any("skipped" in w and "gradient_check_budget" in w for w in result.warnings)


# -- non-finite numbers ----------------------------------------------------------------------------


def test_non_finite_entry_is_traced_to_its_gate() -> None:
    result = run("sum(log(x)) + sum(y)", {"x": [1.0, 0.0, 2.0], "y": [1.0]})
    forward = next(nf for nf in result.non_finite if nf.stage == "forward")
    assert result.graph.nodes[forward.node].op == "log"
    assert forward.value == -np.inf and "(1,)" in forward.message
    assert np.isneginf(result.output_value)


def test_non_finite_backward_is_traced() -> None:
    result = run("sum(sqrt(x))", {"x": [4.0, 0.0]})
    backward = next(nf for nf in result.non_finite if nf.stage == "backward")
    assert result.graph.nodes[backward.node].op == "sqrt"
    assert np.isposinf(backward.value)
    assert result.output_value == 2.0


# -- shapes, values and limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "values", "message", "position"),
    [
        (
            "sum(W @ x)",
            {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2, 3, 4]},
            "W @ x: shapes (2, 3) and (4,) do not align",
            6,
        ),
        (
            "sum(x + y)",
            {"x": [1, 2], "y": [1, 2, 3]},
            "x + y: shapes (2,) and (3,) do not broadcast",
            6,
        ),
        # a variable used again: the message quotes this use, not the first
        ("sum(W @ W)", {"W": [[1, 2, 3], [4, 5, 6]]}, "W @ W: shapes (2, 3) and (2, 3)", 6),
        (
            "sum(W @ x + x)",
            {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2, 3]},
            "W @ x + x: shapes (2,) and (3,) do not broadcast",
            10,
        ),
        ("sum(s @ x)", {"s": 2, "x": [1, 2]}, "@ needs vectors or matrices", 6),
        ("dot(x, y)", {"x": [1, 2], "y": [1, 2, 3]}, "same length", 0),
        ("sum(softmax(W))", {"W": [[1, 2], [3, 4]]}, "softmax needs a vector", 4),
        ("x[2]", {"x": [1, 2]}, "index 2 is out of range for shape (2,)", 1),
        ("x[0]", {"x": 3}, "a number has no entries", 1),
        ("sum(concat(x, W))", {"x": [1, 2], "W": [[1, 2]]}, "concat joins", 4),
        ("W @ x", {"W": [[1, 2], [3, 4]], "x": [1, 2]}, "wrap it in sum(", 2),
        ("x", {"x": [1, 2]}, "shape (2,)", 0),
    ],
)
def test_shape_errors_name_the_shapes_and_point_at_the_operator(
    text: str, values: dict[str, object], message: str, position: int
) -> None:
    with pytest.raises(ShapeError) as caught:
        run(text, values)
    assert message in caught.value.message
    assert caught.value.position == position
    assert caught.value.status_code == 400


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"x": [[1, 2], [3]]}, "ragged"),
        ({"x": [1, [2]]}, "mixes numbers and lists"),
        ({"x": [[[1]]]}, "nests lists"),
        ({"x": []}, "empty"),
        ({"x": [1, True]}, "numbers only"),
        ({"x": [1, "2"]}, "numbers only"),
        ({"x": [1, None]}, "numbers only"),
        ({"x": [1.0, float("nan")]}, "finite"),
        ({"x": [[1.0], [float("inf")]]}, "entry (1, 0) is inf"),
        ({"x": {"a": 1}}, "must be a number, a list"),
        # Python callers may pass ints past float64 (JSON ones arrive as floats)
        ({"x": [1, 10**400]}, "has an entry beyond float64's range"),
        ({"x": -(10**400)}, "is beyond float64's range"),
    ],
)
def test_bad_values_are_422_and_name_the_variable(values: dict[str, object], words: str) -> None:
    with pytest.raises(BadValue) as caught:
        run("sum(x)", values)
    assert words in caught.value.message
    assert "value of x" in caught.value.message
    assert caught.value.status_code == 422


def test_element_limits_are_413_and_named() -> None:
    small = Settings(max_value_elements=6, max_node_elements=8, max_total_elements=40)
    with pytest.raises(TooLarge, match="max_value_elements"):
        run("sum(x)", {"x": [0.0] * 7}, settings=small)
    with pytest.raises(TooLarge, match="max_node_elements") as caught:
        run("sum(x @ y.T)", {"x": [[1.0]] * 3, "y": [[1.0]] * 3}, settings=small)
    assert caught.value.position == 6 and caught.value.status_code == 413
    with pytest.raises(TooLarge, match="max_total_elements"):
        run("sum(x*x*x*x*x*x)", {"x": [1.0] * 6}, settings=small)


def test_defaults_accept_a_256_by_256_matrix() -> None:
    W, x = RNG.normal(size=(256, 256)), RNG.normal(size=256)
    result = run("sum(W @ x)", lists({"W": W, "x": x}))
    assert result.output_value == pytest.approx((W @ x).sum(), rel=1e-10)
    np.testing.assert_allclose(result.gradients()["W"], np.outer(np.ones(256), x))
    np.testing.assert_allclose(result.gradients()["x"], W.sum(axis=0), rtol=1e-12)
    assert result.gradient_check is None, "over the check's budget, said in a warning"


def test_missing_value_in_a_tensor_graph() -> None:
    with pytest.raises(ExpressionError, match="No value was given for x"):
        run("sum(W @ x)", {"W": [[1.0]]})
