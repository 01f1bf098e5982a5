"""Vectors and matrices on the page (issue #4): the window model's per-word gradients read
from the page against the API and an independent numpy computation, the summed gradient of a
repeated word, every preset, the inspector on W → W @ x, and a matrix in the URL."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import httpx
import numpy as np
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import screenshot
from tests.browser.helpers import graph_json, open_app, wait_for_state

pytestmark = pytest.mark.browser

WORDS = ["x_museums", "x_in", "x_Paris", "x_are", "x_amazing"]
WINDOW = "u.T @ tanh(W @ concat(x_museums, x_in, x_Paris, x_are, x_amazing) + b)"


def load_preset(page: Page, preset_id: str) -> dict[str, Any]:
    """Pick an example from the menu; returns the preset as the page defines it."""
    page.select_option("select.bp-preset", preset_id)
    preset = page.evaluate(
        "async (id) => (await import('/static/js/presets.js')).PRESETS.find((p) => p.id === id)",
        preset_id,
    )
    page.wait_for_function(
        "(expr) => new URLSearchParams(location.search).get('expr') === expr"
        " && document.querySelector('#app').dataset.state === 'ready'",
        arg=preset["expression"],
    )
    return preset  # type: ignore[no-any-return]


def page_gradient(page: Page, name: str) -> Any:
    """The exact gradient the table's input-gradient list shows for one input."""
    return json.loads(page.inner_text(f"#table tr[data-input='{name}'] [data-field=gradient]"))


def test_window_model_word_gradients(page: Page, live_server: str, api: httpx.Client) -> None:
    open_app(page, f"{live_server}/")
    preset = load_preset(page, "window")
    assert preset["expression"] == WINDOW
    values = preset["values"]
    graph = graph_json(api, WINDOW, values)

    page.keyboard.press("Home")
    page.select_option(".bp-speed", "4")
    page.click("button[data-action=play]")
    steps = 2 * len(graph["nodes"])
    page.wait_for_selector(f"#graph-panel[data-step='{steps}']", timeout=20_000)
    page.wait_for_selector("button[data-action=play][aria-pressed=false]")
    screenshot(page, "window-model", full_page=True)

    # Independently: z = W x_window + b, δ = u ∘ (1 − tanh²(z)), ∂s/∂x_window = Wᵀ δ.
    W, u, b = (np.asarray(values[k], dtype=float) for k in ("W", "u", "b"))
    window = np.concatenate([np.asarray(values[w], dtype=float) for w in WORDS])
    delta = u * (1 - np.tanh(W @ window + b) ** 2)
    expected = W.T @ delta

    result = page.inner_text(".bp-result")
    for k, word in enumerate(WORDS):
        exact = np.asarray(page_gradient(page, word))
        assert exact.shape == (4,)
        np.testing.assert_array_equal(exact, graph["gradients"][word])
        np.testing.assert_allclose(exact, expected[4 * k : 4 * k + 4], rtol=1e-12, atol=1e-15)
        # The result line under the drawing, as printed (4 significant digits).
        match = re.search(rf"∂f/∂{word} = \[([^\]]*)\]", result)
        assert match, result
        shown = [float(t.replace("\u2212", "-")) for t in match.group(1).split(", ")]
        np.testing.assert_allclose(shown, expected[4 * k : 4 * k + 4], rtol=1e-3)
    # Each word vector's value and gradient are drawn as heatmaps of its shape.
    x_in = next(n["id"] for n in graph["nodes"] if n["name"] == "x_in")
    assert page.locator(f"[data-for={x_in}] .bp-grad .bp-heat-cell").count() == 4
    assert page.locator(f"[data-for={x_in}] .bp-shape-badge").text_content() == "4"


