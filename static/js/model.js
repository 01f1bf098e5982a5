// The API's graph with lookups (node by id, edges into and out of a node) and the plain-text
// words that captions, labels and tables share.

import { formatValue, isTensor, shapeText } from "./tensor.js";

export function indexGraph(graph) {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const edges = new Map(graph.edges.map((edge) => [edge.id, edge]));
  const into = new Map(graph.nodes.map((node) => [node.id, []]));
  const out = new Map(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    into.get(edge.target).push(edge);
    out.get(edge.source).push(edge);
  }
  for (const list of into.values()) list.sort((a, b) => a.index - b.index);
  return {
    graph,
    nodes,
    edges,
    into,
    out,
    output: nodes.get(graph.output),
    variables: graph.nodes.filter((node) => node.kind === "input"),
    signature: structureSignature(graph),
  };
}

// Two graphs with the same signature have the same drawing: only their numbers differ.
// (The parse does not depend on the values, so a slider drag keeps the signature.)
export function structureSignature(graph) {
  // A node's shape sizes its heatmaps, so a new shape is a new drawing.
  const nodes = graph.nodes.map((n) => `${n.id}:${n.kind}:${n.op ?? n.name}:${n.inputs.join(",")}:${(n.shape ?? []).join("x")}`);
  return `${graph.output}|${nodes.join(";")}`;
}

const INFIX = { add: "+", sub: "−", mul: "×", div: "÷", pow: "^" };

// "a = x + y", "b = max(y, z)", "g = −d": how the lecture writes a gate.
export function plainDefinition(index, node) {
  if (node.kind !== "op") return node.name;
  return `${node.name} = ${plainFormula(index, node)}`;
}

export function plainFormula(index, node) {
  return formulaOf(node, index.into.get(node.id).map((edge) => index.nodes.get(edge.source).name));
}

// The gate written with the given argument texts: names, or numbers ("1 + 2").
export function formulaOf(node, args) {
  if (node.op in INFIX && args.length === 2) return `${args[0]} ${INFIX[node.op]} ${args[1]}`;
  if (node.op === "neg") return `−${args[0]}`;
  return `${node.op}(${args.join(", ")})`;
}

// "x → a": an edge by the names of its ends, and by its operand where x*x has two of them.
export function plainEdge(index, edge) {
  return `${index.nodes.get(edge.source).name} → ${index.nodes.get(edge.target).name}${operandNote(index, edge)}`;
}

// " (1st operand)" for each wire of x*x, which feeds x into f twice; "" for any other wire.
export function operandNote(index, edge) {
  const inputs = index.nodes.get(edge.target).inputs;
  if (inputs.filter((id) => id === edge.source).length < 2) return "";
  return ` (${ordinal(edge.index + 1)} operand)`;
}

// 1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st: as app/serialize.py writes partial_latex.
function ordinal(n) {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th");
  return `${n}${suffix}`;
}

// What the inspector and screen readers say about a node.
export function nodeSummary(index, node) {
  const kind = { input: "input", constant: "constant", op: "gate" }[node.kind];
  const shape = node.shape?.length ? ` of shape ${shapeText(node.shape)}` : "";
  return `${kind} ${plainDefinition(index, node)}${shape}, value ${formatValue(node.value)}, gradient ${formatValue(node.grad)}`;
}

// An array edge has no single "local" number (its Jacobian may not even be sent): say what
// goes in and what comes out.
export function edgeSummary(index, edge) {
  const head = `edge ${plainEdge(index, edge)}: value ${formatValue(edge.value)}, upstream ${formatValue(edge.upstream)}`;
  if (isArrayEdge(edge)) return `${head}, downstream ${formatValue(edge.downstream)}`;
  return `${head} × local ${formatValue(edge.local)} = downstream ${formatValue(edge.downstream)}`;
}

// A wire whose upstream or downstream is a vector or a matrix: "upstream × local" does not
// apply as a product of numbers.
export const isArrayEdge = (edge) => isTensor(edge.upstream) || isTensor(edge.downstream);
