"""One headless Chromium per test session, a fresh context per test, and two checks on every
page: nothing was requested from anywhere but 127.0.0.1, and the console stayed clean."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Playwright,
    Route,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOOPBACK = {"127.0.0.1"}
# Chromium logs every 4xx response as a console error. The API answers a bad expression with
# 400 on purpose; that one line is expected, and only for the graph endpoint.
EXPECTED_LOG = "Failed to load resource: the server responded with a status of 400"


@dataclass
class Traffic:
    """What a page asked for: every URL, the ones sent elsewhere (aborted), console errors."""

    requested: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    api_400s: int = 0


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    browser = playwright_session.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


def open_page(browser: Browser, traffic: Traffic, **context_options: object) -> Page:
    """A page in a fresh context, with every request outside 127.0.0.1 aborted and noted."""
    context = browser.new_context(
        **{"viewport": {"width": 1400, "height": 1000}, **context_options}
    )  # type: ignore[arg-type]

    def guard(route: Route) -> None:
        url = route.request.url
        traffic.requested.append(url)
        if urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            traffic.external.append(url)
            route.abort()

    def console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.text.startswith(EXPECTED_LOG) and "/api/v1/graph" in message.location.get(
            "url", ""
        ):
            traffic.api_400s += 1
            return
        traffic.errors.append(f"{message.text} ({message.location.get('url')})")

    context.route("**/*", guard)
    page = context.new_page()
    page.on("console", console)
    page.on("pageerror", lambda error: traffic.errors.append(f"page error: {error}"))
    return page


@pytest.fixture
def page(browser: Browser, traffic: Traffic) -> Iterator[Page]:
    page = open_page(browser, traffic)
    yield page
    page.context.close()
    assert traffic.external == [], f"requests left 127.0.0.1: {traffic.external}"
    assert traffic.errors == [], f"console errors: {traffic.errors}"


@pytest.fixture(scope="session")
def api(live_server: str) -> Iterator[httpx.Client]:
    """The API the page talks to, for the numbers the page must show."""
    with httpx.Client(base_url=live_server) as client:
        yield client


def screenshot(target: Page | Locator, name: str, **options: object) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    target.screenshot(path=str(path), **options)  # type: ignore[arg-type]
    return path
