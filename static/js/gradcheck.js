// The gradient check: every input's analytic gradient (backpropagation) beside a numeric one
// from central differences, with their relative error.

import { el, scrollRegion } from "./dom.js";
import { MINUS } from "./format.js";
import { formatExactValue, formatValue, isTensor, shapeText } from "./tensor.js";

export function createGradCheck(container) {
  const doc = container.ownerDocument;
  const body = el(doc, "div", { class: "bp-gradcheck" });
  container.append(body);

  function render(index) {
    const rows = index.graph.gradient_check;
    if (rows == null) {
      const why = index.graph.warnings.find((w) => /check/i.test(w)) ?? "The numeric check was skipped for this graph.";
      body.replaceChildren(el(doc, "p", { class: "bp-note", text: why }));
      return;
    }
    if (rows.length === 0) {
      body.replaceChildren(el(doc, "p", { class: "bp-note", text: "No variables, so nothing to check." }));
      return;
    }
    body.replaceChildren(checkTable(doc, rows));
  }

  return { render, clear: () => body.replaceChildren() };
}

function checkTable(doc, rows) {
  // For a vector or matrix the API reports the largest error over its entries.
  const arrays = rows.some((row) => row.shape?.length);
  const head = ["Variable", "Analytic", "Numeric", arrays ? "Max relative error" : "Relative error", "Result"];
  return scrollRegion(doc, "Gradient check", [
    el(doc, "table", { class: "bp-table" }, [
      el(doc, "caption", { text: "Backpropagation against the central difference (f(x + h) − f(x − h)) / 2h, h = 10⁻⁴" }),
      el(doc, "thead", {}, [el(doc, "tr", {}, head.map((text) => el(doc, "th", { scope: "col", text })))]),
      el(doc, "tbody", {}, rows.map((row) => checkRow(doc, row))),
    ]),
  ]);
}

// Not flagged yet not agreeing: near a kink, or numbers that are not finite (the warnings
// name the gate that made them so).
function verdictOf(row) {
  if (row.flagged) return ["✗ disagrees", "is-bad"];
  if (row.agrees) return ["✓ agrees", "is-good"];
  return row.near_kink ? ["≈ near a kink", "is-kink"] : ["– not finite", "is-kink"];
}

function checkRow(doc, row) {
  const verdict = verdictOf(row);
  return el(doc, "tr", { "data-name": row.name }, [
    el(doc, "th", { scope: "row", text: row.shape?.length ? `${row.name} (${shapeText(row.shape)})` : row.name }),
    valueCell(doc, "analytic", row.analytic),
    valueCell(doc, "numeric", row.numeric),
    el(doc, "td", { class: "num", "data-field": "rel_error", text: scientific(row.rel_error) }),
    el(doc, "td", { class: verdict[1], text: verdict[0] }),
  ]);
}

// A number to ten digits; a vector or matrix in short, every entry in the tooltip.
function valueCell(doc, field, value) {
  if (!isTensor(value)) return el(doc, "td", { class: "num", "data-field": field, text: precise(value) });
  return el(doc, "td", { class: "num", "data-field": field, title: formatExactValue(value), text: formatValue(value) });
}

// Ten significant digits: enough to see where the two agree.
function precise(value) {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const text = value.toPrecision(10);
  return (text.includes("e") ? text : text.replace(/\.?0+$/, "")).replace("-", MINUS);
}

function scientific(value) {
  if (!Number.isFinite(value)) return String(value);
  return value === 0 ? "0" : value.toExponential(1).replace("e+", "e").replace("-", MINUS);
}
