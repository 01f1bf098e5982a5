// One plain sentence per animation step, with the numbers of that step: what the caption
// under the graph says, and what a screen reader announces.

import { formulaOf, isArrayEdge, plainDefinition } from "./model.js";
import { formatValue as n } from "./tensor.js";

export function stepCaption(index, { step, length, current }) {
  if (!current) return `Start. Press Play (or →) to run the forward pass, one node at a time.`;
  const forwardLength = index.graph.forward_order.length;
  const node = index.nodes.get(current.node);
  if (current.phase === "forward") {
    return `Forward ${step} of ${forwardLength}: ${forwardSentence(index, node)}`;
  }
  return `Backward ${step - forwardLength} of ${length - forwardLength}: ${backwardSentence(index, node)}`;
}

function forwardSentence(index, node) {
  if (node.kind === "input") return `input ${node.name} = ${n(node.value)}.`;
  if (node.kind === "constant") return `constant ${node.name} = ${n(node.value)}.`;
  const args = index.into.get(node.id).map((edge) => bracketNegative(n(edge.value)));
  return `${plainDefinition(index, node)} = ${formulaOf(node, args)} = ${n(node.value)}.`;
}

// "2 + 0.13 + (−0.006)", not "2 + 0.13 + −0.006".
const sum = (terms) => terms.map((t, i) => (i ? bracketNegative(t) : t)).join(" + ");

// "2 × (−1)", not "2 × −1".
const bracketNegative = (text) => (text.startsWith("−") ? `(${text})` : text);

function backwardSentence(index, node) {
  const out = index.out.get(node.id);
  const outName = index.output.name;
  // "∂f/∂1" would read as a derivative by the number one: a constant's step says what it is
  // (each typed constant is a node of its own, used once).
  if (node.kind === "constant") return `the constant ${node.name} receives ${n(node.grad)}; no input depends on a constant, so it goes no further.`;
  let start;
  if (node.id === index.output.id) start = `start at ${node.name}: ∂${outName}/∂${node.name} = 1`;
  else if (out.length > 1) start = `${node.name} collects ${sum(out.map((e) => n(e.downstream)))} = ${n(node.grad)}`;
  else start = `∂${outName}/∂${node.name} = ${n(node.grad)}`;
  const sends = index.into.get(node.id).map((edge) => {
    const source = index.nodes.get(edge.source).name;
    if (isArrayEdge(edge)) return `${n(edge.downstream)} to ${source}`;
    return `${n(edge.upstream)} × ${bracketNegative(n(edge.local))} = ${n(edge.downstream)} to ${source}`;
  });
  if (!sends.length) return `${start}.`;
  const rule = index.into.get(node.id).some(isArrayEdge) ? "its vector-Jacobian products" : "upstream × local";
  return `${start}; it sends ${rule}: ${sends.join(", ")}.`;
}

const RESULT_GRADIENTS_MAX = 12; // the table and the gradient check list the rest

// The result line once the backward pass is complete: f and the inputs' gradients.
export function resultLine(index) {
  const outName = index.output.name;
  const shown = index.variables.slice(0, RESULT_GRADIENTS_MAX);
  const grads = shown.map((node) => `∂${outName}/∂${node.name} = ${n(node.grad)}`);
  const more = index.variables.length - shown.length;
  if (more > 0) grads.push(`… and ${more} more in the table`);
  return [`${outName} = ${n(index.output.value)}`, ...grads].join("   ");
}
