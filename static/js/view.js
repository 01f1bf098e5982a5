// The graph in SVG, as in the CS231n figures: inputs on the left, the output on the right,
// gates as circles with their symbol, inputs as labelled boxes, forward values above the
// wires in one colour and gradients below them in another.
//
// The view draws once per graph structure (draw) and afterwards only rewrites numbers
// (update), so dragging a slider never moves anything. What is visible at an animation step
// is a set of classes the player toggles (markNode, markEdge, setCurrent).
//
// Each node and wire is a button named by its aria-label; the numbers written next to it sit
// in a layer of their own (data-for points back), so a button's text never contradicts its
// name for a screen reader, and the numbers are drawn above every wire.

import { clear, setText, svg, uniqueId } from "./dom.js";
import { formatNumber } from "./format.js";
import { BAND, FONT, HEAT, LEGEND_HEIGHT, OUTPUT_STUB, boundaryPoint, curvePath, heatSize, nodeShape } from "./geometry.js";
import { heatCells } from "./heatmap.js";
import { edgeSummary, nodeSummary } from "./model.js";
import { wireLabel } from "./tensor.js";
import { createTraveller } from "./travel.js";

// Past this many nodes and edges, tabbing through each would be a chore: they leave the
// tab order, and the table (which lists them all) is the keyboard route instead.
const KEYBOARD_ITEMS_MAX = 300;
// "Fit" fills the panel's width up to 1.6× (a projector wants big numbers). A graph too wide
// to stay legible that way is shown whole instead (an overview to zoom into), down to 5 %.
const FIT_SCALE = { legible: 0.6, max: 1.6, min: 0.05 };
const PAD = 12;
const ITEM = "[data-node], [data-edge], [data-for]"; // what a click selects (a number selects its item)
// The key's parts (value, gradient, and for arrays the heatmaps' colours), in user units: on
// one line above a graph at least as wide, or where the view has room for the line at full
// size; else one per line, so that a small graph on a phone is not shrunk to fit a key wider
// than itself.
const KEY_PARTS = [290, 310, 410];
const KEY_LINE = 24;

