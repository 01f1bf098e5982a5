// The layered layout, without any DOM: the same code runs on the page and in the worker.
//
// Ranks are ours, not dagre's: an expression graph is a tree over the typed operations whose
// only shared nodes are its variables, so placing every node one rank before its earliest
// consumer (counted back from the output) gives every tree edge length one. Dagre then orders
// the nodes within the ranks to cut crossings, and positions them and the edge labels.

import { graphlib, layout as dagreLayout } from "../vendor/dagre-3.1.3/dagre.esm.js";

export const SPACING = { nodesep: 26, ranksep: 40, edgesep: 12, marginx: 16, marginy: 16 };

// input: {nodes: [{id, kind, width, height}] in forward (topological) order,
//         edges: [{id, source, target}], labelWidth, labelHeight}
export function runLayout(input) {
  const ranks = assignRanks(input);
  const g = new graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", ranker: "none", ...SPACING });
  for (const node of input.nodes) {
    // Dagre gives each edge label a rank of its own between its ends: hence the doubling.
    g.setNode(node.id, { width: node.width, height: node.height, rank: 2 * ranks.get(node.id) });
  }
  for (const edge of input.edges) {
    const label = { width: input.labelWidth, height: input.labelHeight, labelpos: "c" };
    g.setEdge(edge.source, edge.target, label, edge.id);
  }
  dagreLayout(g);
  const result = readResult(g, input);
  if (typedBottomUp(input, result)) flipVertically(result);
  return result;
}

// Each node one rank before its earliest consumer, the output last. Then the variables move
// to the first rank ("inputs on the left"), unless that would stretch their wires by more
// than the graph has nodes in total (a sum of many products would become mostly long wires).
export function assignRanks(input) {
  const consumers = new Map(input.nodes.map((node) => [node.id, []]));
  for (const edge of input.edges) consumers.get(edge.source).push(edge.target);
  const rank = new Map();
  for (const node of [...input.nodes].reverse()) {
    const next = consumers.get(node.id).map((id) => rank.get(id));
    rank.set(node.id, next.length ? Math.min(...next) - 1 : 0);
  }
  const first = Math.min(...rank.values());
  for (const [id, r] of rank) rank.set(id, r - first);
  const inputs = input.nodes.filter((node) => node.kind === "input");
  const stretch = inputs.reduce((sum, node) => sum + rank.get(node.id) * consumers.get(node.id).length, 0);
  if (stretch <= input.nodes.length) for (const node of inputs) rank.set(node.id, 0);
  return rank;
}

// Dagre may stack the variables in the reverse of the order they were typed; a reader
// expects x above y above z, so mirror the drawing then (mirroring keeps every crossing).
function typedBottomUp(input, result) {
  const ys = input.nodes.filter((node) => node.kind === "input").map((node) => result.nodes[node.id].y);
  let drift = 0;
  for (let i = 1; i < ys.length; i += 1) drift += ys[i] - ys[i - 1];
  return drift < 0;
}

function flipVertically(result) {
  const flip = (point) => ({ ...point, y: result.height - point.y });
  for (const id of Object.keys(result.nodes)) result.nodes[id] = flip(result.nodes[id]);
  for (const id of Object.keys(result.edges)) {
    const edge = result.edges[id];
    result.edges[id] = { ...flip(edge), points: edge.points.map(flip) };
  }
}

function readResult(g, input) {
  const nodes = {};
  for (const node of input.nodes) {
    const { x, y, width, height } = g.node(node.id);
    nodes[node.id] = { x, y, width, height };
  }
  const edges = {};
  for (const edge of input.edges) {
    const { points, x, y } = g.edge(edge.source, edge.target, edge.id);
    edges[edge.id] = { points, x, y };
  }
  const { width, height } = g.graph();
  return { nodes, edges, width, height };
}
