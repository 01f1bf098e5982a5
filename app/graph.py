"""The computational graph: nodes in topological order and one edge per (gate, input) pair.

The parser adds nodes through `GraphBuilder` only after their inputs exist, so the order of
`Graph.nodes` is already a topological order: the forward pass walks it left to right and the
backward pass right to left. A variable typed several times is one node with several edges.
Shapes are not part of the graph: they come with the values, so one parsed graph serves numbers,
vectors and matrices alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from app.errors import TooLarge
from app.gates import ATOM, GATES_BY_OP, TENSOR_GATES
from app.symbolic import CompiledGate, compile_gate, compile_tensor_gate, fill

INPUT, CONSTANT, OP = "input", "constant", "op"

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "omicron", "rho", "sigma", "tau", "upsilon", "phi", "chi",
    "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
}  # fmt: skip
_TRAILING_DIGITS = re.compile(r"^([^\d_]+?)(\d+)$")
INDEX_GATE = next(gate for gate in TENSOR_GATES if gate.op == "index")


def latex_name(name: str) -> str:
    """x → x, w0 → w_{0}, x_1 → x_{1}, alpha → \\alpha, x_museums → x_{\\text{museums}}."""
    head, sep, tail = name.partition("_")
    if not sep:
        match = _TRAILING_DIGITS.match(name)
        if match:
            head, tail = match[1], match[2]
    head_tex = rf"\{head}" if head in _GREEK else head if len(head) == 1 else rf"\mathrm{{{head}}}"
    if not tail:
        return head_tex
    tail_tex = tail if tail.isdigit() or len(tail) == 1 else rf"\text{{{tail}}}"
    return f"{head_tex}_{{{tail_tex}}}"


@dataclass(slots=True, eq=False)
class Node:
    index: int
    kind: str  # input | constant | op
    name: str  # the variable, the constant as typed, or the intermediate's given name
    span: tuple[int, int]  # where it was typed: text[start:end]
    position: int  # the column to point at: the operator, the function name or the token
    gate: CompiledGate | None = None
    inputs: tuple[int, ...] = ()
    constant: float = 0.0
    latex: str = ""

    @property
    def id(self) -> str:
        return f"n{self.index}"

    @property
    def op(self) -> str | None:
        return self.gate.op if self.gate else None

    @property
    def label(self) -> str:
        """What is drawn: the gate's symbol, or the input's name."""
        return self.gate.symbol if self.gate else self.name

    def __repr__(self) -> str:
        inputs = ", ".join(f"n{i}" for i in self.inputs)
        what = self.op or self.kind
        return f"<Node {self.id} {what} {self.name!r}" + (f" ({inputs})>" if inputs else ">")


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A variable typed before a bracket whose name resembles a function's: `sigmod (x)`."""

    function: str
    position: int  # where that use was typed

    def note(self, name: str) -> str:
        """The warning that goes with every answer for the expression."""
        return (
            f"{name} at column {self.position} is a variable, so '{name} (…)' multiplies it by "
            f"the bracket: did you mean {self.function}(…)?"
        )

    def hint(self, name: str) -> str:
        """Added to an error's sentence: the slip may be what went wrong."""
        return f"'{name} (…)' is {name} times a bracket: did you mean {self.function}(…)?"


# Letters of other scripts that look like Latin ones, as text pasted from elsewhere brings
# them: Cyrillic (х, а, е, о, р, с, у, …) and Greek capitals and omicron. Greek small letters
# such as α and ν stay names of their own.
_TO_LATIN = str.maketrans(
    "\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u04bb\u0501\u051b\u051d"
    "\u0410\u0412\u0415\u041a\u041c\u041d\u041e\u0420\u0421\u0422\u0425\u0406\u0408\u0405"
    "\u03bf\u039f\u0391\u0392\u0395\u0396\u0397\u0399\u039a\u039c\u039d\u03a1\u03a4\u03a5\u03a7",
    "aeopcyxijshdqwABEKMHOPCTXIJSoOABEZHIKMNPTYX",
)