export function createGraphView(container, { onSelect = () => {}, label = "Computational graph" } = {}) {
  const doc = container.ownerDocument;
  const scroller = svgHost(doc, container);
  const root = svg(doc, "svg", { class: "bp-graph", role: "group", "aria-label": label });
  scroller.append(root);
  const markerIds = { forward: uniqueId("bp-arrow"), backward: uniqueId("bp-arrow-back") };
  const traveller = createTraveller(doc);
  let parts = null;
  let size = { width: 0, height: 0 };
  let zoom = { fit: true, scale: 1 };

  root.addEventListener("click", (event) => pick(event.target));
  root.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    if (!pick(event.target)) return;
    event.preventDefault();
    event.stopPropagation(); // Space selects here; it must not also play the animation
  });

  function pick(target) {
    const item = target.closest?.(ITEM);
    if (!item) return false;
    const id = item.dataset.node ?? item.dataset.edge ?? item.dataset.for;
    onSelect({ kind: id.startsWith("n") ? "node" : "edge", id });
    return true;
  }

  function draw(index, layout) {
    traveller.stop();
    clear(root);
    const tensor = Boolean(index.graph.tensor);
    const graphWidth = layout.width + OUTPUT_STUB + 2 * PAD;
    const key = keyPlacement(graphWidth, tensor, scroller.clientWidth);
    const width = Math.max(graphWidth, key.width);
    const height = layout.height + key.height + 2 * PAD;
    size = { width, height };
    root.setAttribute("viewBox", `0 0 ${round(width)} ${round(height)}`);
    const keyboard = index.graph.nodes.length + index.graph.edges.length <= KEYBOARD_ITEMS_MAX;
    const scene = svg(doc, "g", { transform: `translate(${PAD},${key.height + PAD})` });
    const edgeLayer = svg(doc, "g", { class: "bp-edges" });
    const nodeLayer = svg(doc, "g", { class: "bp-nodes" });
    const labelLayer = svg(doc, "g", { class: "bp-number-layer", "aria-hidden": "true" });
    parts = { nodes: new Map(), edges: new Map(), stub: null };
    for (const edge of index.graph.edges) {
      const drawn = drawEdge(doc, edge, wirePoints(index, layout, edge), layout.edges[edge.id], markerIds, keyboard);
      parts.edges.set(edge.id, drawn);
      edgeLayer.append(drawn.group);
      labelLayer.append(drawn.labels);
    }
    for (const node of index.graph.nodes) {
      const drawn = drawNode(doc, node, layout.nodes[node.id], keyboard);
      parts.nodes.set(node.id, drawn);
      nodeLayer.append(drawn.group);
      labelLayer.append(drawn.labels);
    }
    parts.stub = drawOutputStub(doc, index.output, layout.nodes[index.output.id], markerIds);
    scene.append(edgeLayer, parts.stub.group, nodeLayer, labelLayer, traveller.layer);
    root.append(markers(doc, markerIds), legend(doc, tensor, key.at), scene);
    update(index);
    applyZoom();
  }

  // New numbers, same drawing.
  function update(index) {
    if (!parts) return;
    for (const node of index.graph.nodes) {
      const drawn = parts.nodes.get(node.id);
      drawn.group.setAttribute("aria-label", nodeSummary(index, node));
      if (drawn.value) setText(drawn.value, formatNumber(node.value));
      if (drawn.grad) setText(drawn.grad, formatNumber(node.grad));
      if (drawn.heat) drawHeat(doc, drawn.heat, node);
    }
    for (const edge of index.graph.edges) {
      const drawn = parts.edges.get(edge.id);
      drawn.group.setAttribute("aria-label", edgeSummary(index, edge));
      setText(drawn.value, wireLabel(edge.value));
      setText(drawn.grad, wireLabel(edge.downstream));
      drawn.group.classList.toggle("is-kink", edge.kink);
    }
    setText(parts.stub.value, formatNumber(index.output.value));
    setText(parts.stub.grad, formatNumber(index.output.grad));
    root.setAttribute("aria-label", `${label}: ${index.graph.nodes.length} nodes, output ${index.output.name} = ${formatNumber(index.output.value)}`);
  }

  function mark(drawn, phase, on) {
    const done = phase === "forward" ? "has-value" : "has-grad";
    drawn?.group.classList.toggle(done, on);
    drawn?.labels?.classList.toggle(done, on);
  }

  const markNode = (id, phase, on) => mark(parts?.nodes.get(id), phase, on);
  const markEdge = (id, phase, on) => mark(parts?.edges.get(id), phase, on);

  function markOutput(phase, on) {
    parts?.stub.group.classList.toggle(phase === "forward" ? "has-value" : "has-grad", on);
  }

  function setCurrent(nodeIds, edgeIds, phase) {
    for (const el of root.querySelectorAll(".is-current")) el.classList.remove("is-current");
    for (const id of nodeIds) parts?.nodes.get(id)?.group.classList.add("is-current");
    for (const id of edgeIds) parts?.edges.get(id)?.group.classList.add("is-current");
    root.classList.toggle("is-backward", phase === "backward");
  }

  function select(selection) {
    for (const el of root.querySelectorAll(".is-selected")) el.classList.remove("is-selected");
    if (!selection || !parts) return;
    const drawn = selection.kind === "node" ? parts.nodes.get(selection.id) : parts.edges.get(selection.id);
    drawn?.group.classList.add("is-selected");
  }

  // Tokens carrying numbers along wires: forward from source to target, backward the other way.
  function travel(items, direction, ms) {
    const paths = items.map(({ edgeId, text }) => ({ path: parts?.edges.get(edgeId)?.wire, text }));
    return traveller.run(paths.filter((item) => item.path), direction, ms);
  }

  function applyZoom() {
    if (zoom.fit) zoom.scale = fitScale();
    root.setAttribute("width", round(size.width * zoom.scale));
    root.setAttribute("height", round(size.height * zoom.scale));
  }

  function fitScale() {
    const byWidth = Math.max(scroller.clientWidth - 4, 200) / size.width;
    if (byWidth >= FIT_SCALE.legible) return Math.min(byWidth, FIT_SCALE.max);
    const tallest = Math.max(320, (doc.defaultView?.innerHeight ?? 800) * 0.7);
    return clamp(Math.min(byWidth, tallest / size.height), FIT_SCALE.min, FIT_SCALE.max);
  }

  // Zoom about the middle of what is in view, so zooming in on a detail keeps it in view.
  function zoomTo(scale) {
    const middle = { x: (scroller.scrollLeft + scroller.clientWidth / 2) / zoom.scale, y: (scroller.scrollTop + scroller.clientHeight / 2) / zoom.scale };
    zoom = { fit: false, scale };
    applyZoom();
    scroller.scrollLeft = middle.x * scale - scroller.clientWidth / 2;
    scroller.scrollTop = middle.y * scale - scroller.clientHeight / 2;
  }

  enablePanning(scroller);
  const resizer = new ResizeObserver(() => zoom.fit && parts && applyZoom());
  resizer.observe(scroller);

  return {
    element: root,
    draw,
    update,
    markNode,
    markEdge,
    markOutput,
    setCurrent,
    select,
    travel,
    stopTravel: () => traveller.stop(),
    fit() {
      zoom = { fit: true, scale: zoom.scale };
      applyZoom();
    },
    zoomBy: (factor) => zoomTo(clamp(zoom.scale * factor, FIT_SCALE.min, 4)),
    get scale() {
      return zoom.scale;
    },
    focusItem(selection) {
      const drawn = selection.kind === "node" ? parts?.nodes.get(selection.id) : parts?.edges.get(selection.id);
      drawn?.group.scrollIntoView?.({ block: "nearest", inline: "nearest" });
    },
    clear() {
      traveller.stop();
      clear(root);
      parts = null;
    },
    destroy() {
      resizer.disconnect();
      scroller.remove();
    },
  };
}

