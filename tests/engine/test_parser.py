"""The graph mirrors the typing, and malformed text is refused with a position."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.errors import ExpressionError, ParseError, TooLarge, UnknownName
from app.graph import Graph
from app.parser import parse

SETTINGS = Settings()


def ops(graph: Graph) -> list[str]:
    return [n.op for n in graph.nodes if n.op]


def shape(graph: Graph, index: int | None = None) -> str:
    """The graph written back as a fully bracketed expression, e.g. mul(add(x, y), z)."""
    node = graph.nodes[graph.output if index is None else index]
    if node.gate is None:
        return node.name
    return f"{node.op}({', '.join(shape(graph, i) for i in node.inputs)})"


def test_lecture_example_has_three_inputs_and_add_max_mul() -> None:
    graph = parse("(x+y)*max(y,z)", SETTINGS)
    assert [n.name for n in graph.nodes if n.kind == "input"] == ["x", "y", "z"]
    assert ops(graph) == ["add", "max", "mul"]
    y = graph.variables["y"]
    assert [t for s, t, _ in graph.edges if s == y] == [2, 4]  # one node, two edges


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x - y", "sub(x, y)"),
        ("x / y", "div(x, y)"),
        ("-x", "neg(x)"),
        ("a*b*c", "mul(mul(a, b), c)"),
        ("a-b-c", "sub(sub(a, b), c)"),
        ("2^3^x", "pow(2, pow(3, x))"),
        ("x**2", "pow(x, 2)"),
        ("-x^2", "neg(pow(x, 2))"),
        ("x^-2", "pow(x, -2)"),
        ("2x", "mul(2, x)"),
        ("2 x", "mul(2, x)"),
        ("2(x+y)", "mul(2, add(x, y))"),
        ("(a+b)(c+d)", "mul(add(a, b), add(c, d))"),
        ("2x^2", "mul(2, pow(x, 2))"),
        ("x y", "mul(x, y)"),
        ("y*x", "mul(y, x)"),
        ("-(a+b)", "neg(add(a, b))"),
        ("+x", "x"),
        ("x + +y", "add(x, y)"),
        ("2*-x", "mul(2, neg(x))"),
        ("max(x, y, z)", "max(x, y, z)"),
        ("leaky_relu(x, a)", "leaky_relu(x, a)"),
        ("ln(x)", "log(x)"),
        ("1e-3x", "mul(1e-3, x)"),
        ("x_1 + alpha + w0", "add(add(x_1, alpha), w0)"),
        ("xy", "xy"),
        ("maxval + 1", "add(maxval, 1)"),
        ("1/2x", "mul(div(1, 2), x)"),
    ],
)
def test_graph_mirrors_the_typing(text: str, expected: str) -> None:
    assert shape(parse(text, SETTINGS)) == expected


def test_multi_letter_name_is_one_variable() -> None:
    graph = parse("alpha*beta", SETTINGS)
    assert list(graph.variables) == ["alpha", "beta"]


def test_constants_are_constant_nodes() -> None:
    graph = parse("2*pi*x + e", SETTINGS)
    constants = [(n.name, n.constant) for n in graph.nodes if n.kind == "constant"]
    assert constants == [
        ("2", 2.0),
        ("pi", pytest.approx(3.141592653589793)),
        ("e", pytest.approx(2.718281828459045)),
    ]
    assert list(graph.variables) == ["x"]


def test_nodes_are_in_topological_order() -> None:
    graph = parse("sin(x*y) + max(x, exp(y), 2)", SETTINGS)
    for node in graph.nodes:
        assert all(i < node.index for i in node.inputs), node


def test_intermediates_are_named_like_the_lecture() -> None:
    graph = parse("(x+y)*max(y,z)", SETTINGS)
    assert [n.name for n in graph.nodes] == ["x", "y", "a", "z", "b", "f"]


@pytest.mark.parametrize(
    ("text", "error", "position", "words"),
    [
        ("", ParseError, None, "empty"),
        ("   ", ParseError, None, "empty"),
        ("(x+y", ParseError, 0, "Unclosed"),
        ("x+y)", ParseError, 3, "Unbalanced"),
        ("max(x, y", ParseError, 0, "Unclosed"),
        ("x +", ParseError, 3, "ends"),
        ("x * * y", ParseError, 4, "Expected a value"),
        ("()", ParseError, 0, "Empty parentheses"),
        ("foo(x)", UnknownName, 0, "foo"),
        ("2 + bar(x)", UnknownName, 4, "bar"),
        ("x!", ParseError, 1, "Factorial"),
        ("'x'", ParseError, 0, "String"),
        ("x.__class__", ParseError, 1, "attribute"),
        ("x = 1", ParseError, 2, "'='"),
        ("max(x)", ParseError, 0, "2 to 32"),
        ("sin(x, y)", ParseError, 0, "1 arguments"),
        ("sin", ParseError, 0, "function"),
        ("x, y", ParseError, 1, "comma"),
        ("2 3", ParseError, 2, "Missing operator"),
        ("max(x,)", ParseError, 6, "missing"),
        ("x $ y", ParseError, 2, "Unexpected character"),
    ],
)
def test_malformed_text_is_refused_with_its_column(
    text: str, error: type[ExpressionError], position: int | None, words: str
) -> None:
    with pytest.raises(error) as caught:
        parse(text, SETTINGS)
    assert caught.value.position == position
    assert words.lower() in caught.value.message.lower()


def test_limits_name_themselves() -> None:
    small = Settings(max_chars=10, max_nodes=5, max_depth=3)
    with pytest.raises(TooLarge, match="max_chars"):
        parse("x" * 11, small)
    with pytest.raises(TooLarge, match="max_nodes"):
        parse("a+b+c+d", small)
    with pytest.raises(TooLarge, match="max_depth") as caught:
        parse("((((x))))", small)
    assert caught.value.position == 3
    with pytest.raises(TooLarge, match="max_abs_number"):
        parse("1e999 * x", SETTINGS)


def test_deep_input_never_recurses() -> None:
    deep = "-" * 20_000 + "x"
    graph = parse(deep, SETTINGS)
    assert len(graph.nodes) == 20_001
    power_tower = "^".join(["x"] * 5_000)
    assert len(parse(power_tower, SETTINGS).nodes) == 5_000
