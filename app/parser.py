"""Text → graph: a tokenizer and an operator-precedence (shunting-yard) parser.

The grammar, loosest binding first:

    expr     := expr ('+' | '-') term
    term     := term ('*' | '/' | '@') unary | term implicit  2x, 2(x+y), (a+b)(c+d), x y
    unary    := ('-' | '+') unary | power
    power    := postfix ('^' | '**') unary                     right-associative: x^-2, 2^3^2
    postfix  := primary | postfix '.T' | postfix '[' integer ']'    W.T, v[2], v[-1]
    primary  := number | name | constant | name '(' expr (',' expr)* ')' | '(' expr ')'

`@` is the matrix product at the precedence of `*`, as in numpy; `.T` and `[k]` bind tightest,
so `u.T @ tanh(W @ x)` is (uᵀ) @ tanh(W @ x) and `-log(softmax(f)[1])` takes entry 1 first.

It builds the gate graph directly, so the graph mirrors the typing: `x - y` is one `sub` gate,
`a*b*c` two `mul` gates left to right, operands in the order typed. It keeps explicit stacks
instead of recursing, so no input can exhaust Python's stack, and it costs one pass over the
tokens. (lark's LALR parser was measured at 124 µs for the lecture example and 0.49 s for a
10,000-term sum; this parser is about ten times faster, which the API's throughput needs.)
No text ever reaches eval, sympify or parse_expr.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from difflib import get_close_matches

from app.clock import Clock
from app.config import Settings
from app.errors import ParseError, TooLarge, UnknownName
from app.gates import CONSTANTS, FUNCTION_NAMES, GATES_BY_OP, POWER, PRODUCT, SUM, UNARY
from app.graph import INPUT, Graph, GraphBuilder, Homoglyph, Lookalike

_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[^\W\d_]\w*)"
    r"|(?P<op>\*\*|[-+*/^(),@])"
    r"|(?P<transpose>\.T(?!\w))"
    r"|(?P<index>\[\s*-?\d+\s*\])"
    r"|(?P<other>.)",
    re.DOTALL,
)

# token text → (gate, precedence, right-associative)
_BINARY = {
    "+": ("add", SUM, False),
    "-": ("sub", SUM, False),
    "*": ("mul", PRODUCT, False),
    "/": ("div", PRODUCT, False),
    "@": ("matmul", PRODUCT, False),
    "^": ("pow", POWER, True),
    "**": ("pow", POWER, True),
}
_IMPLICIT = ("mul", PRODUCT, False)
_CHECK_EVERY = 4096  # tokens between two looks at the request's clock

_WHY_NOT = {
    "!": "Factorials ('!') are not supported",
    "'": "String literals are not supported",
    '"': "String literals are not supported",
    "=": "'=' is not an operator; type only the expression and give the values separately",
    ".": "'.' is only part of a number such as 0.5 or of a transpose such as W.T; attribute "
    "access is not supported",
    ":": "':' is not part of the expression language",
    ";": "';' is not part of the expression language",
    "[": "An index is one integer constant in brackets, such as v[2] or v[-1]",
    "\u2212": "'\u2212' (U+2212) is the typeset minus sign: type - instead",
    "\u00d7": "'\u00d7' is the typeset times sign: type * instead",
    "\u00b7": "'\u00b7' is the typeset times sign: type * instead",
    "\u22c5": "'\u22c5' is the typeset times sign: type * instead",
    "\u00f7": "'\u00f7' is the typeset division sign: type / instead",
    "]": "A ']' closes an index such as v[2], and there is no '[' before it",
}


@dataclass(slots=True)
class Token:
    kind: str  # number | name | call (a name and its '(') | op | transpose | index | end
    text: str
    position: int


@dataclass(slots=True)
class Frame:
    """An operator or bracket waiting on the stack for its operands."""

    kind: str  # binary | unary | paren | call
    op: str
    precedence: int
    right: bool
    position: int
    operands_below: int = 0  # call: how many operands were on the stack when it opened
    commas: int = 0


def tokenize(text: str, clock: Clock | None = None) -> list[Token]:
    tokens: list[Token] = []
    for count, match in enumerate(_TOKEN.finditer(text)):
        if clock is not None and count % _CHECK_EVERY == 0:
            clock.check()
        kind = match.lastgroup or ""
        if kind == "space":
            continue
        word, at = match[0], match.start()
        if kind == "name":
            if not word.isascii():
                _check_name(word, at)
        elif kind == "other":
            raise ParseError(f"{_why_not(word, text, at)} (column {at}).", at)
        elif word == "(" and tokens and _calls(tokens[-1], at):
            tokens[-1].kind = "call"
            continue
        tokens.append(Token(kind, word, at))
    tokens.append(Token("end", "", len(text)))
    return tokens


def _why_not(char: str, text: str, at: int) -> str:
    if char == "[" and _opens_a_literal(text, at):
        return (
            "A vector or a matrix is not written out in the expression: name it (W) and give "
            "its value with the others"
        )
    return _WHY_NOT.get(char, f"Unexpected character {char!r}")


def _opens_a_literal(text: str, at: int) -> bool:
    """[[1, 2]] or [1, 2], as opposed to an index that is not one integer (v[x], v[1.5])."""
    inside = text[at + 1 :].split("]", 1)[0]
    return inside.lstrip().startswith("[") or "," in inside


def _calls(token: Token, paren: int) -> bool:
    """A name directly before '(' is a function call, and so is a function's name before a
    space and '(' (sin (x)); any other name before a space is a product: x (y + 1)."""
    if token.kind != "name":
        return False
    return paren == token.position + len(token.text) or token.text in FUNCTION_NAMES


_SUPERSCRIPTS, _SUBSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹", "₀₁₂₃₄₅₆₇₈₉"
_TO_DIGITS = str.maketrans(_SUPERSCRIPTS + _SUBSCRIPTS, "0123456789" * 2)


def _check_name(name: str, at: int) -> None:
    """Names are letters (any script), ASCII digits and _: the regex's \\w also takes ², ₁, ½
    and other digits, and math letters such as 𝑥, which a learner means as something else."""
    for offset, char in enumerate(name):
        plain = unicodedata.normalize("NFKC", char)
        if (char.isalpha() and plain == char) or char in "0123456789_":
            continue
        rest = name[offset:]
        if char in _SUPERSCRIPTS:
            run = _leading(rest, _SUPERSCRIPTS)
            message = f"{run!r} is a superscript: write a power with ^, as in x^{_digits(run)}"
        elif char in _SUBSCRIPTS:
            run = _leading(rest, _SUBSCRIPTS)
            written = f"{name[:offset] or 'x'}_{_digits(run)}{rest[len(run) :]}"
            message = f"{run!r} is a subscript: write {written}"
        elif char.isalpha():  # 𝑥, pasted from typeset text, would be a second x
            message = (
                f"{char!r} (U+{ord(char):04X}) looks like {plain!r} (U+{ord(plain[0]):04X}) but "
                f"is another character: type {plain}"
            )
        else:
            message = f"{char!r} can't be part of a name (names are letters, 0-9 and _)"
        raise ParseError(f"{message} (column {at + offset}).", at + offset)


def _leading(text: str, chars: str) -> str:
    return text[: len(text) - len(text.lstrip(chars))]


def _digits(script: str) -> str:
    return script.translate(_TO_DIGITS)


def _slips(name: str) -> list[set[str]]:
    """What a slip of the finger makes of a function's name: a letter added inside it, one
    mistyped, one left out, or two swapped (in that order: a later kind wins a tie, so tahn is
    tanh's swap rather than tan with an h). Not the name cut short or run on (cos → co, cost;
    sin → sine, sinh), which are ordinary names for variables."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return [
        {name[:i] + c + name[i:] for i in range(1, len(name)) for c in letters},
        {name[:i] + c + name[i + 1 :] for i in range(len(name)) for c in letters} | {name},
        {name[:i] + name[i + 1 :] for i in range(len(name) - 1)},
        {name[:i] + name[i + 1] + name[i] + name[i + 2 :] for i in range(len(name) - 1)},
    ]