// The scrolling frame; focusable so that a big drawing can be scrolled from the keyboard.
function svgHost(doc, container) {
  const scroller = doc.createElement("div");
  scroller.className = "bp-scroll";
  scroller.tabIndex = 0;
  scroller.setAttribute("role", "region");
  scroller.setAttribute("aria-label", "Drawing of the graph (scrollable)");
  container.append(scroller);
  return scroller;
}

// Drag the background to move a drawing bigger than its frame (clicks on items still select).
function enablePanning(scroller) {
  let start = null;
  scroller.addEventListener("pointerdown", (event) => {
    if (event.button !== 0 || event.target.closest(ITEM)) return;
    start = { x: event.clientX, y: event.clientY, left: scroller.scrollLeft, top: scroller.scrollTop };
    scroller.setPointerCapture(event.pointerId);
    scroller.classList.add("is-panning");
  });
  scroller.addEventListener("pointermove", (event) => {
    if (!start) return;
    scroller.scrollLeft = start.left - (event.clientX - start.x);
    scroller.scrollTop = start.top - (event.clientY - start.y);
  });
  const stop = () => {
    start = null;
    scroller.classList.remove("is-panning");
  };
  scroller.addEventListener("pointerup", stop);
  scroller.addEventListener("pointercancel", stop);
}

// The layout's end points touch the node's box with its label bands; move them onto the
// circle or the box that is actually drawn, so the arrowheads touch the shapes.
function wirePoints(index, layout, edge) {
  const points = layout.edges[edge.id].points.map((p) => ({ ...p }));
  const source = layout.nodes[edge.source];
  const target = layout.nodes[edge.target];
  points[0] = boundaryPoint(nodeShape(index.nodes.get(edge.source)), source, points[1]);
  const last = points.length - 1;
  points[last] = boundaryPoint(nodeShape(index.nodes.get(edge.target)), target, points[last - 1]);
  return points;
}