def test_repeated_word_gradient_is_the_sum(page: Page, live_server: str, api: httpx.Client) -> None:
    open_app(page, f"{live_server}/")
    preset = load_preset(page, "window-repeat")
    graph = graph_json(api, preset["expression"], preset["values"])
    page.click("#table tr[data-input='x_in'] button")
    panel = page.locator("#inspector .bp-panel")
    panel.locator(".bp-fanout").wait_for()
    terms = [
        json.loads(panel.locator(f"data[data-field='downstream {i}']").get_attribute("value") or "")
        for i in (1, 2)
    ]
    total = json.loads(
        panel.locator(".bp-gradient > .bp-numbers data[data-field=gradient]").get_attribute("value")
        or ""
    )
    np.testing.assert_allclose(np.add(*terms), total, rtol=1e-12)
    np.testing.assert_array_equal(total, graph["gradients"]["x_in"])
    # …and each term is the slice of Wᵀδ for one of the two positions of x_in.
    v = {k: np.asarray(x, dtype=float) for k, x in preset["values"].items()}
    delta = v["u"] * (
        1 - np.tanh(v["W"] @ np.concatenate([v["x_in"], v["x_Paris"], v["x_in"]]) + v["b"]) ** 2
    )
    grad_window = v["W"].T @ delta
    np.testing.assert_allclose(
        sorted(map(tuple, terms)),
        sorted([tuple(grad_window[:4]), tuple(grad_window[8:])]),
        rtol=1e-12,
    )


def test_every_preset_computes(page: Page, live_server: str) -> None:
    open_app(page, f"{live_server}/")
    ids = page.eval_on_selector_all(
        "select.bp-preset option", "options => options.map((o) => o.value).filter(Boolean)"
    )
    assert {"layer-sigmoid", "window", "window-repeat", "softmax-matrix"} <= set(ids)
    for preset_id in ids:
        load_preset(page, preset_id)
        assert not page.locator(".bp-error.is-shown").count(), preset_id
        assert page.locator("#gradcheck .is-bad").count() == 0, preset_id


def test_sigmoid_layer_inspector_on_w(page: Page, live_server: str, api: httpx.Client) -> None:
    open_app(page, f"{live_server}/")
    preset = load_preset(page, "layer-sigmoid")
    graph = graph_json(api, preset["expression"], preset["values"])
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    edge = next(e for e in graph["edges"] if names[e["source"]] == "W")
    page.focus(f"g[data-edge={edge['id']}]")
    page.keyboard.press("Enter")
    card = page.locator(f"#inspector .bp-card[data-edge={edge['id']}]")
    card.wait_for()
    downstream = json.loads(
        card.locator("data[data-field=downstream]").get_attribute("value") or ""
    )
    np.testing.assert_array_equal(downstream, edge["downstream"])
    np.testing.assert_allclose(
        downstream, np.outer(edge["upstream"], preset["values"]["x"]), rtol=1e-12
    )
    assert edge["local_latex"] == r"\delta\, x^{\top}"
    assert card.locator(".katex").count() >= 3
    screenshot(page, "sigmoid-layer-inspector-w", full_page=True)


def test_matrix_values_round_trip_through_the_url(page: Page, live_server: str) -> None:
    W = [[1, 2], [3, 4]]
    url = f"{live_server}/?expr={quote('sum(W @ x)')}&W={quote(json.dumps(W))}&x={quote('[1,-1]')}"
    open_app(page, url)
    assert json.loads(page.input_value("[data-var=W] input")) == W
    page.fill("[data-var=W] input", "[[1,2],[3,5]]")
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('W') === '[[1,2],[3,5]]'"
    )
    wait_for_state(page)
    assert page.inner_text(".bp-result").startswith("f = −3")


def test_a_value_that_is_not_yet_a_matrix_replaces_the_last_error(
    page: Page, live_server: str
) -> None:
    """A shape error, then a ragged W: the error under the expression is now about W as typed
    (nothing was sent); a W that fits clears it and computes."""
    url = f"{live_server}/?expr={quote('sum(W @ x)')}&W={quote('[[1,2,3]]')}&x={quote('[1,-1]')}"
    open_app(page, url, state="error")
    assert "shape" in page.inner_text(".bp-error").lower()
    page.fill("[data-var=W] input", "[[1,2],[3]]")
    page.wait_for_selector("[data-var=W] input[aria-invalid]")
    assert page.inner_text(".bp-error") == (
        "W is not a vector or a matrix yet: write [1, 2] or [[1, 2], [3, 4]], with finite "
        "numbers and rows of equal length."
    )
    assert page.get_attribute(".bp-expr-input", "aria-invalid") is None  # the expression is fine
    screenshot(page, "ragged-matrix-value")
    page.fill("[data-var=W] input", "[[1,2],[3,5]]")
    wait_for_state(page)
    assert page.inner_text(".bp-error") == ""
    assert page.inner_text(".bp-result").startswith("f = −3")  # 1−2 + 3−5


