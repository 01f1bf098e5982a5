"""The lecture example end to end: a permalink, the two passes, the inspector, the keyboard."""

from __future__ import annotations

import math

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import screenshot
from tests.browser.helpers import (
    LECTURE,
    LECTURE_VALUES,
    NEURON,
    NEURON_VALUES,
    graph_json,
    is_visible_text,
    node_id,
    number,
    open_app,
    permalink,
)

pytestmark = pytest.mark.browser


def test_permalink_plays_to_the_end_and_shows_the_gradients(
    page: Page, live_server: str, api: httpx.Client
) -> None:
    graph = graph_json(api, LECTURE, LECTURE_VALUES)
    steps = 2 * len(graph["nodes"])
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES, step=0))
    assert page.inner_text(".bp-counter") == f"0 / {steps}"
    inputs = {name: f"[data-for={node_id(graph, name)}] .bp-grad" for name in LECTURE_VALUES}
    assert not any(is_visible_text(page.locator(selector)) for selector in inputs.values())

    page.select_option(".bp-speed", "4")
    page.click("button[data-action=play]")
    page.wait_for_selector(f"#graph-panel[data-step='{steps}']", timeout=20_000)
    page.wait_for_selector("button[data-action=play][aria-pressed=false]")

    shown = {name: number(page.locator(selector)) for name, selector in inputs.items()}
    assert shown == graph["gradients"] == {"x": 2.0, "y": 5.0, "z": 0.0}
    assert all(is_visible_text(page.locator(selector)) for selector in inputs.values())
    output = number(page.locator(".bp-stub .bp-value"))
    assert output == graph["value"] == 6.0
    assert "∂f/∂y = 5" in page.inner_text(".bp-result")


def test_forward_then_backward_in_the_right_order(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES, step=0))
    captions = []
    for _ in range(12):
        page.click("button[data-action=forward]")
        captions.append(page.inner_text(".bp-caption"))
    assert captions[0].startswith("Forward 1 of 6")
    assert "a = x + y = 1 + 2 = 3" in captions[2]
    assert "b = max(y, z) = max(2, 0) = 2" in captions[4]
    assert captions[6].startswith("Backward 1 of 6: start at f")
    assert "3 × 1 = 3 to y, 3 × 0 = 0 to z" in captions[7]  # b routes its gradient to y
    assert "y collects 2 + 3 = 5" in captions[10]  # the fan-out sums


def test_a_constants_backward_step_says_it_is_a_constant(page: Page, live_server: str) -> None:
    """Not "∂f/∂1", which reads as a derivative by the number one."""
    open_app(page, permalink(live_server, NEURON, NEURON_VALUES, step=29))
    page.click("button[data-action=forward]")  # the last step: the numerator 1 of 1 / (…)
    assert page.inner_text(".bp-caption") == (
        "Backward 15 of 15: the constant 1 receives 0.7311; no input depends on a constant, "
        "so it goes no further."
    )


def test_max_gate_inspector_shows_upstream_times_local(
    page: Page, live_server: str, api: httpx.Client
) -> None:
    graph = graph_json(api, LECTURE, LECTURE_VALUES)
    gate = node_id(graph, "b")
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.click(f"[data-node={gate}]")
    panel = page.locator(f"#inspector .bp-panel[data-node={gate}]")
    panel.wait_for()
    assert "max routes" in panel.locator(".bp-pattern").inner_text()
    assert number(panel.locator(".bp-gradient [data-field=gradient]")) == 3.0
    for edge in (e for e in graph["edges"] if e["target"] == gate):
        card = panel.locator(f".bp-card[data-edge={edge['id']}]")
        for field in ("upstream", "local", "downstream"):
            assert number(card.locator(f"[data-field={field}]")) == edge[field], field
        tex = card.locator("annotation").first.text_content() or ""
        assert edge["partial_latex"] in tex
    y_card = panel.locator(".bp-card").first
    assert (
        "y > z" in y_card.locator("annotation").first.text_content() or ""
    )  # ∂b/∂y = 𝟙[y > z] = 1
    # The address follows a moment later (it is written at most every URL_MS).
    page.wait_for_function(f"() => location.search.includes('sel={gate}')")


def test_fan_out_node_shows_the_sum(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, "x*x", {"x": 3}))
    page.click("[data-node=n0]")
    block = page.locator("#inspector .bp-gradient")
    block.wait_for()
    assert "feeds 2 wires" in block.inner_text()
    assert number(block.locator("[data-field=gradient]")) == 6.0
    assert "3 + 3" in block.locator("annotation").text_content() or ""


def test_kink_is_flagged_with_its_convention(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, {"x": 1, "y": 2, "z": 2}))
    page.click("[data-node=n4]")
    card = page.locator("#inspector .bp-card.is-kink").first
    card.wait_for()
    assert "tie splits the gradient equally" in card.locator(".bp-kink").inner_text()
    assert number(card.locator("[data-field=local]")) == 0.5
    # The indicator 1[y > z] is 0 at y = z: the card gives the convention's ½, not the formula.
    local = card.locator(".katex annotation").first.text_content() or ""
    assert "mathbb{1}" not in local and "convention at the kink" in local


