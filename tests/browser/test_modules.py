"""The front-end modules on their own: the JavaScript gates against the API, the URL state,
mounting in a shadow root (as the embed will), and the three exports."""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.helpers import LECTURE, LECTURE_VALUES, graph_json, open_app, permalink

pytestmark = pytest.mark.browser

ONE_INPUT = [-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 2.7]
TWO_INPUTS = [(-2.0, 3.0), (1.5, -0.5), (0.7, 0.7), (2.0, 0.5), (-0.5, -2.0)]
TEMPLATES = {
    "add": "t + u",
    "sub": "t - u",
    "mul": "t * u",
    "div": "t / u",
    "pow": "t ^ u",
    "neg": "-t",
    "max": "max(t, u)",
    "min": "min(t, u)",
}


def samples(op: str) -> list[tuple[str, dict[str, float], list[float]]]:
    """(expression, values, arguments of the gate) for every sample point of one gate."""
    if op in TEMPLATES and "u" in TEMPLATES[op]:
        return [(TEMPLATES[op], {"t": t, "u": u}, [t, u]) for t, u in TWO_INPUTS]
    text = TEMPLATES.get(op, f"{op}(t)")
    cases = [(text, {"t": t}, [t]) for t in ONE_INPUT]
    if op == "leaky_relu":  # the parametric form, a given slope
        cases += [("leaky_relu(t, u)", {"t": t, "u": u}, [t, u]) for t, u in TWO_INPUTS]
    return cases


def same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15)


def test_javascript_gates_match_the_api(page: Page, live_server: str, api: httpx.Client) -> None:
    functions = api.get("/api/v1/functions").json()["functions"]
    ops = [entry["op"] for entry in functions if not entry["tensor_only"]]  # scalar gates only
    open_app(page, permalink(live_server, "x", {"x": 1}))
    checked = 0
    for op in ops:
        for expression, values, args in samples(op):
            graph = api.post(
                "/api/v1/graph", json={"expression": expression, "values": values}
            ).json()
            expected = float(graph["value"])
            shown = page.evaluate(
                "async ([op, args]) => { const {GATES} = await import('/static/js/gates.js');"
                " const v = GATES[op](...args); return Number.isNaN(v) ? 'NaN' : v; }",
                [op, args],
            )
            assert same(float(shown), expected), f"{op}{tuple(args)}: JS {shown}, API {expected}"
            checked += 1
    assert len(ops) >= 21 and checked > 130


def test_url_state_round_trips_and_dodges_clashing_names(page: Page, live_server: str) -> None:
    open_app(page, permalink(live_server, "x", {"x": 1}))
    result: dict[str, Any] = page.evaluate(
        """async () => {
          const {readState, writeState} = await import('/static/js/state.js');
          const state = {expression: 'step*sel + 2^x', values: {step: 0.5, sel: -2, x: 3}, order: ['step', 'sel', 'x'],
                         step: 4, atEnd: false, selected: 'n2', ranges: {x: [-10, 10]}};
          const search = writeState(state);
          return {search, back: readState(search), lecture: writeState({expression: '(x+y)*max(y,z)',
                  values: {x: 1, y: 2, z: 0}, step: 12, atEnd: false}),
                  byApiName: readState('?expression=x*x&x=3'),
                  variableNamedSo: readState('?expr=2*expression&expression=4')};
        }"""
    )
    assert result["lecture"] == "?expr=(x%2By)*max(y,z)&x=1&y=2&z=0&step=12"
    assert "_step=4" in result["search"] and "_sel=n2" in result["search"]
    back = result["back"]
    assert back["expression"] == "step*sel + 2^x"
    assert back["values"] == {"step": 0.5, "sel": -2, "x": 3}
    assert back["step"] == 4 and back["selected"] == "n2"
    assert back["ranges"] == {"x": [-10, 10]}
    # a hand-written link may call it `expression`, as the API does
    assert result["byApiName"]["expression"] == "x*x"
    assert result["byApiName"]["values"] == {"x": 3}
    assert result["variableNamedSo"]["expression"] == "2*expression"
    assert result["variableNamedSo"]["values"] == {"expression": 4}