def test_an_unreadable_value_keeps_its_message_and_leaves_an_expression_error(
    page: Page, live_server: str
) -> None:
    """An answer for the value before arrives after W stopped being readable: the message about
    W comes back. And where the expression's text is wrong, that error stays."""
    url = (
        f"{live_server}/?expr={quote('sum(W @ x)')}&W={quote('[[1,2],[3,4]]')}&x={quote('[1,-1]')}"
    )
    open_app(page, url)
    message = (
        "W is not a vector or a matrix yet: write [1, 2] or [[1, 2], [3, 4]], with finite "
        "numbers and rows of equal length."
    )
    answered = []

    def slowly(route: Any) -> None:
        page.wait_for_timeout(600)  # the answer for [[1,2],[3,5]] comes after the next edit
        route.continue_()
        answered.append(route.request.url)

    page.route("**/api/v1/graph*", slowly)
    page.fill("[data-var=W] input", "[[1,2],[3,5]]")
    page.wait_for_timeout(400)  # past the page's debounce: that request is on its way
    page.fill("[data-var=W] input", "[[1,2],[3]]")
    page.wait_for_function("() => document.querySelector('#app').dataset.state === 'ready'")
    page.wait_for_function(
        "(m) => document.querySelector('.bp-error').innerText === m", arg=message
    )
    assert answered  # the late answer did arrive, and did not wipe the message
    page.unroute("**/api/v1/graph*")

    page.fill(".bp-expr-input", "sum(W @ x) +")
    wait_for_state(page, "error")
    caret_error = page.inner_text(".bp-error")
    assert "ends where a value is expected" in caret_error
    page.fill("[data-var=W] input", "[[1,2],[3,")
    page.wait_for_selector("[data-var=W] input[aria-invalid]")
    assert page.inner_text(".bp-error") == caret_error  # the text's error is still true
    assert page.get_attribute(".bp-expr-input", "aria-invalid") == "true"


def strongest_of_blocks(matrix: np.ndarray, row_step: int, col_step: int) -> list[float]:
    """Row by row, each block's entry of largest magnitude, sign kept (independently of the
    page's JavaScript)."""
    strongest = []
    for top in range(0, matrix.shape[0], row_step):
        for left in range(0, matrix.shape[1], col_step):
            block = matrix[top : top + row_step, left : left + col_step].ravel()
            strongest.append(float(block[np.argmax(np.abs(block))]))
    return strongest


def test_a_large_matrix_is_drawn_in_blocks(page: Page, live_server: str) -> None:
    rng = np.random.default_rng(3)
    W = rng.normal(size=(70, 130)).round(2)
    W[7, 5] = -9.0
    x = rng.normal(size=130).round(2)

    def compact(a: np.ndarray) -> str:
        return quote(json.dumps(a.tolist(), separators=(",", ":")), safe="[],-.")

    open_app(page, f"{live_server}/?expr={quote('sum(tanh(W @ x))')}&W={compact(W)}&x={compact(x)}")
    screenshot(page, "large-matrix", full_page=True)
    # 70 rows in blocks of 2, 130 columns in blocks of 3: 35 × 44 squares, not 9,100.
    cells = page.locator(".bp-value .bp-heat[data-shape='70×130'] .bp-heat-cell")
    assert cells.count() == 35 * 44
    titles = cells.evaluate_all("(rects) => rects.map((r) => r.textContent)")
    assert titles[3 * 44 + 1] == "W[6:8, 3:6]: 6 entries, the strongest -9"
    assert titles[-1].startswith("W[68:70, 129:130]: 2 entries, the strongest ")
    shown = [float(t.rsplit(" ", 1)[1]) for t in titles]
    assert shown == strongest_of_blocks(W, 2, 3)
    # The vector x (130 entries) is drawn in blocks of 3 too: 44 squares.
    assert page.locator(".bp-value .bp-heat[data-shape='130'] .bp-heat-cell").count() == 44
