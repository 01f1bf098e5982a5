// Heatmaps of vectors and matrices, in SVG: one square per entry, orange for positive and
// blue for negative, stronger with the magnitude (relative to the largest entry shown), and
// the exact number in each square's tooltip. The colours are theme variables used at a
// partial opacity, so the same scale reads on the light and the dark background.

import { svg } from "./dom.js";
import { formatExact, formatNumber } from "./format.js";
import { heatSize } from "./geometry.js";
import { entries, entryName, maxAbs, shapeOf, shapeText } from "./tensor.js";

const TOOLTIP_ENTRIES_MAX = 4096; // past this the squares are drawn without tooltips (speed)

// A <g> of squares at (x, y), `cell` units each: { group, width, height }.
export function heatCells(doc, value, { name = "", cell = null, x = 0, y = 0, className = "" } = {}) {
  const shape = shapeOf(value);
  const size = heatSize(shape.length ? shape : [1]);
  const side = cell ?? size.cell;
  const values = entries(value);
  const scale = maxAbs(value) || 1;
  const group = svg(doc, "g", { class: `bp-heat ${className}`.trim(), transform: `translate(${x},${y})`, "data-shape": shapeText(shape) });
  values.forEach((v, i) => {
    const rect = svg(doc, "rect", {
      class: `bp-heat-cell ${heatClass(v)}`,
      x: (i % size.cols) * side,
      y: Math.floor(i / size.cols) * side,
      width: side,
      height: side,
      "fill-opacity": Number.isFinite(v) ? (0.1 + 0.9 * Math.abs(v) / scale).toFixed(3) : 1,
    });
    if (values.length <= TOOLTIP_ENTRIES_MAX) rect.append(svg(doc, "title", { text: `${entryName(name, shape, i)} = ${formatExact(v)}` }));
    group.append(rect);
  });
  const width = size.cols * side;
  const height = size.rows * side;
  group.append(svg(doc, "rect", { class: "bp-heat-frame", width, height }));
  return { group, width, height };
}

const heatClass = (v) => (!Number.isFinite(v) ? "is-bad" : v > 0 ? "is-pos" : v < 0 ? "is-neg" : "is-zero");

// A standalone heatmap for panels: bigger squares, a caption with its shape and range.
export function heatFigure(doc, value, { name = "", label = "" } = {}) {
  const shape = shapeOf(value);
  const size = heatSize(shape);
  const cell = Math.max(6, Math.min(18, Math.floor(300 / size.cols)));
  const cells = heatCells(doc, value, { name, cell, x: 1, y: 1 });
  const root = svg(doc, "svg", {
    class: "bp-heatmap",
    width: cells.width + 2,
    height: cells.height + 2,
    viewBox: `0 0 ${cells.width + 2} ${cells.height + 2}`,
    role: "img",
    "aria-label": `${label || name}: heatmap of ${shapeText(shape)} entries from ${formatNumber(Math.min(...entries(value)))} to ${formatNumber(Math.max(...entries(value)))}; hover a square for its number`,
  }, [cells.group]);
  return root;
}
