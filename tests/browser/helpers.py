"""Small things the browser tests share: links to the page, waiting, reading numbers."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
from playwright.sync_api import Locator, Page

LECTURE = "(x+y)*max(y,z)"
LECTURE_VALUES = {"x": 1.0, "y": 2.0, "z": 0.0}
BAD_EXPRESSION = "(x+y)*max(y,,z)"  # the API: "A value is missing in max(…) at column 12."
NEURON = "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2.0, "x0": -1.0, "w1": -3.0, "x1": -2.0, "w2": -3.0}


def permalink(base: str, expression: str, values: dict[str, float], **extra: object) -> str:
    """The page's own URL format: ?expr=…&x=1&…&step=…"""
    parts = [f"expr={quote(expression, safe='()*,')}"]
    parts += [f"{name}={value:g}" for name, value in values.items()]
    parts += [f"{key}={value}" for key, value in extra.items()]
    return f"{base}/?{'&'.join(parts)}"


def open_app(page: Page, url: str, state: str = "ready") -> Page:
    page.goto(url)
    wait_for_state(page, state)
    return page


def wait_for_state(page: Page, state: str = "ready", timeout: float = 30_000) -> None:
    page.wait_for_selector(f"#app[data-state={state}]", state="attached", timeout=timeout)


def number(locator: Locator) -> float:
    """A number as the page prints it (true minus sign, ∞)."""
    text = (locator.text_content() or "").strip().replace("\u2212", "-").replace("∞", "inf")
    return float(text)


def graph_json(api: httpx.Client, expression: str, values: dict[str, float]) -> dict[str, Any]:
    response = api.post("/api/v1/graph", json={"expression": expression, "values": values})
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def node_id(graph: dict[str, Any], name: str) -> str:
    return next(node["id"] for node in graph["nodes"] if node["name"] == name)


def is_visible_text(locator: Locator) -> bool:
    """SVG labels are hidden with visibility, which Playwright's is_visible also honours."""
    return bool(locator.evaluate("el => getComputedStyle(el).visibility === 'visible'"))
