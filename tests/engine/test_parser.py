"""The graph mirrors the typing, and malformed text is refused with a position."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.errors import ExpressionError, ParseError, TooLarge, UnknownName
from app.graph import Graph, Lookalike
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
        ("x (y+1)", "mul(x, add(y, 1))"),  # a space: a product, not a call of x
        ("sin (x) + max (x, y)", "add(sin(x), max(x, y))"),  # a function may have one
        ("α*β + w_0", "add(mul(α, β), w_0)"),
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
        ("tanhh(x)", UnknownName, 0, "'tanhh' at column 0; did you mean tanh? Known functions"),
        ("x!", ParseError, 1, "Factorial"),
        (
            "2*\u0435\u0445\u0440(x)",
            UnknownName,
            2,
            "is not the Latin exp: \u0435 is U+0435 CYRILLIC",
        ),
        ("2 \u2212 x", ParseError, 2, "typeset minus sign: type - instead"),  # pasted from notes
        ("2\u00d7x", ParseError, 1, "typeset times sign: type * instead"),
        ("a\u00b7b", ParseError, 1, "typeset times sign: type * instead"),
        ("a \u00f7 b", ParseError, 2, "typeset division sign: type / instead"),
        ("concat(W, [[1, 2]])", ParseError, 10, "A vector or a matrix is not written out"),
        ("[1, 2] @ x", ParseError, 0, "name it (W) and give its value with the others"),
        ("v[x]", ParseError, 1, "An index is one integer constant in brackets, such as v[2]"),
        ("v[1.5]", ParseError, 1, "An index is one integer constant in brackets, such as v[2]"),
        ("9" * 800, TooLarge, 0, "The number 99999999999999999999… (800 characters) at column 0"),
        ("'x'", ParseError, 0, "String"),
        ("x.__class__", ParseError, 1, "attribute"),
        ("x = 1", ParseError, 2, "'='"),
        ("max(x)", ParseError, 0, "2 to 32"),
        ("sin(x, y)", ParseError, 0, "takes 1 argument, not 2"),
        ("sin", ParseError, 0, "function"),
        ("x, y", ParseError, 1, "comma"),
        ("2 3", ParseError, 2, "Missing operator"),
        ("max(x,)", ParseError, 6, "missing"),
        ("x $ y", ParseError, 2, "Unexpected character"),
        ("3x² + 1", ParseError, 2, "superscript: write a power with ^, as in x^2"),
        ("(x+1)³", ParseError, 5, "as in x^3"),
        ("w₁₀ * x", ParseError, 1, "subscript: write w_10"),
        ("x½", ParseError, 1, "'½' can't be part of a name"),
        ("𝑥𝑦 + 1", ParseError, 0, "'𝑥' (U+1D465) looks like 'x' (U+0078) but is another"),
        ("x₁y", ParseError, 1, "subscript: write x_1y"),
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


# -- vectors and matrices: @, .T and [k] -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W @ x", "matmul(W, x)"),
        ("u.T @ tanh(W @ x_window + b)", "matmul(transpose(u), tanh(add(matmul(W, x_window), b)))"),
        ("a*B@c", "matmul(mul(a, B), c)"),  # @ is at the precedence of *, left to right
        ("A @ B * c", "mul(matmul(A, B), c)"),
        ("W @ x + b", "add(matmul(W, x), b)"),
        ("-x.T", "neg(transpose(x))"),
        ("x^y.T", "pow(x, transpose(y))"),
        ("2W.T", "mul(2, transpose(W))"),
        ("(a+b).T", "transpose(add(a, b))"),
        ("W.T.T", "transpose(transpose(W))"),
        ("v[2]", "index(v)"),
        ("v[-1] + W[0][1]", "add(index(v), index(index(W)))"),
        ("-log(softmax(f)[1])", "neg(log(index(softmax(f))))"),
        ("x_Paris.T @ x_in", "matmul(transpose(x_Paris), x_in)"),
        (
            "concat(x_museums, x_in, x_Paris, x_are, x_amazing)",
            "concat(x_museums, x_in, x_Paris, x_are, x_amazing)",
        ),
        (
            "sum(v) + mean(v) + dot(u, v) + logsumexp(v)",
            "add(add(add(sum(v), mean(v)), dot(u, v)), logsumexp(v))",
        ),
        ("v[ 3 ]", "index(v)"),
    ],
)
def test_tensor_syntax_mirrors_the_typing(text: str, expected: str) -> None:
    assert shape(parse(text, SETTINGS)) == expected


def test_index_and_transpose_are_postfix_gates_with_their_own_label() -> None:
    graph = parse("softmax(f)[-1] + W.T[0]", SETTINGS)
    labels = {n.label for n in graph.nodes if n.op in ("index", "transpose")}
    assert labels == {"[-1]", "[0]", "ᵀ"}
    index = next(n for n in graph.nodes if n.label == "[-1]")
    assert graph.text[index.span[0] : index.span[1]] == "softmax(f)[-1]"
    assert index.position == len("softmax(f)")
    assert graph.tensor_ops
    assert not parse("x*y + max(x, y)", SETTINGS).tensor_ops


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("v[i]", 1, "one integer constant"),
        ("v[1.5]", 1, "one integer constant"),
        ("v[]", 1, "one integer constant"),
        ("v[1:2]", 1, "one integer constant"),
        ("v]", 1, "no '['"),
        ("x.y", 1, "attribute"),
        ("x.Tab", 1, "transpose such as W.T"),
        (".T", 0, "Expected a value"),
        ("[1]", 0, "Expected a value"),
        ("W @", 3, "ends"),
        ("@ x", 0, "Expected a value"),
        ("sum(x, y)", 0, "takes 1 argument, not 2"),
    ],
)
def test_malformed_tensor_syntax_is_refused_with_its_column(
    text: str, position: int, words: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text, SETTINGS)
    assert caught.value.position == position
    assert words.lower() in caught.value.message.lower()


def test_tensor_latex() -> None:
    from app.graph import expression_latex

    cases = {
        "u.T @ sigmoid(W @ x + b)": r"u^{\top}\,\sigma\left(W\,x + b\right)",
        "softmax(f)[1]": r"\operatorname{softmax}\left(f\right)[1]",
        "x_in[0]": r"x_{\text{in}}[0]",
        "x.T.T^2": r"\left(\left(x^{\top}\right)^{\top}\right)^{2}",
        "concat(a, b)": r"\begin{bmatrix} a \\ b \end{bmatrix}",
        "dot(a + b, v)": r"\left\langle a + b, v \right\rangle",
    }
    for text, latex in cases.items():
        assert expression_latex(parse(text, SETTINGS)) == latex, text


@pytest.mark.parametrize(
    ("text", "typed"),
    [
        ("x*x", ["x*x"]),
        ("y + x*(x + y)", ["x + y", "x*(x + y)", "y + x*(x + y)"]),
        ("(x+y)*z", ["x+y", "(x+y)*z"]),
        ("x.T @ A @ x", ["x.T", "x.T @ A", "x.T @ A @ x"]),
        ("max(x, y) - -y", ["max(x, y)", "-y", "max(x, y) - -y"]),
        ("x[0] + x", ["x[0]", "x[0] + x"]),
    ],
)
def test_each_gate_spans_the_text_it_was_typed_as(text: str, typed: list[str]) -> None:
    """A variable's node keeps the span of its first use; a gate over a later use must still
    cover that use, or a shape error would quote the wrong text."""
    graph = parse(text, SETTINGS)
    gates = [n for n in graph.nodes if n.gate is not None]
    assert [text[n.span[0] : n.span[1]] for n in gates] == typed


@pytest.mark.parametrize(
    ("text", "lookalikes"),
    [
        ("sigmod (x)", {"sigmod": Lookalike("sigmoid", 0)}),  # a letter left out
        ("relu(x) + tahn (x) * tahn", {"tahn": Lookalike("tanh", 10)}),  # swapped; that use
        (
            "Relu (x) + sotfmax (v)",
            {"Relu": Lookalike("relu", 0), "sotfmax": Lookalike("softmax", 11)},
        ),
        ("cost (y - t)^2 + sine (x) + cosh (x)", {}),  # run on: ordinary names
        ("ex (x) + co (y)", {}),  # under four letters
        ("sigmod(x)", None),  # directly before its bracket: a call, to an unknown function
        ("x (y + 1)", {}),  # a name unlike any function's: the product the README describes
        ("sigmod * (x)", {}),  # an explicit product was meant
        ("tanh (x)", {}),  # a function's name before a space and a bracket is a call
        ("2 (x)", {}),
    ],
)
def test_a_variable_that_looks_like_a_function_before_a_bracket_is_noted(
    text: str, lookalikes: dict[str, Lookalike] | None
) -> None:
    if lookalikes is None:
        with pytest.raises(UnknownName):
            parse(text, SETTINGS)
        return
    assert parse(text, SETTINGS).lookalikes == lookalikes


def test_a_name_with_letters_that_only_look_latin_is_noted() -> None:
    """х (Cyrillic) beside x makes two variables that look the same; α and мама are names."""
    graph = parse("\u0445 * x + \u03b1 + \u043c\u0430\u043c\u0430", SETTINGS)
    assert list(graph.variables) == ["\u0445", "x", "\u03b1", "\u043c\u0430\u043c\u0430"]
    assert list(graph.lookalikes) == ["\u0445"]
    assert graph.lookalikes["\u0445"].note("\u0445") == (
        "\u0445 at column 0 is not x: \u0445 is U+0445 CYRILLIC SMALL LETTER HA, so it is a "
        "variable of its own."
    )
