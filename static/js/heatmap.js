// Heatmaps of vectors and matrices, in SVG: one square per entry, orange for positive and
// blue for negative, stronger with the magnitude (relative to the largest entry shown), and
// the exact number in each square's tooltip. The colours are theme variables used at a
// partial opacity, so the same scale reads on the light and the dark background.
// Past HEAT_AXIS_MAX entries along an axis, each square stands for a block of entries and
// shows the strongest of them (a mean would let +3 and −3 cancel to nothing).

import { svg } from "./dom.js";
import { formatExact, formatNumber } from "./format.js";
import { heatGrid, heatSize } from "./geometry.js";
import { entries, entryName, maxAbs, shapeOf, shapeText } from "./tensor.js";

const TOOLTIP_ENTRIES_MAX = 4096; // past this the squares are drawn without tooltips (speed)

// A <g> of squares at (x, y), `cell` units each: { group, width, height }.
export function heatCells(doc, value, { name = "", cell = null, x = 0, y = 0, className = "" } = {}) {
  const shape = shapeOf(value);
  const size = heatSize(shape.length ? shape : [1]);
  const side = cell ?? size.cell;
  const squares = heatSquares(value, shape, name);
  const scale = maxAbs(value) || 1;
  const group = svg(doc, "g", { class: `bp-heat ${className}`.trim(), transform: `translate(${x},${y})`, "data-shape": shapeText(shape) });
  squares.forEach(({ v, title }, i) => {
    const rect = svg(doc, "rect", {
      class: `bp-heat-cell ${heatClass(v)}`,
      x: (i % size.cols) * side,
      y: Math.floor(i / size.cols) * side,
      width: side,
      height: side,
      "fill-opacity": Number.isFinite(v) ? (0.1 + 0.9 * Math.abs(v) / scale).toFixed(3) : 1,
    });
    if (squares.length <= TOOLTIP_ENTRIES_MAX) rect.append(svg(doc, "title", { text: title() }));
    group.append(rect);
  });
  const width = size.cols * side;
  const height = size.rows * side;
  group.append(svg(doc, "rect", { class: "bp-heat-frame", width, height }));
  return { group, width, height };
}

// One { v, title } per square, row by row: an entry, or past HEAT_AXIS_MAX a block of them.
export function heatSquares(value, shape, name) {
  const values = entries(value);
  const grid = heatGrid(shape.length ? shape : [1]);
  if (grid.rowStep === 1 && grid.colStep === 1) {
    return values.map((v, i) => ({ v, title: () => `${entryName(name, shape, i)} = ${formatExact(v)}` }));
  }
  const squares = [];
  for (let r = 0; r < grid.rows; r += 1) {
    for (let c = 0; c < grid.cols; c += 1) {
      const rows = [r * grid.rowStep, Math.min(grid.down, (r + 1) * grid.rowStep)];
      const cols = [c * grid.colStep, Math.min(grid.across, (c + 1) * grid.colStep)];
      squares.push(blockSquare(values, grid.across, rows, cols, name, shape.length));
    }
  }
  return squares;
}

// The strongest entry of rows × cols (half-open ranges): a non-finite one if there is any,
// else the largest in magnitude, sign kept.
function blockSquare(values, across, rows, cols, name, rank) {
  let strongest = 0;
  block: for (let i = rows[0]; i < rows[1]; i += 1) {
    for (let j = cols[0]; j < cols[1]; j += 1) {
      const v = values[i * across + j];
      if (!Number.isFinite(v)) {
        strongest = v;
        break block;
      }
      if (Math.abs(v) > Math.abs(strongest)) strongest = v;
    }
  }
  const count = (rows[1] - rows[0]) * (cols[1] - cols[0]);
  const where = rank === 2 ? `${rows[0]}:${rows[1]}, ${cols[0]}:${cols[1]}` : `${cols[0]}:${cols[1]}`;
  return { v: strongest, title: () => `${name}[${where}]: ${count} entries, the strongest ${formatExact(strongest)}` };
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
    "aria-label": `${label || name}: heatmap of ${shapeText(shape)} entries from ${formatNumber(lowest(value))} to ${formatNumber(highest(value))}; ${blockText(shape)}`,
  }, [cells.group]);
  return root;
}

function blockText(shape) {
  const { rowStep, colStep } = heatGrid(shape);
  if (rowStep === 1 && colStep === 1) return "hover a square for its number";
  const block = shape.length === 2 ? `${rowStep}×${colStep}` : `${colStep}`;
  return `each square is the strongest of a block of ${block} entries; hover a square for the block`;
}

// Math.min(...entries) would pass every entry as an argument: too many for a large matrix.
const lowest = (value) => entries(value).reduce((m, v) => Math.min(m, v), Infinity);
const highest = (value) => entries(value).reduce((m, v) => Math.max(m, v), -Infinity);
