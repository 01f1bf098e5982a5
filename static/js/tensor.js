// Values that may be numbers, vectors (arrays) or matrices (arrays of rows): shapes, entries
// and the short and exact texts the page writes for them. Pure functions, no DOM.

import { formatExact, formatNumber } from "./format.js";

const COMPACT_ENTRIES = 4; // up to this many entries are written out on the graph and in captions

export const isTensor = (value) => Array.isArray(value);

// [] for a number, [n] for a vector, [m, n] for a matrix (nested lists are never ragged).
export function shapeOf(value) {
  const shape = [];
  for (let v = value; Array.isArray(v); v = v[0]) shape.push(v.length);
  return shape;
}

export const entries = (value) => (Array.isArray(value) ? value.flat(Infinity) : [value]);

export function mapEntries(value, f) {
  return Array.isArray(value) ? value.map((v) => mapEntries(v, f)) : f(value);
}

// "2×3", "4"; "" for a number.
export const shapeText = (shape) => shape.join("×");

// The name of entry `flatIndex` of a value of this shape: "W[1,2]", "x[3]".
export function entryName(name, shape, flatIndex) {
  if (!shape.length) return name;
  const at = [];
  let rest = flatIndex;
  for (let axis = shape.length - 1; axis >= 0; axis -= 1) {
    at.unshift(rest % shape[axis]);
    rest = Math.floor(rest / shape[axis]);
  }
  return `${name}[${at.join(",")}]`;
}

// Short text for labels, captions and screen readers: a few entries written out, otherwise
// the shape ("2×3 matrix").
export function formatValue(value, digits = 4) {
  if (!Array.isArray(value)) return formatNumber(value, digits);
  const shape = shapeOf(value);
  if (entries(value).length <= COMPACT_ENTRIES) return bracketed(value, (v) => formatNumber(v, digits));
  return shape.length === 1 ? `${shape[0]}-vector` : `${shapeText(shape)} matrix`;
}

// What a wire carries, short enough to sit on it: a number, or the space of a vector or
// matrix ("ℝ³", "ℝ²ˣ³"): its entries are on the heatmaps of the nodes at either end.
export function wireLabel(value) {
  if (!Array.isArray(value)) return formatNumber(value);
  return `ℝ${[...shapeText(shapeOf(value))].map((c) => SUPERSCRIPT[c] ?? c).join("")}`;
}

const SUPERSCRIPT = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹", "×": "ˣ" };

// Every entry, at full precision, as Python and spreadsheets read it: [[1, 2], [3, 4]].
export function formatExactValue(value) {
  return Array.isArray(value) ? bracketed(value, formatExact) : formatExact(value);
}

function bracketed(value, write) {
  return Array.isArray(value) ? `[${value.map((v) => bracketed(v, write)).join(", ")}]` : write(value);
}

// The largest magnitude among the finite entries (0 when there is none): a heatmap's scale.
export function maxAbs(value) {
  return entries(value).reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);
}

// A JSON text typed by the learner → a number, a vector or a matrix; null when it is not one.
export function parseValue(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return isValue(value) ? value : null;
}

function isValue(value) {
  if (typeof value === "number") return Number.isFinite(value);
  if (!Array.isArray(value) || value.length === 0) return false;
  if (value.every((v) => typeof v === "number")) return value.every(Number.isFinite);
  const width = Array.isArray(value[0]) ? value[0].length : -1;
  return value.every((row) => Array.isArray(row) && row.length === width && row.length > 0 && row.every((v) => typeof v === "number" && Number.isFinite(v)));
}
