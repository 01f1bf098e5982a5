"""The standalone bundle opened from file:// runs its linked modules with no network."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from app.bundle import standalone_html
from tests.api.test_bundle import small_module_tree


@pytest.mark.browser
def test_standalone_page_runs_from_file_without_network(browser: Browser, tmp_path: Path) -> None:
    modules = small_module_tree(tmp_path / "static")
    data = {"x": 2, "note": "</script> stays text"}
    page_file = tmp_path / "out.html"
    page_file.write_text(
        standalone_html("t", modules, [], data, '<p id="out">waiting</p>', modules.parent.parent)
    )
    page = browser.new_page()
    requests: list[str] = []
    page.route("**/*", lambda route: (requests.append(route.request.url), route.continue_()))
    logs: list[str] = []
    page.on("console", lambda m: logs.append(m.text))
    page.goto(page_file.as_uri())
    page.wait_for_function("document.getElementById('out').textContent !== 'waiting'")
    assert page.inner_text("#out") == "ok 42"
    assert logs == ["ok 21"]
    assert [r for r in requests if not r.startswith(("file:", "blob:", "data:"))] == []
    assert json.loads(page.inner_text("#bp-data"))["note"] == "</script> stays text"
    page.close()
