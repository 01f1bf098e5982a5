// The inspector: one gate, input or wire at a time, typeset as the lecture writes it.
//   downstream = upstream × local, with the symbolic local derivative and the numbers;
//   the sum of the contributions where a node fans out; the gate's pattern in words
//   (add distributes, max routes, mul switches); the convention used at a kink; and, for a
//   gate of one input (or any wire), a small plot with the tangent whose slope is the local.

import { el } from "./dom.js";
import { formatNumber } from "./format.js";
import { slice } from "./gates.js";
import { dataLine, tensorEdgeCard, tensorFanOut, valueBlock } from "./inspector-tensor.js";
import { latexNumber, latexSpace, loadMath, mathElement } from "./math.js";
import { isArrayEdge, plainDefinition, plainEdge } from "./model.js";
import { gatePlot } from "./plot.js";
import { isTensor, shapeText } from "./tensor.js";
import { timingNote } from "./timing.js";

const FANOUT_TERMS_MAX = 8; // longer sums are cut with "+ …" (the table has every term)
const HINT = "Click a gate, an input or a wire (or focus it and press Enter) to see how its gradient is computed.";

// functions(): a promise of Map(op → the API's entry for it), for explanations and kinks.
export function createInspector(container, { functions = async () => new Map(), onSelect = () => {} } = {}) {
  const doc = container.ownerDocument;
  const summary = el(doc, "p", { class: "bp-summary visually-hidden", "aria-live": "polite" });
  const timing = el(doc, "p", { class: "bp-timing", hidden: true });
  const body = el(doc, "div", { class: "bp-inspector-body" });
  container.append(summary, timing, body);
  let shown = { index: null, selection: null };
  let step = null; // the animation's step; null where there is none (everything computed)
  let generation = 0;

  // The panel shows every number at once; mid-animation, say which are still to come.
  function showTiming() {
    const text = shown.index ? timingNote(shown.index, shown.selection, step) : "";
    timing.hidden = !text;
    timing.textContent = text;
  }

  const showHint = () => body.replaceChildren(el(doc, "p", { class: "bp-hint", text: HINT }));
  showHint();

  async function show(index, selection, { announce = true } = {}) {
    shown = { index, selection };
    const mine = (generation += 1);
    const item = selection && index ? lookup(index, selection) : null;
    showTiming();
    if (!item) {
      summary.textContent = "";
      showHint();
      return;
    }
    const [katex, ops] = await Promise.all([loadMath(), functions().catch(() => new Map())]);
    if (mine !== generation) return; // a newer selection or newer numbers won
    const ctx = { doc, katex, ops, index, onSelect };
    // Built aside and swapped in one go, so a slider drag never shows a half-drawn panel.
    body.replaceChildren(selection.kind === "node" ? nodePanel(ctx, item) : edgePanel(ctx, item));
    if (announce) summary.textContent = `Inspecting ${selection.kind === "node" ? plainDefinition(index, item) : plainEdge(index, item)}.`;
  }

  return {
    show,
    // Same selection, new numbers (a slider moved).
    refresh: (index) => shown.selection && show(index, shown.selection, { announce: false }),
    // The animation moved: the panel stays, its note on what is computed yet follows.
    setStep(newStep) {
      step = newStep;
      showTiming();
    },
    get selection() {
      return shown.selection;
    },
  };
}

function lookup(index, selection) {
  return selection.kind === "node" ? index.nodes.get(selection.id) : index.edges.get(selection.id);
}

// --- panels ---------------------------------------------------------------------------------

function nodePanel(ctx, node) {
  const { doc, index } = ctx;
  const kind = { input: "Input", constant: "Constant", op: `Gate: ${node.op}` }[node.kind];
  const shape = node.shape?.length ? `, ${shapeText(node.shape)}` : "";
  const definition = node.kind === "op" ? node.definition_latex : node.latex;
  const parts = [
    el(doc, "p", { class: "bp-kind", text: `${kind}${shape}` }),
    isTensor(node.value) ? valueBlock(ctx, definition, node.value, { name: node.name, field: "value" }) : math(ctx, `${definition} = ${latexNumber(node.value)}`, true),
  ];
  if (node.kind === "op") parts.push(patternNote(ctx, node));
  parts.push(gradientBlock(ctx, node));
  const inputs = index.into.get(node.id);
  if (inputs.length) {
    const rule = inputs.some(isArrayEdge) ? "its rule applied to the upstream δ" : "upstream × local";
    parts.push(el(doc, "h3", { class: "bp-subtitle", text: `Each input gets downstream = ${rule}` }));
    parts.push(...inputs.map((edge) => edgeCard(ctx, edge)));
  } else if (index.out.get(node.id).length) {
    const rule = index.out.get(node.id).some(isArrayEdge) ? "the rule applied to δ" : "upstream × local";
    parts.push(el(doc, "h3", { class: "bp-subtitle", text: `What each wire brings back: ${rule}` }));
    parts.push(...index.out.get(node.id).map((edge) => edgeCard(ctx, edge)));
  }
  if (node.kind === "op" && inputs.length === 1) parts.push(plotFigure(ctx, inputs[0]));
  return el(doc, "div", { class: "bp-panel", "data-node": node.id }, parts);
}

