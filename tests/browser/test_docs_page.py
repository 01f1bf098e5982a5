"""/docs renders the OpenAPI reference offline, with the lecture example, in real Chromium."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from playwright.sync_api import Browser, Route


@pytest.mark.browser
def test_docs_page_works_offline(browser: Browser, live_server: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def only_loopback(route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    page.goto(f"{live_server}/docs")
    page.get_by_text("/api/v1/graph").first.wait_for(timeout=15_000)
    page.locator(".opblock-post").first.click()
    page.get_by_text("(x+y)*max(y,z)").first.wait_for(timeout=5_000)
    assert outside == []
    assert errors == []
    page.close()
