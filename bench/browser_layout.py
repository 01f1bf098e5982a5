"""Time to lay out and draw graphs of 50, 500 and 2,000 nodes in headless Chromium.

    .venv/bin/python -m bench.browser_layout                  # prints a table
    .venv/bin/python -m bench.browser_layout --sizes 50 500   # other sizes
    .venv/bin/python -m bench.browser_layout --json

"layout" is dagre with the page's ranks (the same code the layout worker runs, timed on the
main thread so the worker's start-up is not counted); "draw" is the view building the SVG,
revealing every step, until the browser has painted it. Each figure is the median of
--repeat runs (one run for graphs of 1,000 nodes or more). The graphs are scalar networks from
bench.graphs, served by the app under uvicorn on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

from bench.graphs import sized_expression
from tests.live import running_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

MEASURE = """
async (graph) => {
  const load = (name) => import(`/static/js/${name}.js`);
  const names = ['api', 'model', 'layout', 'layout-core', 'view', 'animate'];
  const [api, model, layout, core, view, animate] = await Promise.all(names.map(load));
  const {decodeGraph} = api, {indexGraph} = model, {layoutInput} = layout, {runLayout} = core;
  const {createGraphView} = view, {createPlayer} = animate;
  const index = indexGraph(decodeGraph(graph));
  const host = document.createElement('div');
  document.body.append(host);
  const started = performance.now();
  const positions = runLayout(layoutInput(index));
  const laidOut = performance.now();
  const drawing = createGraphView(host);
  drawing.draw(index, positions);
  createPlayer(drawing).load(index);
  host.getBoundingClientRect();
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const drawn = performance.now();
  drawing.destroy();
  host.remove();
  return {nodes: index.graph.nodes.length, layout: laidOut - started, draw: drawn - laidOut};
}
"""


def measure(page: Page, graph: dict[str, Any], repeat: int) -> dict[str, float]:
    runs = [page.evaluate(MEASURE, graph) for _ in range(repeat)]
    layout = statistics.median(run["layout"] for run in runs)
    draw = statistics.median(run["draw"] for run in runs)
    total = layout + draw
    return {"nodes": runs[0]["nodes"], "layout_ms": layout, "draw_ms": draw, "total_ms": total}


def run(sizes: list[int], repeat: int) -> list[dict[str, float]]:
    results = []
    with running_server() as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/?expr=x&x=1")
        page.wait_for_selector("#app[data-state=ready]", state="attached")
        for size in sizes:
            expression, values = sized_expression(size)
            body = {"expression": expression, "values": values}
            graph = httpx.post(f"{url}/api/v1/graph", json=body, timeout=60).json()
            results.append(measure(page, graph, repeat if size < 1_000 else 1))
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 2_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    results = run(options.sizes, options.repeat)
    if options.json:
        print(json.dumps(results, indent=2))
        return
    print(f"{'nodes':>6}  {'layout':>10}  {'draw':>10}  {'total':>10}")
    for row in results:
        cells = [f"{row[key]:>8,.0f} ms" for key in ("layout_ms", "draw_ms", "total_ms")]
        print(f"{row['nodes']:>6,.0f}  " + "  ".join(cells))


if __name__ == "__main__":
    main()