def test_the_elements_values_attribute_takes_numbers_vectors_and_matrices(
    page: Page, live_server: str
) -> None:
    open_app(page, permalink(live_server, "x", {"x": 1}))
    parsed = page.evaluate(
        """async () => {
          const {parseValues} = await import('/static/embed.js');
          const warnings = [];
          const parse = (text) => parseValues(text, (message) => warnings.push(message));
          return [parse('x=1,y=2, z = -0.5'), parse('W=[[1, 2], [3, 4]], x=[1,-1];b=0.5'),
                  parse('x=abc, y=[1,, ], z=Infinity, =3, w=[[1], [2, 3]], v=2'),
                  parse('b=1, W=[[1, 2], [3, 4] x=1'), warnings];
        }"""
    )
    assert parsed[0] == {"x": 1, "y": 2, "z": -0.5}
    assert parsed[1] == {"W": [[1, 2], [3, 4]], "x": [1, -1], "b": 0.5}
    assert parsed[2] == {"v": 2}  # the broken, infinite, nameless and ragged ones are skipped
    assert parsed[3] == {"b": 1}  # the unclosed bracket took x=1 in
    skipped = "<backprop-graph> skipped {} in its values attribute: {}."
    form = "write name=number, name=[…] for a vector or name=[[…], …] for a matrix, all finite"
    unclosed = "a '[' is not closed, so the rest of the attribute was read as one value"
    assert parsed[4] == [
        *(skipped.format(f'"{p}"', form) for p in ["x=abc", "y=[1,, ]", "z=Infinity", "=3"]),
        skipped.format('"w=[[1], [2, 3]]"', form),
        skipped.format('"W=[[1, 2], [3, 4] x=1"', unclosed),
    ]


def test_views_mount_inside_a_shadow_root(page: Page, live_server: str) -> None:
    """The embed and the custom element will mount these modules in a shadow root."""
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    result: dict[str, Any] = page.evaluate(
        """async () => {
          const load = (name) => import(`/static/js/${name}.js`);
          const [{createApi}, {indexGraph}, {createLayouter}, {createGraphView}, {createPlayer}, {createInspector}] =
            await Promise.all(['api', 'model', 'layout', 'view', 'animate', 'inspector'].map(load));
          const host = document.createElement('div');
          document.body.append(host);
          const root = host.attachShadow({mode: 'open'});
          const [graphBox, inspectorBox] = [document.createElement('div'), document.createElement('div')];
          root.append(graphBox, inspectorBox);
          const api = createApi('/api/v1');
          const index = indexGraph((await api.graph('x*x', {x: 3})).graph);
          const layout = await createLayouter().start(index).promise;
          const inspector = createInspector(inspectorBox, {functions: api.functions});
          const view = createGraphView(graphBox, {onSelect: (s) => inspector.show(index, s)});
          view.draw(index, layout);
          createPlayer(view).load(index);
          root.querySelector('[data-node=n1]').dispatchEvent(new MouseEvent('click', {bubbles: true}));
          await new Promise((resolve) => setTimeout(resolve, 300));
          return {
            nodes: root.querySelectorAll('.bp-node').length,
            grad: root.querySelector('[data-for=n0] .bp-grad').textContent,
            inspected: inspectorBox.querySelector('.bp-panel').dataset.node,
            downstream: [...inspectorBox.querySelectorAll('[data-field=downstream]')].map((d) => d.textContent),
            pageNodes: document.querySelectorAll('.bp-node').length,
          };
        }"""
    )
    assert result == {
        "nodes": 2,
        "grad": "6",
        "inspected": "n1",
        "downstream": ["3", "3"],
        "pageNodes": 6,
    }


def test_exports_svg_png_and_json(page: Page, live_server: str, api: httpx.Client) -> None:
    open_app(page, permalink(live_server, LECTURE, LECTURE_VALUES))
    files = {}
    for kind in ("SVG", "PNG", "JSON"):
        with page.expect_download() as download:
            page.get_by_role("button", name=kind, exact=True).click()
        files[kind] = download.value
    assert files["JSON"].suggested_filename == "backprop-x_y_max_y_z.json"
    exported = json.loads(files["JSON"].path().read_bytes())
    assert exported == graph_json(api, LECTURE, LECTURE_VALUES)
    svg = files["SVG"].path().read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert ">5</text>" in svg and "fill:" in svg  # y's gradient, styles inlined
    png = files["PNG"].path().read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = struct.unpack(">I", png[16:20])[0]
    view_width = float(page.get_attribute(".bp-graph", "viewBox").split()[2])  # type: ignore[union-attr]
    assert width == round(2 * view_width)


def test_a_still_export_of_a_matrix_graph_does_not_ask_to_hover(
    page: Page, live_server: str
) -> None:
    """The heatmaps' key says "hover for numbers": true on the page and in the SVG (its
    squares keep their titles), not in a PNG."""
    open_app(page, permalink(live_server, "sum(W @ x)", {}) + "&W=[[1,2],[3,4]]&x=[1,-1]")
    texts = page.evaluate(
        """async () => {
          const {standaloneSvg} = await import('/static/js/export.js');
          const drawing = document.querySelector('.bp-graph');
          return [drawing.textContent, standaloneSvg(drawing).text,
                  standaloneSvg(drawing, {still: true}).text];
        }"""
    )
    on_page, as_svg, as_png = texts
    assert "(stronger = larger; hover for numbers)" in on_page
    assert "hover for numbers" in as_svg and as_svg.count("<title") == 16  # one per entry drawn
    assert "hover for numbers" not in as_png and "(stronger = larger)" in as_png
