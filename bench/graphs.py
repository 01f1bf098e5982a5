"""Expressions of a chosen size, for the browser bench and the page's large-graph tests.

A scalar network, as a learner would type one: a sum of units v_i·tanh(w_i·x_j + b_i) over four
shared inputs. Each unit adds eight nodes; single terms u_k top it up to the size asked for.
"""

from __future__ import annotations

from app.config import Settings
from app.parser import parse

INPUTS = 4
NODES_PER_UNIT = 8  # v, w, b, two mul, add, tanh, and the add that joins the sum


def sized_expression(nodes: int) -> tuple[str, dict[str, float]]:
    """An expression whose graph has exactly `nodes` nodes (at least 8), with its values."""
    units = max(1, (nodes - 3) // NODES_PER_UNIT)  # 8·units + 3 nodes, from four units on
    if (nodes - 3 - NODES_PER_UNIT * units) % 2 == 1 and units > 4:
        units -= 1  # an odd top-up needs three nodes at least
    terms = [f"v{i}*tanh(w{i}*x{i % INPUTS} + b{i})" for i in range(units)]
    values = {f"x{j}": 0.25 * (j + 1) for j in range(INPUTS)}
    for i in range(units):
        values |= {
            f"v{i}": round(0.5 - 0.01 * (i % 50), 2),
            f"w{i}": (i % 7 - 3) / 10,
            f"b{i}": i / 100,
        }
    text = " + ".join(terms)
    missing = nodes - node_count(text)
    # Each extra "+ u_k" adds two nodes; an odd remainder becomes "+ 1", also two nodes, so
    # the first extra term is a unary minus (three nodes) when the count is odd.
    if missing % 2 == 1:
        text, values, missing = f"{text} - -u", {**values, "u": 0.5}, missing - 3
    for k in range(missing // 2):
        text += f" + u{k}"
        values[f"u{k}"] = 0.1
    return text, values


def node_count(text: str) -> int:
    return len(parse(text, Settings()).nodes)
