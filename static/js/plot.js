// A small plot of a gate against one of its inputs: the curve, the current input marked with
// its forward value, and the tangent there, whose slope is the local gradient.

import { svg, uniqueId } from "./dom.js";
import { formatNumber } from "./format.js";

const SIZE = { width: 300, height: 190, left: 48, right: 12, top: 14, bottom: 28 };
const SAMPLES = 161;

// f: the gate as a function of the input (from gates.js); x0, y0, slope: from the API.
export function gatePlot(doc, { f, x0, y0, slope, xLabel, yLabel }) {
  const half = Math.max(3, Math.abs(x0) * 0.75);
  const xs = Array.from({ length: SAMPLES }, (_, i) => x0 - half + (2 * half * i) / (SAMPLES - 1));
  const ys = xs.map((x) => f(x));
  const yRange = visibleRange(ys, y0);
  if (!yRange) return null;
  const scale = scales([x0 - half, x0 + half], yRange);
  const clipId = uniqueId("bp-plot-clip");
  const plot = svg(doc, "svg", {
    class: "bp-plot",
    viewBox: `0 0 ${SIZE.width} ${SIZE.height}`,
    role: "img",
    "aria-label": `${yLabel} against ${xLabel}: at ${xLabel} = ${formatNumber(x0)}, ${yLabel} = ${formatNumber(y0)} and the slope is ${formatNumber(slope)}.`,
  });
  plot.append(
    svg(doc, "defs", {}, [svg(doc, "clipPath", { id: clipId }, [svg(doc, "rect", frameRect())])]),
    ...axes(doc, scale, [x0 - half, x0 + half], yRange, xLabel, yLabel),
    svg(doc, "g", { "clip-path": `url(#${clipId})` }, [
      svg(doc, "path", { class: "bp-plot-curve", d: curve(xs, ys, scale, yRange) }),
      tangent(doc, scale, [x0 - half, x0 + half], x0, y0, slope),
      Number.isFinite(y0) ? svg(doc, "circle", { class: "bp-plot-point", cx: scale.x(x0), cy: scale.y(y0), r: 5 }) : null,
    ]),
  );
  return plot;
}

// The y-range worth showing: the bulk of the curve (a tan asymptote must not flatten it),
// always including the marked point.
function visibleRange(ys, y0) {
  const finite = ys.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  let low = finite[Math.floor(finite.length * 0.03)];
  let high = finite[Math.ceil(finite.length * 0.97) - 1];
  if (Number.isFinite(y0)) [low, high] = [Math.min(low, y0), Math.max(high, y0)];
  if (high - low < 1e-9) [low, high] = [low - 1, high + 1];
  const pad = (high - low) * 0.12;
  return [low - pad, high + pad];
}

function scales([x0, x1], [y0, y1]) {
  const w = SIZE.width - SIZE.left - SIZE.right;
  const h = SIZE.height - SIZE.top - SIZE.bottom;
  return {
    x: (x) => round(SIZE.left + ((x - x0) / (x1 - x0)) * w),
    y: (y) => round(SIZE.top + (1 - (y - y0) / (y1 - y0)) * h),
  };
}

function frameRect() {
  return {
    x: SIZE.left,
    y: SIZE.top,
    width: SIZE.width - SIZE.left - SIZE.right,
    height: SIZE.height - SIZE.top - SIZE.bottom,
  };
}

// The curve as one path, broken where it is not finite or leaps off the plot (asymptotes).
function curve(xs, ys, scale, [low, high]) {
  let d = "";
  let drawing = false;
  for (let i = 0; i < xs.length; i += 1) {
    const y = ys[i];
    const leap = i > 0 && Math.abs(y - ys[i - 1]) > 3 * (high - low);
    if (!Number.isFinite(y) || leap) drawing = false;
    if (!Number.isFinite(y)) continue;
    const clamped = Math.max(low - (high - low), Math.min(high + (high - low), y));
    d += `${drawing ? "L" : "M"}${scale.x(xs[i])},${scale.y(clamped)}`;
    drawing = true;
  }
  return d;
}

function tangent(doc, scale, [xa, xb], x0, y0, slope) {
  if (!Number.isFinite(y0) || !Number.isFinite(slope)) return null;
  const at = (x) => y0 + slope * (x - x0);
  return svg(doc, "line", { class: "bp-plot-tangent", x1: scale.x(xa), y1: scale.y(at(xa)), x2: scale.x(xb), y2: scale.y(at(xb)) });
}

function axes(doc, scale, [xa, xb], [ya, yb], xLabel, yLabel) {
  const frame = frameRect();
  const bottom = frame.y + frame.height;
  const zeroY = ya < 0 && yb > 0 ? scale.y(0) : null;
  const zeroX = xa < 0 && xb > 0 ? scale.x(0) : null;
  const text = (x, y, content, anchor, cls = "bp-plot-tick") =>
    svg(doc, "text", { class: cls, x, y, "text-anchor": anchor, text: content });
  return [
    svg(doc, "rect", { class: "bp-plot-frame", ...frame }),
    zeroY === null ? null : svg(doc, "line", { class: "bp-plot-axis", x1: frame.x, x2: frame.x + frame.width, y1: zeroY, y2: zeroY }),
    zeroX === null ? null : svg(doc, "line", { class: "bp-plot-axis", x1: zeroX, x2: zeroX, y1: frame.y, y2: bottom }),
    text(frame.x, bottom + 17, formatNumber(xa, 3), "start"),
    text(frame.x + frame.width, bottom + 17, formatNumber(xb, 3), "end"),
    text(frame.x + frame.width / 2, bottom + 19, xLabel, "middle", "bp-plot-label"),
    text(frame.x - 5, frame.y + 10, formatNumber(yb, 3), "end"),
    text(frame.x - 5, bottom, formatNumber(ya, 3), "end"),
    text(frame.x - 5, frame.y + frame.height / 2 + 5, yLabel, "end", "bp-plot-label"),
  ].filter(Boolean);
}

const round = (v) => Math.round(v * 10) / 10;