function drawEdge(doc, edge, points, placed, markerIds, keyboard) {
  const d = curvePath(points);
  const back = curvePath([...points].reverse());
  const wire = svg(doc, "path", { class: "bp-wire", d, "marker-end": `url(#${markerIds.forward})` });
  const backWire = svg(doc, "path", { class: "bp-wire-back", d: back, "marker-end": `url(#${markerIds.backward})` });
  const hit = svg(doc, "path", { class: "bp-hit", d });
  const value = svg(doc, "text", { class: "bp-value", x: round(placed.x), y: round(placed.y - 9) });
  const grad = svg(doc, "text", { class: "bp-grad", x: round(placed.x), y: round(placed.y + FONT.number + 7) });
  const group = svg(doc, "g", itemAttrs("edge", edge.id, keyboard), [wire, backWire, hit]);
  const labels = svg(doc, "g", { class: "bp-labels", "data-for": edge.id }, [value, grad]);
  return { group, labels, wire, value, grad };
}

function drawNode(doc, node, placed, keyboard) {
  const shape = nodeShape(node);
  const transform = `translate(${round(placed.x)},${round(placed.y)})`;
  const outline = shape.circle
    ? svg(doc, "circle", { class: "bp-shape", r: round(shape.r) })
    : svg(doc, "rect", { class: "bp-shape", x: round(-shape.width / 2), y: round(-shape.height / 2), width: round(shape.width), height: round(shape.height), rx: 7 });
  const group = svg(doc, "g", { ...itemAttrs("node", node.id, keyboard), class: `bp-node bp-${node.kind}`, transform }, [outline]);
  const labels = svg(doc, "g", { class: `bp-labels bp-${node.kind}-labels`, "data-for": node.id, transform }, [
    svg(doc, "text", { class: "bp-symbol", y: 1, text: node.label }),
  ]);
  const drawn = { group, labels, value: null, grad: null, heat: null };
  if (node.kind === "op") {
    labels.append(svg(doc, "text", { class: "bp-name", y: round(-shape.r - 7), text: node.name }));
  }
  if (node.shape?.length) {
    drawn.heat = heatSlots(doc, node, shape);
    labels.append(drawn.heat.value, drawn.heat.grad, shapeBadge(doc, node, shape));
  } else if (node.kind === "input") {
    const edge = shape.height / 2;
    drawn.value = svg(doc, "text", { class: "bp-value", y: round(-edge - 8) });
    drawn.grad = svg(doc, "text", { class: "bp-grad", y: round(edge + BAND.input - 4) });
    labels.append(drawn.value, drawn.grad);
  }
  return drawn;
}

// A vector or matrix node: its value as a heatmap above it, its gradient as one below (each
// shown with the pass that computes it, like the numbers), and its shape as a badge.
function heatSlots(doc, node, shape) {
  const heat = heatSize(node.shape);
  const half = shape.circle ? shape.r : shape.height / 2;
  const above = half + (node.kind === "op" ? BAND.op : 0) + HEAT.gap + heat.height;
  const x = round(-heat.width / 2);
  return {
    value: svg(doc, "g", { class: "bp-value bp-heat-slot", transform: `translate(${x},${round(-above)})` }),
    grad: svg(doc, "g", { class: "bp-grad bp-heat-slot", transform: `translate(${x},${round(half + HEAT.gap)})` }),
  };
}

function drawHeat(doc, heat, node) {
  heat.value.replaceChildren(heatCells(doc, node.value, { name: node.name }).group);
  heat.grad.replaceChildren(heatCells(doc, node.grad, { name: `∂/∂${node.name}` }).group);
}

function shapeBadge(doc, node, shape) {
  const text = node.shape.join("×");
  const x = shape.circle ? shape.r * 0.72 : shape.width / 2 - 3;
  const y = shape.circle ? -shape.r * 0.72 : -shape.height / 2 - 3;
  return svg(doc, "text", { class: "bp-shape-badge", x: round(x), y: round(y), text });
}

