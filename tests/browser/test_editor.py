"""The editor: the API's errors under the expression, value fields and sliders, examples."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Traffic
from tests.browser.helpers import (
    BAD_EXPRESSION,
    LECTURE,
    LECTURE_VALUES,
    NEURON,
    NEURON_VALUES,
    graph_json,
    number,
    open_app,
    permalink,
    wait_for_state,
)

pytestmark = pytest.mark.browser

BAD = BAD_EXPRESSION


def test_bad_expression_points_at_the_reported_column(
    page: Page, live_server: str, api: httpx.Client, traffic: Traffic
) -> None:
    detail = api.post("/api/v1/graph", json={"expression": BAD, "values": LECTURE_VALUES}).json()[
        "detail"
    ]
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.fill(".bp-expr-input", BAD)
    wait_for_state(page, "error")
    error = page.locator(".bp-error.is-shown")
    assert error.locator(".bp-error-message").inner_text() == detail["message"]
    assert error.get_attribute("data-position") == str(detail["position"])
    assert error.locator("mark").inner_text() == BAD[detail["position"]]
    lines = error.locator(".bp-caret-line").all_inner_texts()
    assert lines[0] == BAD and lines[1].index("^") == detail["position"]
    mark, caret = error.locator("mark").bounding_box(), error.locator(".bp-caret").bounding_box()
    assert mark and caret
    assert (
        abs((caret["x"] + caret["width"] - mark["width"]) - mark["x"]) < 2
    )  # the ^ under the mark
    assert page.get_attribute(".bp-expr-input", "aria-invalid") == "true"
    # the last answer stays in view, all of it marked: the drawing faded, the text muted, and
    # each panel's title says whose answer it is
    assert "is-stale" in (page.get_attribute("#app", "class") or "")
    assert page.eval_on_selector(".bp-view-host", "e => getComputedStyle(e).opacity") == "0.4"
    muted = page.eval_on_selector(".bp-hint", "e => getComputedStyle(e).color")
    for text in (".bp-result", "#gradcheck td", "#table td", "#table-title"):
        assert page.eval_on_selector(text, "e => getComputedStyle(e).color") == muted, text
    note = "getComputedStyle(document.querySelector('#gradcheck-title'), '::after').content"
    assert page.evaluate(note) == '" (the last expression that computed)"'
    assert page.eval_on_selector(".bp-error-message", "e => getComputedStyle(e).color") != muted

    error.locator(".bp-caret-view").click()  # puts the cursor at the column
    assert page.evaluate("document.activeElement.selectionStart") == detail["position"]
    page.fill(".bp-expr-input", LECTURE)
    wait_for_state(page, "ready")
    assert page.locator(".bp-error.is-shown").count() == 0
    assert traffic.api_400s >= 1  # the browser logged the API's 400, and nothing else


def test_slider_recomputes_live_without_a_new_layout(
    page: Page, live_server: str, api: httpx.Client
) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    before = page.eval_on_selector_all(
        "[data-node]", "nodes => nodes.map(n => n.getAttribute('transform'))"
    )
    drawing = page.evaluate_handle("document.querySelector('.bp-graph').firstChild")
    slider = page.locator(".bp-var[data-var=z] .bp-var-slider")
    slider.focus()
    page.keyboard.press("End")  # the slider's maximum, 5
    page.wait_for_function(
        "() => document.querySelector('.bp-stub .bp-value').textContent === '15'"
    )
    expected = graph_json(api, LECTURE, {**LECTURE_VALUES, "z": 5.0})
    assert page.input_value(".bp-var[data-var=z] .bp-var-value") == "5"
    for name in LECTURE_VALUES:
        node = next(n for n in expected["nodes"] if n["name"] == name)
        assert number(page.locator(f"[data-for={node['id']}] .bp-grad")) == node["grad"]
    for edge in expected["edges"]:
        assert number(page.locator(f"[data-for={edge['id']}] .bp-grad")) == edge["downstream"]
    after = page.eval_on_selector_all(
        "[data-node]", "nodes => nodes.map(n => n.getAttribute('transform'))"
    )
    assert after == before
    assert page.evaluate("d => d.isConnected", drawing)  # the same drawing, not a new one
    page.wait_for_function("() => location.search.includes('z=5')")


def test_a_value_that_is_not_a_finite_number_is_marked_and_explained(
    page: Page, live_server: str
) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    field = ".bp-var[data-var=x] .bp-var-value"
    message = "x is not a finite number yet: type one such as 0.5 or -2e3."
    for text in ("", "1e400"):
        page.fill(field, text)
        assert page.get_attribute(field, "aria-invalid") == "true", text
        assert page.eval_on_selector(field, "f => getComputedStyle(f).boxShadow") != "none"
        assert page.inner_text(".bp-error.is-shown .bp-error-message") == message
        assert number(page.locator(".bp-stub .bp-value")) == 6.0  # nothing sent: x is still 1
    page.fill(field, "3")
    page.wait_for_function(
        "() => document.querySelector('.bp-stub .bp-value').textContent === '10'"
    )
    assert page.get_attribute(field, "aria-invalid") is None
    assert page.locator(".bp-error.is-shown").count() == 0


def test_a_slider_range_that_is_not_a_range_is_undone_and_said(
    page: Page, live_server: str
) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    low = ".bp-var[data-var=z] .bp-var-bound >> nth=0"
    page.fill(low, "200")  # above the maximum, 5
    page.locator(low).dispatch_event("change")
    assert page.input_value(low) == "-5"
    message = page.eval_on_selector(".bp-var[data-var=z] .bp-var-bound", "f => f.validationMessage")
    assert message == "The slider's minimum must be below its maximum; it stays \u22125 to 5."
    page.fill(low, "-10")  # typing again clears it, and a real range is taken
    page.locator(low).dispatch_event("change")
    assert (
        page.eval_on_selector(".bp-var[data-var=z] .bp-var-bound", "f => f.validationMessage") == ""
    )
    assert page.get_attribute(".bp-var[data-var=z] .bp-var-slider", "min") == "-10"


def test_a_bad_link_with_nothing_computed_yet_marks_nothing_stale(
    page: Page, live_server: str
) -> None:
    open_app(page, permalink(live_server, BAD, LECTURE_VALUES), state="error")
    assert "is-stale" not in (page.get_attribute("#app", "class") or "")
    note = "getComputedStyle(document.querySelector('#gradcheck-title'), '::after').content"
    assert page.evaluate(note) == "none"


def test_an_empty_field_put_back_by_an_answer_takes_its_message_along(
    page: Page, live_server: str
) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.fill(".bp-var[data-var=x] .bp-var-value", "")
    assert page.locator(".bp-error.is-shown").count() == 1
    page.locator(".bp-var[data-var=z] .bp-var-slider").focus()
    page.keyboard.press("End")  # z = 5: an answer arrives, computed with x = 1
    page.wait_for_function(
        "() => document.querySelector('.bp-stub .bp-value').textContent === '15'"
    )
    wait_for_state(page, "ready")
    assert page.input_value(".bp-var[data-var=x] .bp-var-value") == "1"
    assert page.locator(".bp-error.is-shown").count() == 0


def test_typing_a_new_variable_adds_its_field(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.fill(".bp-expr-input", "(x+y)*max(y,z) + w*q")
    page.wait_for_selector(".bp-var[data-var=q]")
    names = page.eval_on_selector_all(".bp-var", "rows => rows.map(r => r.dataset.var)")
    assert names == ["x", "y", "z", "w", "q"]
    assert page.input_value(".bp-var[data-var=w] .bp-var-value") == "1"
    wait_for_state(page, "ready")
    assert number(page.locator(".bp-stub .bp-value")) == 7.0  # 6 + 1·1
    page.fill(".bp-var[data-var=w] .bp-var-value", "-2.5")
    page.wait_for_function(
        "() => document.querySelector('.bp-stub .bp-value').textContent === '3.5'"
    )


def test_examples_load_the_cs231n_neuron(page: Page, live_server: str, api: httpx.Client) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.select_option(".bp-preset", "neuron-exp")
    page.wait_for_selector(".bp-var[data-var=w2]")
    wait_for_state(page, "ready")
    expected = graph_json(api, NEURON, NEURON_VALUES)
    assert page.input_value(".bp-expr-input") == NEURON
    for name, grad in expected["gradients"].items():
        node = next(n for n in expected["nodes"] if n["name"] == name)
        assert number(page.locator(f"[data-for={node['id']}] .bp-grad")) == pytest.approx(
            grad, abs=5e-5
        )
    assert round(expected["gradients"]["w0"], 2) == -0.20  # the lecture's figures
    assert round(expected["gradients"]["x1"], 2) == -0.59


def test_every_example_computes(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    options = page.eval_on_selector_all(
        ".bp-preset option", "options => options.map(o => o.value).filter(Boolean)"
    )
    assert len(options) >= 12
    for option in options:
        page.select_option(".bp-preset", option)
        page.wait_for_function(
            "(id) => document.querySelector('.bp-expr-input').value && document.querySelector('#app').dataset.state === 'ready' && document.querySelector('.bp-preset').value === id",
            arg=option,
        )
        assert page.locator(".bp-error.is-shown").count() == 0, option


def test_a_new_matrix_variable_gets_a_row_though_its_number_cannot_compute(
    page: Page, live_server: str
) -> None:
    """W @ x with W = 1 is a shape error; the rows for W and x still appear, with their [ ]."""
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.fill(".bp-expr-input", "sum(W @ x)")
    wait_for_state(page, "error")
    assert "@ needs vectors or matrices" in page.inner_text(".bp-error-message")
    names = page.eval_on_selector_all(".bp-var", "rows => rows.map(r => r.dataset.var)")
    assert names == ["W", "x"]


def test_the_caret_counts_characters_as_the_api_does(page: Page, live_server: str) -> None:
    """An emoji is two UTF-16 units in JavaScript and one character to the API."""
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.fill(".bp-expr-input", "x + 😀 + y")
    wait_for_state(page, "error")
    error = page.locator(".bp-error.is-shown")
    assert error.get_attribute("data-position") == "4"
    assert error.locator("mark").inner_text() == "😀"
    assert error.locator(".bp-caret-line").all_inner_texts()[1].index("^") == 4
    error.locator(".bp-caret-view").click()  # selects the whole emoji: two UTF-16 units
    selected = page.evaluate(
        "() => { const i = document.activeElement; "
        "return i.value.slice(i.selectionStart, i.selectionEnd); }"
    )
    assert selected == "😀"