# Slip → the function it is a slip of; names under four letters (ex, co, mx) stay variables.
_SLIPS_BY_NAME = {name: _slips(name) for name in sorted(FUNCTION_NAMES)}
_SLIPS = {
    slip: name
    for kind in range(4)
    for name, slips in _SLIPS_BY_NAME.items()
    for slip in slips[kind]
    if len(slip) >= 4
}


class Parser:
    def __init__(self, text: str, settings: Settings) -> None:
        self.text = text
        self.settings = settings
        self.builder = GraphBuilder(text, settings.max_nodes)
        self.operands: list[int] = []
        # Where each operand on the stack was typed: a variable's node has one span, that of
        # its first use, but a gate must cover the use in front of it.
        self.spans: list[tuple[int, int]] = []
        self.frames: list[Frame] = []
        self.depth = 0
        self.lookalikes: dict[str, Lookalike | Homoglyph] = {}

    def parse(self, clock: Clock | None = None) -> Graph:
        expect_operand = True
        for count, token in enumerate(tokenize(self.text, clock)):
            if clock is not None and count % _CHECK_EVERY == 0:
                clock.check()
            if expect_operand:
                expect_operand = self._operand(token)
            elif token.kind == "end":
                break
            else:
                expect_operand = self._after_operand(token)
        self._reduce_all()
        graph = self.builder.finish(self.operands[-1])
        graph.lookalikes = self.lookalikes
        return graph

    # -- in operand position ------------------------------------------------------------------

    def _operand(self, token: Token) -> bool:
        """Read a token where a value must come. Returns True while a value is still due."""
        if token.kind == "number":
            self._number(token)
            return False
        if token.kind == "call":
            self._call_open(token)
            return True
        if token.kind == "name":
            self._name(token)
            return False
        if token.text == "(":
            self._open(Frame("paren", "", 0, False, token.position))
            return True
        if token.text in ("-", "+"):
            op = "neg" if token.text == "-" else "pos"
            self.frames.append(Frame("unary", op, UNARY, True, token.position))
            return True
        raise self._missing_value(token)

    def _missing_value(self, token: Token) -> ParseError:
        at = token.position
        if token.kind == "end":
            if not self.operands and not self.frames:
                return ParseError("The expression is empty.")
            return ParseError(f"The expression ends where a value is expected (column {at}).", at)
        top = self.frames[-1] if self.frames else None
        if token.text == ")" and top is not None and top.kind == "paren":
            return ParseError(f"Empty parentheses at column {top.position}.", top.position)
        if token.text in (")", ",") and top is not None and top.kind == "call":
            name = top.op
            return ParseError(f"A value is missing in {name}(…) at column {at}.", at)
        return ParseError(f"Expected a value before {token.text!r} at column {at}.", at)

    def _number(self, token: Token) -> None:
        value = float(token.text)
        limit = self.settings.max_abs_number
        if not math.isfinite(value) or abs(value) > limit:
            shown = (
                token.text
                if len(token.text) <= 24
                else f"{token.text[:20]}… ({len(token.text):,} characters)"
            )
            raise TooLarge(
                f"The number {shown} at column {token.position} is larger than "
                f"{limit:g}, the limit (max_abs_number).",
                token.position,
            )
        span = (token.position, token.position + len(token.text))
        self._push(self.builder.constant(value, token.text, token.text, span), span)

    def _call_open(self, token: Token) -> None:
        name, at = token.text, token.position
        if name not in FUNCTION_NAMES:
            raise UnknownName(self._unknown_function(name, at), at)
        self._open(Frame("call", FUNCTION_NAMES[name], 0, False, at, len(self.operands)))

    def _name(self, token: Token) -> None:
        name, at = token.text, token.position
        if name in FUNCTION_NAMES:
            syntax = GATES_BY_OP[FUNCTION_NAMES[name]].syntax
            raise ParseError(f"{name!r} at column {at} is a function: write {syntax}.", at)
        span = (at, at + len(name))
        if name in CONSTANTS:
            value, latex = CONSTANTS[name]
            self._push(self.builder.constant(value, name, latex, span), span)
        else:
            self._push(self.builder.variable(name, at), span)
            if not name.isascii() and name not in self.lookalikes:
                homoglyph = Homoglyph.of(name, at)
                if homoglyph is not None:
                    self.lookalikes[name] = homoglyph

    def _push(self, operand: int, span: tuple[int, int]) -> None:
        self.operands.append(operand)
        self.spans.append(span)

    def _gate(self, op: str, inputs: tuple[int, ...], at: int, span: tuple[int, int]) -> None:
        """A gate over the operands just popped, pushed as the next operand."""
        self._push(self.builder.gate(op, inputs, at, span), span)

    def _unknown_function(self, name: str, at: int) -> str:
        homoglyph = Homoglyph.of(name, at)
        if homoglyph is not None and homoglyph.latin in FUNCTION_NAMES:  # ехр, pasted
            return f"Unknown function {name!r} at column {at}: {homoglyph.hint(name)}."
        close = get_close_matches(name, FUNCTION_NAMES, n=1, cutoff=0.75)
        guess = f"did you mean {close[0]}? Known" if close else "known"
        known = ", ".join(sorted(FUNCTION_NAMES))
        return (
            f"Unknown function {name!r} at column {at}; {guess} functions are {known} "
            f"(for a product write {name}*(…))."
        )

    def _open(self, frame: Frame) -> None:
        self.depth += 1
        if self.depth > self.settings.max_depth:
            raise TooLarge(
                f"Brackets nest deeper than {self.settings.max_depth}, the limit (max_depth), "
                f"at column {frame.position}.",
                frame.position,
            )
        self.frames.append(frame)

    # -- after a complete operand --------------------------------------------------------------

    def _after_operand(self, token: Token) -> bool:
        """Read a token that follows a value. Returns True if a value must come next."""
        if token.kind == "op" and token.text in _BINARY:
            self._push_binary(*_BINARY[token.text], token.position)
            return True
        if token.text == ")":
            self._close(token)
            return False
        if token.text == ",":
            self._comma(token)
            return True
        if token.kind in ("transpose", "index"):
            self._postfix(token)
            return False
        if token.kind in ("name", "call") or token.text == "(":
            if token.text == "(":
                self._note_lookalike(self.operands[-1], self.spans[-1][0])
            self._push_binary(*_IMPLICIT, token.position)  # implicit multiplication
            return self._operand(token)
        before = self.text[: token.position].rstrip()[-20:]
        raise ParseError(
            f"Missing operator between {before!r} and {token.text!r} at column {token.position}.",
            token.position,
        )

    def _note_lookalike(self, operand: int, at: int) -> None:
        """`sigmod (x)` is the product of a variable and a bracket, as `x (y+1)` is; where the
        variable's name is a slip of a function's, the learner probably meant the call."""
        node = self.builder.nodes[operand]
        if node.kind != INPUT or node.name in self.lookalikes:
            return
        meant = _SLIPS.get(node.name) or _SLIPS.get(node.name.lower())
        if meant:
            self.lookalikes[node.name] = Lookalike(meant, at)

    def _postfix(self, token: Token) -> None:
        """`.T` or `[k]` applies at once to the value just read: nothing binds tighter."""
        operand, at = self.operands.pop(), token.position
        span = (self.spans.pop()[0], at + len(token.text))
        if token.kind == "transpose":
            self._gate("transpose", (operand,), at, span)
        else:
            self._push(self.builder.index(operand, int(token.text[1:-1]), at, span), span)

    def _push_binary(self, op: str, precedence: int, right: bool, at: int) -> None:
        while self.frames:
            top = self.frames[-1]
            if top.kind not in ("binary", "unary"):
                break
            if top.precedence < precedence or (top.precedence == precedence and right):
                break
            self._reduce()
        self.frames.append(Frame("binary", op, precedence, right, at))

    def _close(self, token: Token) -> None:
        self._reduce_operators()
        if not self.frames:
            raise ParseError(f"Unbalanced ')' at column {token.position}.", token.position)
        frame = self.frames.pop()
        self.depth -= 1
        if frame.kind == "call":
            self._call(frame, token.position + 1)
        else:  # the brackets belong to what they hold: (x+y)*z's product starts at the (
            self.spans[-1] = (frame.position, token.position + 1)

    def _comma(self, token: Token) -> None:
        self._reduce_operators()
        if not self.frames or self.frames[-1].kind != "call":
            raise ParseError(
                f"A comma at column {token.position} can only separate a function's arguments.",
                token.position,
            )
        self.frames[-1].commas += 1

    def _call(self, frame: Frame, end: int) -> None:
        count = len(self.operands) - frame.operands_below
        low, high = GATES_BY_OP[frame.op].arity
        high = high or self.settings.max_args
        if not low <= count <= high:
            wanted = f"{low}" if low == high else f"{low} to {high}"
            noun = "argument" if high == 1 else "arguments"
            raise ParseError(
                f"{frame.op}() at column {frame.position} takes {wanted} {noun}, not {count}.",
                frame.position,
            )
        args = tuple(self.operands[frame.operands_below :])
        del self.operands[frame.operands_below :], self.spans[frame.operands_below :]
        self._gate(frame.op, args, frame.position, (frame.position, end))

    # -- reductions ---------------------------------------------------------------------------

    def _reduce_operators(self) -> None:
        while self.frames and self.frames[-1].kind in ("binary", "unary"):
            self._reduce()

    def _reduce_all(self) -> None:
        self._reduce_operators()
        if self.frames:
            frame = self.frames[-1]
            what = f"{frame.op}(" if frame.kind == "call" else "("
            raise ParseError(
                f"Unclosed {what!r} at column {frame.position}: a ')' is missing.",
                frame.position,
            )

    def _reduce(self) -> None:
        frame = self.frames.pop()
        if frame.kind == "unary":
            self._reduce_unary(frame)
            return
        right, left = self.operands.pop(), self.operands.pop()
        (_, end), (start, _) = self.spans.pop(), self.spans.pop()
        self._gate(frame.op, (left, right), frame.position, (start, end))

    def _reduce_unary(self, frame: Frame) -> None:
        operand = self.operands[-1]
        if frame.op == "pos":
            return  # unary plus changes nothing, so it adds no gate
        node = self.builder.nodes[operand]
        span = (frame.position, self.spans[-1][1])
        if node.kind == "constant" and node.span[0] == frame.position + 1 and node.name[0] != "-":
            # "-2" typed as one number is one constant, not a neg gate over 2
            node.constant, node.name = -node.constant, "-" + node.name
            node.latex, node.span = "-" + node.latex, span
            self.spans[-1] = span
            return
        self.operands.pop(), self.spans.pop()
        self._gate("neg", (operand,), frame.position, span)


def parse(text: str, settings: Settings, clock: Clock | None = None) -> Graph:
    """Parse a learner's expression into its gate graph, or raise an `ExpressionError`
    (`TooLarge` if it takes longer than the request's clock allows)."""
    if len(text) > settings.max_chars:
        raise TooLarge(
            f"The expression has {len(text):,} characters; the limit (max_chars) is "
            f"{settings.max_chars:,}."
        )
    return Parser(text, settings).parse(clock)
