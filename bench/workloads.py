"""The workloads every benchmark shares: text and values, as a learner or a script sends them."""

from __future__ import annotations

from typing import Any

Workload = tuple[str, dict[str, Any]]

LECTURE: Workload = ("(x+y)*max(y,z)", {"x": 1.0, "y": 2.0, "z": 0.0})
SIGMOID_NEURON: Workload = (
    "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
    {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0},
)


def sum_of_products(n: int) -> Workload:
    text = " + ".join(f"x{i}*y{i}" for i in range(n))
    values = {f"x{i}": 0.5 + i % 3 for i in range(n)} | {f"y{i}": 1.5 - i % 5 for i in range(n)}
    return text, values


def tanh_chain(depth: int) -> Workload:
    return "tanh(" * depth + "x" + ")" * depth, {"x": 0.3}


def scalar_mlp(inputs: int = 4, hidden: int = 8) -> Workload:
    """One output over `hidden` tanh units of `inputs` inputs, written out as scalars."""
    units = []
    values: dict[str, Any] = {f"x{i}": 0.1 * (i + 1) for i in range(inputs)}
    for j in range(hidden):
        terms = " + ".join(f"w{j}_{i}*x{i}" for i in range(inputs))
        units.append(f"v{j}*tanh({terms} + b{j})")
        values |= {f"w{j}_{i}": 0.05 * (i - j) for i in range(inputs)}
        values |= {f"b{j}": 0.01 * j, f"v{j}": 0.2 - 0.03 * j}
    return " + ".join(units), values


def matrix_vector(n: int = 256) -> Workload:
    """W @ x with an n×n matrix, summed (the output must be one number); a 4xx until the
    engine has vectors, and the benchmarks then skip it with a note."""
    w = [[((i * n + j) % 7 - 3) * 0.01 for j in range(n)] for i in range(n)]
    x = [((j % 5) - 2) * 0.1 for j in range(n)]
    return "sum(W @ x)", {"W": w, "x": x}


WORKLOADS: dict[str, Workload] = {
    "lecture (x+y)*max(y,z)": LECTURE,
    "sigmoid neuron": SIGMOID_NEURON,
    "MLP 4-8-1 (tanh)": scalar_mlp(),
    "sum of 1k products": sum_of_products(1_000),
    "sum of 10k products": sum_of_products(10_000),
    "tanh chain, 500 deep": tanh_chain(500),
}
MATRIX_VECTOR = "sum(W @ x), 256×256"
SLOPE_SIZES = (500, 1_000, 2_000, 5_000, 10_000)
