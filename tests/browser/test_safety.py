"""Nothing leaves 127.0.0.1, and axe-core finds no serious or critical accessibility issue
in any state of the page: light and dark, the inspector open, an error shown, a phone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Traffic, open_page
from tests.browser.helpers import (
    BAD_EXPRESSION,
    LECTURE,
    LECTURE_VALUES,
    open_app,
    permalink,
)

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = {"serious", "critical"}


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Inject the vendored axe-core (through DevTools, so the page's CSP does not apply)."""
    page.evaluate(AXE.read_text())
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in BLOCKING
    ]


def assert_accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, json.dumps(violations, indent=1)


def show_everything(page: Page) -> None:
    """The inspector on a gate, the functions reference open: the most DOM there is."""
    page.click("[data-node=n4]")
    page.locator("#inspector .bp-card").first.wait_for()
    page.click(".bp-help summary")
    page.locator(".bp-help-table .katex").first.wait_for()


def test_nothing_is_requested_outside_loopback(
    page: Page, live_server: str, traffic: Traffic
) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    show_everything(page)
    page.click("[data-for=e3] .bp-value")
    page.locator("#inspector .bp-plot").wait_for()
    assert traffic.external == []
    assert any(url.endswith("/api/v1/graph") for url in traffic.requested)  # the guard sees traffic
    assert any("katex" in url for url in traffic.requested)
    assert all(url.startswith(live_server) or url.startswith("data:") for url in traffic.requested)


def test_axe_light_with_inspector_and_help(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    show_everything(page)
    assert_accessible(page)


def test_axe_dark_mode(browser: Browser, live_server: str, traffic: Traffic) -> None:
    page = open_page(browser, traffic, color_scheme="dark")
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    show_everything(page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 23, 28)"
    assert_accessible(page)
    page.context.close()
    assert traffic.errors == []


def test_axe_with_an_error_shown(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, BAD_EXPRESSION, LECTURE_VALUES), state="error")
    assert_accessible(page)


def test_axe_and_layout_at_phone_width(
    browser: Browser, live_server: str, traffic: Traffic
) -> None:
    page = open_page(
        browser, traffic, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    for selector in (
        "button[data-action=play]",
        ".bp-expr-input",
        ".bp-var[data-var=z] .bp-var-slider",
    ):
        box = page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
    assert_accessible(page)
    page.context.close()
    assert traffic.errors == []