@dataclass(frozen=True, slots=True)
class Homoglyph:
    """A variable whose name looks Latin but has letters of another script (х, Cyrillic, for
    x): a variable of its own, which a learner would not guess."""

    latin: str  # the name it looks like
    position: int  # where it was first typed

    @staticmethod
    def of(name: str, position: int) -> Homoglyph | None:
        latin = name.translate(_TO_LATIN)
        return Homoglyph(latin, position) if latin != name and latin.isascii() else None

    def note(self, name: str) -> str:
        """The warning that goes with every answer for the expression."""
        return (
            f"{name} at column {self.position} is not {self.latin}: {self._letters(name)}, so "
            "it is a variable of its own."
        )

    def hint(self, name: str) -> str:
        """Added to an error's sentence."""
        return f"{name} is not the Latin {self.latin}: {self._letters(name)}"

    @staticmethod
    def _letters(name: str) -> str:
        others = dict.fromkeys(c for c in name if not c.isascii())
        return ", ".join(f"{c} is U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in others)


@dataclass(slots=True)
class Graph:
    text: str
    nodes: list[Node]
    output: int
    variables: dict[str, int]  # name → node index, in order of first appearance
    edges: list[tuple[int, int, int]] = field(default_factory=list)  # (source, target, index)
    first_edge: list[int] = field(default_factory=list)  # per node, its first incoming edge
    requires_grad: list[bool] = field(default_factory=list)  # depends on some input
    tensor_ops: bool = False  # uses a gate that only exists for arrays (@, .T, sum, …)
    lookalikes: dict[str, Lookalike | Homoglyph] = field(default_factory=dict)  # by variable
    # What serialisers derive from the structure alone, kept here because parsed graphs are
    # cached and reused with new values.
    memo: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<Graph {self.text!r}: {len(self.nodes)} nodes, {len(self.edges)} edges>"

    @property
    def ops(self) -> list[Node]:
        return [node for node in self.nodes if node.gate is not None]

    def operand_latex(self, index: int) -> str:
        node = self.nodes[index]
        if node.kind == CONSTANT and node.constant < 0:
            return rf"\left({node.latex}\right)"
        return node.latex


class GraphBuilder:
    """Collects nodes while the parser reads, enforcing the node limit as it goes."""

    def __init__(self, text: str, max_nodes: int) -> None:
        self.text = text
        self.max_nodes = max_nodes
        self.nodes: list[Node] = []
        self.variables: dict[str, int] = {}
        self.tensor_ops = False

    def _add(self, node: Node) -> int:
        if len(self.nodes) >= self.max_nodes:
            raise TooLarge(
                f"The expression needs more than {self.max_nodes:,} nodes, the limit (max_nodes).",
                node.position,
            )
        self.nodes.append(node)
        return node.index

    def variable(self, name: str, position: int) -> int:
        index = self.variables.get(name)
        if index is None:
            span = (position, position + len(name))
            node = Node(len(self.nodes), INPUT, name, span, position, latex=latex_name(name))
            index = self.variables[name] = self._add(node)
        return index

    def constant(self, value: float, text: str, latex: str, span: tuple[int, int]) -> int:
        node = Node(len(self.nodes), CONSTANT, text, span, span[0], constant=value, latex=latex)
        return self._add(node)

    def gate(
        self,
        op: str,
        inputs: tuple[int, ...],
        position: int,
        span: tuple[int, int],
        compiled: CompiledGate | None = None,
    ) -> int:
        """A gate over existing nodes, typed at text[span[0]:span[1]] with its operator at
        `position`; `compiled` is given only for one made on the spot."""
        compiled = compiled or compile_gate(op, len(inputs))
        if compiled.tensor_only:
            self.tensor_ops = True
        node = Node(len(self.nodes), OP, "", span, position, compiled, inputs)
        return self._add(node)

    def index(self, operand: int, k: int, position: int, span: tuple[int, int]) -> int:
        """v[k]: one compiled gate per k, made on the spot (a cache keyed by k could grow
        without bound)."""
        compiled = compile_tensor_gate(INDEX_GATE, 1, k)
        return self.gate("index", (operand,), position, span, compiled)

    def finish(self, output: int) -> Graph:
        graph = Graph(self.text, self.nodes, output, self.variables, tensor_ops=self.tensor_ops)
        _connect(graph)
        _name_intermediates(graph)
        return graph


def _connect(graph: Graph) -> None:
    requires, edges, first_edge = graph.requires_grad, graph.edges, graph.first_edge
    for node in graph.nodes:
        first_edge.append(len(edges))
        inputs, index = node.inputs, node.index
        if not inputs:
            requires.append(node.kind == INPUT)
        elif len(inputs) == 2:  # most gates: spelled out, as the engine's steps are
            a, b = inputs
            edges += ((a, index, 0), (b, index, 1))
            requires.append(requires[a] or requires[b])
        else:
            edges += [(source, index, k) for k, source in enumerate(inputs)]
            requires.append(any(requires[source] for source in inputs))


def _name_intermediates(graph: Graph) -> None:
    """Name gates as the lecture does: a, b, … in forward order, and f for the output."""
    taken = set(graph.variables) | {"e", "f"}
    letters = iter(c for c in "abcdghkmnpqrstuvwxyz" if c not in taken)
    counter = 0
    for node in graph.nodes:
        if node.gate is None:
            continue
        if node.index == graph.output:
            node.name = "f" if "f" not in graph.variables else "out"
            node.latex = latex_name(node.name)
            continue
        letter = next(letters, None)
        if letter is None:
            counter += 1
            while f"n{counter}" in taken:
                counter += 1
            node.name, node.latex = f"n{counter}", f"n_{{{counter}}}"
        else:
            node.name, node.latex = letter, letter


def expression_latex(graph: Graph) -> str:
    """The whole expression as LaTeX, with parentheses only where precedence needs them.

    Built bottom-up in node order, so it never recurses, however deep the expression.
    """
    texts: list[str] = []
    precedence: list[int] = []
    for node in graph.nodes:
        if node.gate is None:
            texts.append(graph.operand_latex(node.index) if node.kind == CONSTANT else node.latex)
            precedence.append(ATOM)
            continue
        op = node.gate.op
        own = GATES_BY_OP[op].precedence
        operands = [
            _wrap(texts[i], precedence[i], own, right=k > 0, op=op, inner_op=graph.nodes[i].op)
            for k, i in enumerate(node.inputs)
        ]
        texts.append(fill(node.gate.forward_latex, operands))
        precedence.append(own)
    return texts[graph.output]


def _wrap(text: str, inner: int, outer: int, right: bool, op: str, inner_op: str | None) -> str:
    if op in ("div", "max", "min") or outer == ATOM:
        return text  # \frac and function brackets already group their operands
    if op == "pow" and right:
        return text  # the exponent is typeset as a superscript group
    if inner_op == "transpose" and op in ("pow", "transpose"):
        return rf"\left({text}\right)"  # x^{\top}^{2} is not LaTeX: one superscript each
    # Mirror the typing: a right operand of equal precedence was bracketed by the learner.
    needs = inner < outer or (inner == outer and (right or op == "pow"))
    return rf"\left({text}\right)" if needs else text
