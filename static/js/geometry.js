// Sizes and shapes shared by the layout (which needs them before drawing) and the view.
// All lengths are SVG user units; at 100 % zoom one unit is one CSS pixel.

export const FONT = { gate: 20, input: 19, number: 17, caption: 15 };
export const EDGE_LABEL = { width: 70, height: 52 }; // the value above the wire, the gradient below
export const LEGEND_HEIGHT = 44; // the top band of the drawing holds the legend
export const OUTPUT_STUB = 96; // the wire drawn out of the output, carrying f and its seed 1

// A rough width of text in the sans-serif font: good enough to size boxes and circles.
export function textWidth(text, fontSize) {
  return [...text].length * fontSize * 0.62;
}

// Gates are circles with their symbol; inputs and constants are labelled boxes.
export function nodeShape(node) {
  if (node.kind === "op") return { circle: true, r: Math.max(26, textWidth(node.label, FONT.gate) / 2 + 11) };
  const width = Math.max(56, textWidth(node.label, FONT.input) + 26);
  return { circle: false, width, height: node.kind === "input" ? 42 : 36 };
}

// The room a node takes in the layout: its shape plus a band above and below for what is
// written there (a gate's name above; an input's value above and its gradient below).
export const BAND = { op: 20, input: 24, constant: 0 };

export function nodeSize(node) {
  const shape = nodeShape(node);
  const heat = node.shape?.length ? heatSize(node.shape) : null;
  // A vector or matrix node carries its value heatmap above and its gradient heatmap below.
  const band = 2 * BAND[node.kind] + (heat ? 2 * (heat.height + HEAT.gap) : 0);
  const extra = heat ? heat.width : 0;
  if (shape.circle) return { width: Math.max(2 * shape.r, extra), height: 2 * shape.r + band };
  return { width: Math.max(shape.width, extra), height: shape.height + band };
}

// A node's heatmap fits this box; a vector is one row, a matrix its rows and columns.
export const HEAT = { width: 88, height: 26, gap: 5, cellMax: 12, cellMin: 2 };
// Past this many entries along an axis, a heatmap draws blocks of entries (heatmap.js), so a
// 256×256 matrix is 64×64 squares, not 65,536 of them, and its node stays a sensible size.
export const HEAT_AXIS_MAX = 64;

// The squares a heatmap draws: rows × cols of them, each rowStep × colStep of the
// down × across entries.
export function heatGrid(shape) {
  const down = shape.length === 2 ? shape[0] : 1;
  const across = shape[shape.length - 1];
  const rowStep = Math.ceil(down / HEAT_AXIS_MAX);
  const colStep = Math.ceil(across / HEAT_AXIS_MAX);
  return { rows: Math.ceil(down / rowStep), cols: Math.ceil(across / colStep), rowStep, colStep, down, across };
}

export function heatSize(shape) {
  const { rows, cols } = heatGrid(shape);
  const fit = Math.min(HEAT.width / cols, HEAT.height / rows, HEAT.cellMax);
  const cell = Math.max(HEAT.cellMin, Math.floor(fit * 2) / 2);
  return { rows, cols, cell, width: cols * cell, height: rows * cell };
}

// Where a wire from the centre towards `toward` leaves the node's shape.
export function boundaryPoint(shape, center, toward) {
  const dx = toward.x - center.x;
  const dy = toward.y - center.y;
  const length = Math.hypot(dx, dy) || 1;
  if (shape.circle) return { x: center.x + (dx / length) * shape.r, y: center.y + (dy / length) * shape.r };
  const scale = 1 / Math.max(Math.abs(dx) / (shape.width / 2), Math.abs(dy) / (shape.height / 2), 1e-9);
  return { x: center.x + dx * scale, y: center.y + dy * scale };
}

// A smooth path through the layout's points: straight for two points, otherwise quadratic
// curves through the midpoints, which keeps the bends of long edges soft.
export function curvePath(points) {
  const [first, ...rest] = points;
  if (rest.length === 0) return "";
  let d = `M${round(first.x)},${round(first.y)}`;
  if (rest.length === 1) return `${d}L${round(rest[0].x)},${round(rest[0].y)}`;
  for (let i = 0; i < rest.length - 1; i += 1) {
    const mid = { x: (rest[i].x + rest[i + 1].x) / 2, y: (rest[i].y + rest[i + 1].y) / 2 };
    const end = i === rest.length - 2 ? rest[i + 1] : mid;
    d += `Q${round(rest[i].x)},${round(rest[i].y)} ${round(end.x)},${round(end.y)}`;
  }
  return d;
}

const round = (v) => Math.round(v * 10) / 10;