function edgePanel(ctx, edge) {
  const { doc, index } = ctx;
  const source = index.nodes.get(edge.source);
  const target = index.nodes.get(edge.target);
  const parts = [
    el(doc, "p", { class: "bp-kind" }, [`Wire into input ${edge.index + 1} of `, nodeLink(ctx, target)]),
    math(ctx, `${source.latex} ${isTensor(edge.value) ? `\\in ${latexSpace(source.shape)}` : `= ${latexNumber(edge.value)}`} \\;\\longrightarrow\\; ${target.definition_latex}`, true),
    patternNote(ctx, target),
    edgeCard(ctx, edge, { link: false }),
  ];
  if (index.out.get(source.id).length > 1) {
    parts.push(el(doc, "h3", { class: "bp-subtitle" }, ["All of ", nodeLink(ctx, source), "'s gradient"]));
    parts.push(gradientBlock(ctx, source));
  }
  parts.push(plotFigure(ctx, edge));
  return el(doc, "div", { class: "bp-panel", "data-edge": edge.id }, parts);
}

// --- pieces ---------------------------------------------------------------------------------

// ∂f/∂node: 1 at the output, the one incoming contribution, or the sum at a fan-out.
function gradientBlock(ctx, node) {
  const { doc, index } = ctx;
  const wires = index.out.get(node.id);
  const grad = latexNumber(node.grad);
  const block = el(doc, "div", { class: "bp-gradient", "data-field-group": "gradient" });
  if (isTensor(node.grad)) return tensorGradient(ctx, node, wires, block);
  if (node.id === index.output.id) {
    block.append(math(ctx, `${gradLatex(index, node)} = ${grad}`, true));
    block.append(el(doc, "p", { class: "bp-note", text: "The backward pass starts here, with gradient 1." }));
  } else if (wires.length > 1) {
    block.append(math(ctx, fanOutLatex(index, node, wires), true));
    block.append(el(doc, "p", { class: "bp-note", text: `${node.name} feeds ${wires.length} wires, so its gradient is the sum of what each brings back.` }));
  } else {
    block.append(math(ctx, `${gradLatex(index, node)} = ${grad}`, true));
  }
  block.append(numbers(doc, [["gradient", node.grad]]));
  return block;
}

// A vector or matrix node's gradient: the sum over its wires, entry by entry, at a fan-out.
function tensorGradient(ctx, node, wires, block) {
  const { doc, index } = ctx;
  const grad = (n) => gradLatex(index, n);
  if (wires.length > 1) {
    block.append(tensorFanOut(ctx, node, wires, grad));
    block.append(el(doc, "p", { class: "bp-note", text: `${node.name} feeds ${wires.length} wires, so its gradient is the sum of what each brings back, entry by entry.` }));
  } else {
    block.append(valueBlock(ctx, grad(node), node.grad, { name: `∂/∂${node.name}` }));
  }
  block.append(dataLine(doc, [["gradient", node.grad]]));
  return block;
}

function fanOutLatex(index, node, wires) {
  const shown = wires.slice(0, FANOUT_TERMS_MAX);
  const more = wires.length > shown.length ? " + \\cdots" : "";
  const symbols = shown.map((edge) => `${gradLatex(index, index.nodes.get(edge.target))}${edge.partial_latex}`);
  const values = shown.map((edge) => wrapNegative(latexNumber(edge.downstream)));
  const lines = [`${symbols.join(" + ")}${more}`, `${values.join(" + ")}${more}`, latexNumber(node.grad)];
  return `\\begin{aligned} ${gradLatex(index, node)} ${lines.map((line) => `&= ${line}`).join(" \\\\ ")} \\end{aligned}`;
}

// One wire's chain rule: the local derivative, symbolic then numeric, and the product.
function edgeCard(ctx, edge, { link = true } = {}) {
  const { doc, index } = ctx;
  if (isArrayEdge(edge)) {
    const title = link ? edgeLink(ctx, edge) : el(doc, "span", { text: plainEdge(index, edge) });
    const card = tensorEdgeCard(ctx, edge, { title, gradLatex: (n) => gradLatex(index, n) });
    if (edge.kink) card.append(kinkNote(ctx, index.nodes.get(edge.target)));
    return card;
  }
  const target = index.nodes.get(edge.target);
  const local = latexNumber(edge.local);
  // At a kink the formula does not hold (1[y > z] is 0 at a tie, not ½): the number is the
  // convention's, which the note below the card names.
  const symbolic = edge.kink || edge.local_latex.trim() === local ? "" : ` = ${edge.local_latex}`;
  const byConvention = edge.kink ? "\\;\\text{(convention at the kink)}" : "";
  const title = link ? edgeLink(ctx, edge) : el(doc, "span", { text: plainEdge(index, edge) });
  const card = el(doc, "section", { class: `bp-card${edge.kink ? " is-kink" : ""}`, "data-edge": edge.id }, [
    el(doc, "h4", { class: "bp-card-title" }, [title]),
    math(ctx, `\\text{local: }\\; ${edge.partial_latex}${symbolic} = ${local}${byConvention}`, true),
    math(ctx, chainLatex(index, target, edge), true),
    numbers(doc, [["upstream", edge.upstream], ["local", edge.local], ["downstream", edge.downstream]]),
  ]);
  if (edge.kink) card.append(kinkNote(ctx, target));
  return card;
}