def test_one_input_gate_plots_the_tangent(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, "sigmoid(x)", {"x": 1}))
    page.click("[data-node=n1]")
    plot = page.locator("#inspector .bp-plot")
    plot.wait_for()
    slope = 1 / (1 + math.exp(-1)) * (1 - 1 / (1 + math.exp(-1)))
    assert f"slope is {slope:.4f}" in plot.get_attribute("aria-label")  # type: ignore[operator]
    x1, y1, x2, y2 = (
        float(plot.locator(".bp-plot-tangent").get_attribute(a) or "nan")
        for a in ("x1", "y1", "x2", "y2")
    )
    point = plot.locator(".bp-plot-point")
    cx, cy = float(point.get_attribute("cx") or "nan"), float(point.get_attribute("cy") or "nan")
    # The marked point lies on the tangent line.
    assert abs((y2 - y1) * (cx - x1) - (x2 - x1) * (cy - y1)) / math.hypot(x2 - x1, y2 - y1) < 0.2


def test_keyboard_drives_the_animation_and_the_selection(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    page.keyboard.press("Home")
    assert page.inner_text(".bp-counter") == "0 / 12"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.inner_text(".bp-counter") == "2 / 12"
    page.keyboard.press("ArrowLeft")
    assert page.inner_text(".bp-counter") == "1 / 12"
    page.keyboard.press("End")
    assert page.inner_text(".bp-counter") == "12 / 12"
    page.focus("[data-node=n4]")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("Enter")
    page.locator("#inspector .bp-panel[data-node=n4]").wait_for()
    assert page.inner_text(".bp-counter") == "12 / 12"  # Enter selected; it did not play
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press(" ")
    page.wait_for_selector("button[data-action=play][aria-pressed=true]")


def test_a_link_opens_exactly_that_view(page: Page, live_server: str) -> None:
    url = permalink(live_server, LECTURE, {"x": 1, "y": 2, "z": 3}, step=9, sel="e2")
    open_app(page, url)
    assert page.inner_text(".bp-counter") == "9 / 12"
    assert page.input_value(".bp-var[data-var=z] .bp-var-value") == "3"
    assert page.locator("[data-edge=e2].is-selected").count() == 1
    page.locator("#inspector .bp-panel[data-edge=e2]").wait_for()
    page.wait_for_function("() => location.search.includes('step=9')")
    assert page.evaluate("location.search") == "?expr=(x%2By)*max(y,z)&x=1&y=2&z=3&step=9&sel=e2"


def test_the_check_table_says_which_rows_are_near_a_kink_or_not_finite(
    page: Page, live_server: str
) -> None:
    # y sits within h of z: the secant of y crosses the max; x's sits on 0/0 at x - h = 0.
    text = "max(y, z) + x/x"
    open_app(page, permalink(live_server, text, {"x": 0.0001, "y": 1, "z": 1.00005}))
    rows = page.locator("#gradcheck tbody tr")
    rows.first.wait_for()
    verdicts = {
        rows.nth(i).get_attribute("data-name"): rows.nth(i).locator("td").last.inner_text()
        for i in range(rows.count())
    }
    assert verdicts == {"x": "– not finite", "y": "≈ near a kink", "z": "≈ near a kink"}
    assert page.get_by_text("The numeric gradient of x is not finite").first.is_visible()


def test_the_inspector_says_which_numbers_the_animation_has_not_reached(
    page: Page, live_server: str, api: httpx.Client
) -> None:
    """The inspector shows every number at once; while the animation has not computed them it
    says so, with the steps (from the API's forward and backward orders) where it will."""
    graph = graph_json(api, LECTURE, LECTURE_VALUES)
    forward, backward = graph["forward_order"], graph["backward_order"]
    y = node_id(graph, "y")
    value_at, grad_at = forward.index(y) + 1, len(forward) + backward.index(y) + 1
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES, step=value_at, sel=y))
    note = page.locator("#inspector .bp-timing")
    assert note.inner_text() == (
        f"At step {value_at} the backward pass has not reached y yet (it does at step "
        f"{grad_at}): the gradients below are the ones it will compute."
    )
    page.click("button[data-action=start]")
    assert note.inner_text() == (
        f"At step 0 the forward pass has not reached y yet (it does at step {value_at}, the "
        f"backward pass at step {grad_at}): these are the numbers the passes will compute."
    )
    page.click(f"[data-edge={graph['edges'][0]['id']}]")  # x → a: a is reached at its own step
    edge = graph["edges"][0]
    target_at = len(forward) + backward.index(edge["target"]) + 1
    assert (
        f"(it does at step {forward.index(edge['source']) + 1}, the backward pass at step {target_at})"
        in note.inner_text()
    )
    screenshot(page, "inspector-before-the-backward-pass")
    page.click("button[data-action=end]")
    assert note.is_hidden()  # at the end every number is computed

    # A wire out of y, which fans out: its own gradient comes with its target's step, the sum
    # the panel also shows with y's.
    wire = next(e for e in graph["edges"] if e["source"] == y and e["target"] != forward[2])
    wire_at = len(forward) + backward.index(wire["target"]) + 1
    page.click("button[data-action=start]")  # no numbers drawn over the wires yet
    page.click(f"[data-edge={wire['id']}]")
    for _ in range(wire_at):
        page.click("button[data-action=forward]")
    assert page.inner_text(".bp-counter") == f"{wire_at} / {len(forward) + len(backward)}"
    assert note.inner_text() == (
        f"At step {wire_at} this wire's gradient is computed, but the backward pass has not "
        f"reached y yet (it does at step {grad_at}): the sum below is the one it will compute."
    )