// The wire out of the output node carries f forward and the seed gradient 1 backward.
function drawOutputStub(doc, output, placed, markerIds) {
  const shape = nodeShape(output);
  const start = shape.circle ? placed.x + shape.r : placed.x + shape.width / 2;
  const end = start + OUTPUT_STUB - 12;
  const mid = (start + end) / 2;
  const d = `M${round(start)},${round(placed.y)}L${round(end)},${round(placed.y)}`;
  const value = svg(doc, "text", { class: "bp-value", x: round(mid), y: round(placed.y - 9) });
  const grad = svg(doc, "text", { class: "bp-grad", x: round(mid), y: round(placed.y + FONT.number + 7) });
  const group = svg(doc, "g", { class: "bp-edge bp-stub", "aria-hidden": "true" }, [
    svg(doc, "path", { class: "bp-wire", d, "marker-end": `url(#${markerIds.forward})` }),
    svg(doc, "path", { class: "bp-wire-back", d: `M${round(end)},${round(placed.y)}L${round(start)},${round(placed.y)}`, "marker-end": `url(#${markerIds.backward})` }),
    value,
    grad,
  ]);
  return { group, value, grad };
}

function itemAttrs(kind, id, keyboard) {
  return {
    class: kind === "edge" ? "bp-edge" : "bp-node",
    [`data-${kind}`]: id,
    role: "button",
    tabindex: keyboard ? 0 : -1,
  };
}

function markers(doc, ids) {
  const head = (id, cls) =>
    // Sized in user units, so a highlighted (thicker) wire keeps the same arrowhead.
    svg(doc, "marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 13, markerHeight: 13, orient: "auto", markerUnits: "userSpaceOnUse" }, [
      svg(doc, "path", { class: cls, d: "M0,0L10,5L0,10z" }),
    ]);
  return svg(doc, "defs", {}, [head(ids.forward, "bp-arrowhead"), head(ids.backward, "bp-arrowhead-back")]);
}

// Where the key's parts go, and the band of the drawing the key takes.
function keyPlacement(graphWidth, tensor, room) {
  const widths = tensor ? KEY_PARTS : KEY_PARTS.slice(0, 2);
  const oneLine = widths.reduce((sum, w) => sum + w, 0) + 2 * PAD;
  if (graphWidth >= oneLine || room >= oneLine) {
    const at = widths.map((_, i) => ({ x: PAD + widths.slice(0, i).reduce((sum, w) => sum + w, 0), y: PAD + 16 }));
    return { at, width: oneLine, height: LEGEND_HEIGHT };
  }
  const at = widths.map((_, i) => ({ x: PAD, y: PAD + 16 + i * KEY_LINE }));
  return { at, width: Math.max(...widths) + 2 * PAD, height: LEGEND_HEIGHT + (widths.length - 1) * KEY_LINE };
}

// The key, drawn into the SVG itself so that it is part of every export.
function legend(doc, tensor, at) {
  const parts = [
    svg(doc, "text", { class: "bp-value", x: at[0].x, y: at[0].y, "text-anchor": "start", text: "value: forward, above the wire" }),
    svg(doc, "text", { class: "bp-grad", x: at[1].x, y: at[1].y, "text-anchor": "start", text: "gradient: backward, below the wire" }),
  ];
  if (tensor) parts.push(heatLegend(doc, at[2].x, at[2].y));
  return svg(doc, "g", { class: "bp-legend", "aria-hidden": "true" }, parts);
}

// The heatmaps' key: the colour of a negative, a zero and a positive entry.
function heatLegend(doc, x, y) {
  const square = (dx, cls) => svg(doc, "rect", { class: `bp-heat-cell ${cls}`, x: x + dx, y: y - 12, width: 14, height: 14 });
  return svg(doc, "g", { class: "bp-heat-legend" }, [
    square(0, "is-neg"),
    svg(doc, "text", { x: x + 20, y, text: "< 0" }),
    square(58, "is-pos"),
    svg(doc, "text", { x: x + 78, y }, [
      "> 0 (stronger = larger",
      svg(doc, "tspan", { class: "bp-hover-hint", text: "; hover for numbers" }), // not in a PNG
      ")",
    ]),
  ]);
}

const round = (v) => Math.round(v * 10) / 10;
const clamp = (v, low, high) => Math.min(high, Math.max(low, v));