// downstream = upstream · local: the symbols and their numbers, then the product on a line
// of its own (the inspector is narrow and a projector needs big digits).
function chainLatex(index, target, edge) {
  const symbols = `${gradLatex(index, target)} \\cdot ${edge.partial_latex}`;
  const numbers = `${wrapNegative(latexNumber(edge.upstream))} \\times ${wrapNegative(latexNumber(edge.local))}`;
  return `\\begin{aligned} ${symbols} &= ${numbers} \\\\ &= ${latexNumber(edge.downstream)} \\end{aligned}`;
}

// "upstream 3 × local 1 = downstream 3" in words and plain numbers: for screen readers,
// for the projector's back row, and for copying.
function numbers(doc, pairs) {
  const line = el(doc, "p", { class: "bp-numbers" });
  pairs.forEach(([field, value], i) => {
    if (i === 1) line.append(" × ");
    if (i === 2) line.append(" = ");
    line.append(`${field} `, el(doc, "data", { value: String(value), "data-field": field, title: String(value), text: formatNumber(value) }));
  });
  return line;
}

function patternNote(ctx, node) {
  const { doc, ops } = ctx;
  const explanation = ops.get(node.op)?.explanation ?? "";
  if (!node.pattern) return el(doc, "p", { class: "bp-pattern", text: explanation });
  // "max routes: the largest input gets …": the pattern word first, in bold.
  const detail = explanation.includes(":") ? explanation.slice(explanation.indexOf(":") + 1).trim() : "";
  return el(doc, "p", { class: "bp-pattern" }, [
    el(doc, "strong", { text: `${node.op} ${node.pattern}` }),
    detail ? `: ${detail}.` : " the gradient.",
  ]);
}

function kinkNote(ctx, target) {
  const { doc, ops, index } = ctx;
  const convention = ops.get(target.op)?.kink_convention ?? "the engine takes the limit used by PyTorch";
  const source = index.graph.kink_conventions?.source ?? "PyTorch's conventions";
  return el(doc, "p", { class: "bp-kink", role: "note" }, [
    el(doc, "strong", { text: "Kink. " }),
    `${target.op} has no derivative at ${index.graph.tensor ? "some entry of " : ""}these inputs; the local gradient follows the convention: ${convention} (${source}).`,
  ]);
}

// The target gate against this wire's input, the other inputs held at their values.
function plotFigure(ctx, edge) {
  const { doc, index } = ctx;
  const source = index.nodes.get(edge.source);
  const target = index.nodes.get(edge.target);
  const inputs = index.into.get(target.id);
  // A tangent is a picture of one number against one number: not for vectors and matrices.
  if (inputs.some((e) => isTensor(e.value)) || isTensor(target.value)) return null;
  const f = slice(target.op, inputs.map((e) => e.value), edge.index);
  const plot = f && gatePlot(doc, { f, x0: edge.value, y0: target.value, slope: edge.local, xLabel: source.name, yLabel: target.name });
  if (!plot) return null;
  const held = inputs.filter((e) => e.id !== edge.id).map((e) => `${index.nodes.get(e.source).name} = ${formatNumber(e.value)}`);
  const caption = el(doc, "figcaption", {}, [
    el(doc, "span", { class: "bp-key-value", text: `● ${target.name} = ${formatNumber(target.value)} at ${source.name} = ${formatNumber(edge.value)}` }),
    el(doc, "span", { class: "bp-key-grad", text: `– – tangent, slope ∂${target.name}/∂${source.name} = ${formatNumber(edge.local)} (the local gradient)` }),
    held.length ? el(doc, "span", { class: "bp-muted", text: `${held.join(", ")} held fixed` }) : null,
  ]);
  return el(doc, "figure", { class: "bp-figure" }, [plot, caption]);
}

function nodeLink(ctx, node) {
  const text = node.kind === "op" ? plainDefinition(ctx.index, node) : node.name;
  return el(ctx.doc, "button", { type: "button", class: "bp-link", text, on: { click: () => ctx.onSelect({ kind: "node", id: node.id }) } });
}

function edgeLink(ctx, edge) {
  return el(ctx.doc, "button", { type: "button", class: "bp-link", text: plainEdge(ctx.index, edge), on: { click: () => ctx.onSelect({ kind: "edge", id: edge.id }) } });
}

function math(ctx, latex, display = false) {
  return mathElement(ctx.doc, ctx.katex, latex, { display });
}

const gradLatex = (index, node) => `\\frac{\\partial ${index.output.latex}}{\\partial ${node.latex}}`;
const wrapNegative = (latex) => (latex.startsWith("-") ? `\\left(${latex}\\right)` : latex);
