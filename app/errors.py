"""What can go wrong with a learner's expression, as one small exception tree.

    ExpressionError            400  the expression or its values can't be computed
    ├── ParseError             400  malformed text: a stray character, an unbalanced bracket, …
    ├── UnknownName            400  a function or name the language does not have
    ├── MissingValue           400  a variable with no value given
    ├── BadValue               422  a value that is not a finite number (or array of them)
    ├── ShapeError             400  operands whose shapes do not fit together
    └── TooLarge               413  a documented limit was exceeded (the message names it)

Every error carries one sentence and, where there is one, the 0-based column in the
expression it points at. `app.main` maps the whole tree to a JSON 4xx with one handler.
"""

from __future__ import annotations


class ExpressionError(Exception):
    status_code = 400

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        # Set where the expression parsed: its variables, so that a page can offer a field
        # for each even though the values it has cannot be computed (a scalar W in W @ x).
        self.variables: list[str] | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, position={self.position})"

    def as_detail(self) -> dict[str, object]:
        detail: dict[str, object] = {"message": self.message, "position": self.position}
        if self.variables is not None:
            detail["variables"] = self.variables
        return detail


class ParseError(ExpressionError):
    pass


class UnknownName(ExpressionError):
    pass


class MissingValue(ExpressionError):
    """Names every variable without a value, so a client can ask for all of them at once."""

    def __init__(self, message: str, position: int | None, names: list[str]) -> None:
        super().__init__(message, position)
        self.names = names

    def as_detail(self) -> dict[str, object]:
        return {**super().as_detail(), "missing": self.names}


class BadValue(ExpressionError):
    status_code = 422


class ShapeError(ExpressionError):
    pass


class TooLarge(ExpressionError):
    status_code = 413
