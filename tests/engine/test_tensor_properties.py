"""Generated shapes and expressions over vectors and matrices.

Each generated expression is written twice: as text for the engine, and as a numpy function
built here, from which central differences give an independent gradient of every entry. The
bookkeeping invariants are checked on every edge: upstream has the gate's shape, downstream the
source's, the Jacobian contracted with upstream gives downstream, and a node's grad is the sum
of what its edges pass back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.engine import Options, evaluate
from app.parser import parse
from app.tensor_engine import TensorEvaluation

SETTINGS = Settings()
Shape = tuple[int, ...]
Env = dict[str, np.ndarray]


@dataclass(frozen=True)
class Expr:
    text: str
    fn: Callable[[Env], np.ndarray]
    shape: Shape


# Every compound expression is written in parentheses, so that the text groups as the numpy
# function does.


def variable(shape: Shape) -> Expr:
    """One variable per shape: s, v3, M2x3."""
    name = "s" if not shape else f"v{shape[0]}" if len(shape) == 1 else f"M{shape[0]}x{shape[1]}"
    return Expr(name, lambda env: env[name], shape)


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


SMOOTH: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "sin": np.sin,
    "cos": np.cos,
    "softplus": lambda z: np.log1p(np.exp(z)),
}


def elementwise(draw: st.DrawFn, shape: Shape, depth: int) -> Expr:
    kind = draw(st.sampled_from(["unary", "binary", "broadcast", "divide", "square"]))
    if kind == "unary":
        name = draw(st.sampled_from(sorted(SMOOTH)))
        a = draw(expr_of(shape, depth - 1))
        return Expr(f"{name}({a.text})", lambda env: SMOOTH[name](a.fn(env)), shape)
    if kind == "square":
        a = draw(expr_of(shape, depth - 1))
        return Expr(f"({a.text})^2", lambda env: a.fn(env) ** 2, shape)
    if kind == "divide":  # a denominator that stays away from 0
        a, b = draw(expr_of(shape, depth - 1)), draw(expr_of(shape, depth - 1))
        return Expr(
            f"({a.text} / (1 + {b.text}*{b.text}))",
            lambda env: a.fn(env) / (1 + b.fn(env) ** 2),
            shape,
        )
    op = draw(st.sampled_from(["+", "-", "*"]))
    a = draw(expr_of(shape, depth - 1))
    # broadcast: the other operand has a shape numpy stretches to this one
    other = shape if kind == "binary" else draw(st.sampled_from(stretchable(shape)))
    b = draw(expr_of(other, depth - 1))
    apply = {"+": np.add, "-": np.subtract, "*": np.multiply}[op]
    return Expr(f"({a.text} {op} {b.text})", lambda env: apply(a.fn(env), b.fn(env)), shape)


def stretchable(shape: Shape) -> list[Shape]:
    options: list[Shape] = [()]
    if len(shape) == 2:
        options += [(shape[1],), (1, shape[1]), (shape[0], 1)]
    return options


def reduction(draw: st.DrawFn, depth: int) -> Expr:
    kind = draw(st.sampled_from(["sum", "mean", "dot", "logsumexp", "index", "inner"]))
    n = draw(st.integers(1, 3))
    if kind in ("sum", "mean"):
        a = draw(expr_of(draw(st.sampled_from([(n,), (2, n)])), depth - 1))
        reduce = np.sum if kind == "sum" else np.mean
        return Expr(f"{kind}({a.text})", lambda env: reduce(a.fn(env)), ())
    if kind == "logsumexp":
        a = draw(expr_of((n,), depth - 1))
        return Expr(f"logsumexp({a.text})", lambda env: np.log(np.exp(a.fn(env)).sum()), ())
    if kind == "index":
        a = draw(expr_of((n,), depth - 1))
        k = draw(st.integers(-n, n - 1))
        return Expr(f"({a.text})[{k}]", lambda env: a.fn(env)[k], ())
    a, b = draw(expr_of((n,), depth - 1)), draw(expr_of((n,), depth - 1))
    if kind == "dot":
        return Expr(f"dot({a.text}, {b.text})", lambda env: a.fn(env) @ b.fn(env), ())
    return Expr(f"(({a.text}).T @ {b.text})", lambda env: a.fn(env) @ b.fn(env), ())


def vector_op(draw: st.DrawFn, n: int, depth: int) -> Expr:
    kind = draw(st.sampled_from(["matvec", "vecmat", "softmax", "concat", "row"]))
    if kind == "matvec":
        k = draw(st.integers(1, 3))
        W, x = draw(expr_of((n, k), depth - 1)), draw(expr_of((k,), depth - 1))
        return Expr(f"({W.text} @ {x.text})", lambda env: W.fn(env) @ x.fn(env), (n,))
    if kind == "vecmat":
        k = draw(st.integers(1, 3))
        x, W = draw(expr_of((k,), depth - 1)), draw(expr_of((k, n), depth - 1))
        return Expr(f"({x.text} @ {W.text})", lambda env: x.fn(env) @ W.fn(env), (n,))
    if kind == "softmax":
        a = draw(expr_of((n,), depth - 1))
        return Expr(
            f"softmax({a.text})", lambda env: np.exp(a.fn(env)) / np.exp(a.fn(env)).sum(), (n,)
        )
    if kind == "row":
        rows = draw(st.integers(1, 3))
        k = draw(st.integers(-rows, rows - 1))
        W = draw(expr_of((rows, n), depth - 1))
        return Expr(f"({W.text})[{k}]", lambda env: W.fn(env)[k], (n,))
    first = draw(st.integers(0, n))  # concat(a, b) with a of `first` entries (0: a number)
    a = draw(expr_of((first,) if first else (), depth - 1))
    b = draw(expr_of((n - max(first, 1),), depth - 1)) if n - max(first, 1) else None
    if b is None:
        return Expr(f"concat({a.text})", lambda env: np.atleast_1d(a.fn(env)), (n,))
    return Expr(
        f"concat({a.text}, {b.text})",
        lambda env: np.concatenate([np.atleast_1d(a.fn(env)), b.fn(env)]),
        (n,),
    )


def matrix_op(draw: st.DrawFn, shape: Shape, depth: int) -> Expr:
    m, n = shape
    if draw(st.booleans()):
        a = draw(expr_of((n, m), depth - 1))
        return Expr(f"({a.text}).T", lambda env: a.fn(env).T, shape)
    k = draw(st.integers(1, 3))
    A, B = draw(expr_of((m, k), depth - 1)), draw(expr_of((k, n), depth - 1))
    return Expr(f"({A.text} @ {B.text})", lambda env: A.fn(env) @ B.fn(env), shape)


@st.composite
def expr_of(draw: st.DrawFn, shape: Shape, depth: int) -> Expr:
    """An expression whose value has `shape`, at most `depth` gates deep."""
    if depth <= 0 or draw(st.integers(0, 3)) == 0:
        return variable(shape)
    if draw(st.booleans()):
        return elementwise(draw, shape, depth)
    if not shape:
        return reduction(draw, depth)
    if len(shape) == 1:
        return vector_op(draw, shape[0], depth)
    return matrix_op(draw, shape, depth)


@st.composite
def problems(draw: st.DrawFn) -> tuple[Expr, Env]:
    expr = reduction(draw, 4)  # a tensor gate on top: the numpy engine answers
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    env = {}
    for name in parse(expr.text, SETTINGS).variables:
        shape = () if name == "s" else tuple(int(d) for d in name[1:].split("x"))
        env[name] = np.round(rng.uniform(-1, 1, size=shape), 3)
    return expr, env


def central_differences(expr: Expr, env: Env, h: float = 1e-6) -> Env:
    grads = {}
    for name, base in env.items():
        grad = np.zeros(base.shape)
        for i in range(base.size):
            up, down = np.array(base, dtype=float), np.array(base, dtype=float)
            up.reshape(-1)[i] += h
            down.reshape(-1)[i] -= h
            grad.reshape(-1)[i] = (expr.fn(env | {name: up}) - expr.fn(env | {name: down})) / (
                2 * h
            )
        grads[name] = grad
    return grads


def run(expr: Expr, env: Env) -> TensorEvaluation:
    values = {name: v.tolist() for name, v in env.items()}
    result = evaluate(parse(expr.text, SETTINGS), values, SETTINGS, Options(gradient_check=False))
    assert isinstance(result, TensorEvaluation)
    return result


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_every_gradient_entry_agrees_with_central_differences(problem: tuple[Expr, Env]) -> None:
    expr, env = problem
    result = run(expr, env)
    assert result.output_value == pytest.approx(float(expr.fn(env)), rel=1e-12, abs=1e-12)
    numeric = central_differences(expr, env)
    assume(all(np.isfinite(g).all() and np.abs(g).max() < 1e4 for g in numeric.values()))
    for name, grad in result.gradients().items():
        assert grad.shape == env[name].shape, (expr.text, name)
        np.testing.assert_allclose(
            grad, numeric[name], rtol=1e-5, atol=1e-6, err_msg=f"{expr.text}: ∂/∂{name}"
        )


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_edge_shapes_and_jacobians_add_up(problem: tuple[Expr, Env]) -> None:
    expr, env = problem
    result = run(expr, env)
    graph = result.graph
    received: dict[int, np.ndarray] = {}
    # The engine may add a fan-out's contributions in another order, so rounding is
    # bounded by the size of the addends, not of their (possibly cancelling) sum.
    magnitude: dict[int, np.ndarray] = {}
    for e, (source, target, _) in enumerate(graph.edges):
        up, down, local = result.upstream[e], result.downstream[e], result.local[e]
        assert up.shape == result.shapes[target] and down.shape == result.shapes[source]
        if local is not None:
            assert local.shape == result.shapes[target] + result.shapes[source]
            np.testing.assert_allclose(
                np.tensordot(up, local, axes=up.ndim), down, rtol=1e-12, atol=1e-14
            )
        received[source] = received.get(source, 0) + down
        magnitude[source] = magnitude.get(source, 0) + np.abs(down)
    for node in graph.nodes:
        if node.index != graph.output:
            engine, summed = result.grads[node.index], received[node.index]
            close = np.abs(engine - summed) <= 1e-14 * magnitude[node.index]
            same = (engine == summed) | (np.isnan(engine) & np.isnan(summed))
            assert (close | same).all(), (expr.text, node.index, engine, summed)
