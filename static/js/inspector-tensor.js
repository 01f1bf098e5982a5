// The inspector's pieces for vectors and matrices (a response with "tensor": true). A wire
// there carries no single local number: the gate sends its source downstream = a
// vector-Jacobian product of the upstream δ (local_latex, e.g. W^T δ), so the card shows
// that rule, δ in the gate's shape, the downstream in the source's shape, the element-wise
// local derivative where there is one, and the Jacobian when the API sent it (≤ 64 entries).
// Small values are typeset as matrices; larger ones are heatmaps with numbers on hover.

import { el } from "./dom.js";
import { heatFigure } from "./heatmap.js";
import { latexSpace, latexValue, mathElement } from "./math.js";
import { entries, formatExactValue, formatValue, shapeOf, shapeText } from "./tensor.js";

const FANOUT_TERMS_MAX = 8;

// "lhs = value": typeset when small, otherwise "lhs ∈ ℝ^{m×n}" above a heatmap.
export function valueBlock(ctx, lhs, value, { name = "", field = null } = {}) {
  const { doc } = ctx;
  const latex = latexValue(value);
  const block = el(doc, "div", { class: "bp-tensor-value" });
  if (latex != null) block.append(math(ctx, `${lhs} = ${latex}`));
  else block.append(math(ctx, `${lhs} \\in ${latexSpace(shapeOf(value))}`), heatFigure(doc, value, { name, label: name }));
  if (field) block.append(dataLine(doc, [[field, value]]));
  return block;
}

// The exact entries for copying, screen readers and tests; a short text on screen.
export function dataLine(doc, pairs) {
  const line = el(doc, "p", { class: "bp-numbers" });
  pairs.forEach(([field, value], i) => {
    if (i) line.append("   ");
    const exact = formatExactValue(value);
    line.append(`${field} `, el(doc, "data", { value: exact, "data-field": field, title: exact, text: formatValue(value) }));
  });
  return line;
}

// One wire of a tensor graph: downstream = local_latex(δ).
export function tensorEdgeCard(ctx, edge, { title, gradLatex }) {
  const { doc, index } = ctx;
  const source = index.nodes.get(edge.source);
  const target = index.nodes.get(edge.target);
  const delta = `\\delta = ${gradLatex(target)}`;
  const card = el(doc, "section", { class: `bp-card bp-tensor-card${edge.kink ? " is-kink" : ""}`, "data-edge": edge.id }, [
    el(doc, "h4", { class: "bp-card-title" }, [title]),
    math(ctx, `\\text{downstream} = ${edge.local_latex}, \\quad ${delta}`, true),
    valueBlock(ctx, `\\delta`, edge.upstream, { name: `δ (${target.name})`, field: "upstream" }),
    valueBlock(ctx, `${gradLatex(target)}${edge.partial_latex}`, edge.downstream, { name: `downstream to ${source.name}`, field: "downstream" }),
  ]);
  if (edge.local_elementwise != null) card.append(elementwiseBlock(ctx, edge));
  card.append(jacobianBlock(ctx, edge, source, target));
  return card;
}

// Element-wise gates: ∂gate/∂source entry by entry, and the scalar rule it holds.
function elementwiseBlock(ctx, edge) {
  const rule = edge.derivative_latex ? `${edge.derivative_latex}` : edge.partial_latex;
  const block = el(ctx.doc, "div", { class: "bp-elementwise" }, [
    el(ctx.doc, "p", { class: "bp-note", text: "Local derivative, entry by entry (the downstream multiplies δ by it, entry by entry):" }),
    valueBlock(ctx, `${edge.partial_latex} = ${rule}`, edge.local_elementwise, { name: "local", field: "local_elementwise" }),
  ]);
  return block;
}

// The full Jacobian, as a matrix of (gate entries) × (source entries), when it was sent.
function jacobianBlock(ctx, edge, source, target) {
  const { doc } = ctx;
  const shape = edge.local_shape ?? [];
  if (edge.local == null) {
    return el(doc, "p", { class: "bp-note", text: `The Jacobian ∂${target.name}/∂${source.name} (${shapeText(shape)}) has more than 64 entries, so the API does not send it; the rule above computes the downstream without it.` });
  }
  const rows = (target.shape ?? []).reduce((a, b) => a * b, 1);
  const flat = entries(edge.local);
  const matrix = Array.from({ length: rows }, (_, r) => flat.slice((r * flat.length) / rows, ((r + 1) * flat.length) / rows));
  const lhs = `J = ${edge.partial_latex} \\in ${latexSpace(shape)}`;
  return el(doc, "details", { class: "bp-jacobian" }, [
    el(doc, "summary", { text: `Jacobian ∂${target.name}/∂${source.name}, ${shapeText(shape) || "1"} (one row per entry of ${target.name})` }),
    valueBlock(ctx, lhs, rows === 1 ? matrix[0] : matrix, { name: "J", field: "local" }),
  ]);
}

// ∂f/∂node at a fan-out: the sum of what each wire brings back, entry by entry.
export function tensorFanOut(ctx, node, wires, gradLatex) {
  const { doc } = ctx;
  const shown = wires.slice(0, FANOUT_TERMS_MAX);
  const terms = shown.map((edge) => latexValue(edge.downstream));
  const total = latexValue(node.grad);
  const block = el(doc, "div", { class: "bp-fanout" });
  if (terms.every((t) => t != null) && total != null && wires.length === shown.length) {
    block.append(math(ctx, `${gradLatex(node)} = ${terms.join(" + ")} = ${total}`, true));
  } else {
    shown.forEach((edge, i) => block.append(valueBlock(ctx, `\\text{wire ${i + 1}}`, edge.downstream, { name: `wire ${i + 1}` })));
    block.append(valueBlock(ctx, `${gradLatex(node)} = \\textstyle\\sum`, node.grad, { name: node.name }));
  }
  block.append(dataLine(doc, shown.map((edge, i) => [`downstream ${i + 1}`, edge.downstream])));
  return block;
}

function math(ctx, latex, display = false) {
  return mathElement(ctx.doc, ctx.katex, latex, { display });
}
