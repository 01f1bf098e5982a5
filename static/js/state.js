// The URL holds the whole view, so a link opens exactly what its sender saw:
//   ?expr=(x%2By)*max(y,z)&x=1&y=2&z=0&step=12&sel=n4&_range_x=-10,10
// One parameter per variable. The page's own keys (expr, step, sel) could clash with a
// variable of the same name; variable names start with a letter, so the page writes its key
// as _step (say) exactly when a variable is called step, and reads either form.

import { parseValue } from "./tensor.js";

const PAGE_KEYS = ["expr", "step", "sel"];
const RANGE_PREFIX = "_range_";
// The API's name for it, which a hand-written link may use; a link the page writes has expr,
// and then `expression` is a variable like any other.
const EXPRESSION_ALIAS = "expression";

export function readState(search) {
  const params = new URLSearchParams(search);
  const pageKey = (key) => (params.has(`_${key}`) ? `_${key}` : key);
  const claimed = new Set(PAGE_KEYS.map(pageKey));
  let expression = params.get(pageKey("expr"));
  if (expression === null && params.has(EXPRESSION_ALIAS)) {
    expression = params.get(EXPRESSION_ALIAS);
    claimed.add(EXPRESSION_ALIAS);
  }
  const state = {
    expression,
    step: integerOrNull(params.get(pageKey("step"))),
    selected: params.get(pageKey("sel")) || null,
    values: {},
    ranges: {},
  };
  for (const [key, text] of params) {
    if (key.startsWith(RANGE_PREFIX)) addRange(state.ranges, key.slice(RANGE_PREFIX.length), text);
    else if (!claimed.has(key) && !key.startsWith("_") && text.trim() !== "") addValue(state.values, key, text);
  }
  return state;
}

// state: {expression, values, order (variable names as typed), step, atEnd, selected, ranges}
export function writeState(state) {
  const names = state.order ?? Object.keys(state.values);
  const variables = new Set(names);
  const key = (name) => (variables.has(name) ? `_${name}` : name);
  const parts = [[key("expr"), state.expression]];
  for (const name of names) parts.push([name, valueText(state.values[name])]);
  if (state.step != null && !state.atEnd) parts.push([key("step"), String(state.step)]);
  if (state.selected) parts.push([key("sel"), state.selected]);
  for (const [name, [low, high]] of Object.entries(state.ranges ?? {})) {
    if (variables.has(name)) parts.push([`${RANGE_PREFIX}${name}`, `${low},${high}`]);
  }
  return `?${parts.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&")}`;
}

// Keep brackets, commas and * readable in the address bar; encode everything that has a
// meaning in a query (+ & = # % space).
function encode(text) {
  return encodeURIComponent(text).replaceAll("%2C", ",");
}

// "n4" → the node n4, "e2" → the wire e2, anything else → nothing selected.
export function selectionFromId(id) {
  if (/^n\d+$/.test(id ?? "")) return { kind: "node", id };
  if (/^e\d+$/.test(id ?? "")) return { kind: "edge", id };
  return null;
}

function integerOrNull(text) {
  if (text == null || !/^\d+$/.test(text)) return null;
  return Number(text);
}

// A number, or a vector or matrix as JSON: W=[[1,2],[3,4]] (brackets url-encoded).
function addValue(values, name, text) {
  const value = text.trim().startsWith("[") ? parseValue(text) : Number(text);
  if (value !== null && (Array.isArray(value) || Number.isFinite(value))) values[name] = value;
}

const valueText = (value) => (Array.isArray(value) ? JSON.stringify(value) : String(value));

function addRange(ranges, name, text) {
  const [low, high] = text.split(",").map(Number);
  if (Number.isFinite(low) && Number.isFinite(high) && low < high) ranges[name] = [low, high];
}
