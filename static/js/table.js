// Every node and every wire with all its numbers, in two plain tables: for screen readers,
// for copying into a notebook or a spreadsheet, and instead of the drawing for big graphs.

import { copyText } from "./clipboard.js";
import { el, scrollRegion } from "./dom.js";
import { operandNote, plainDefinition, plainEdge } from "./model.js";
import { heatFigure } from "./heatmap.js";
import { formatExactValue as formatExact, isTensor, shapeText } from "./tensor.js";

const PAGE = 500; // rows drawn at first; "Show more" adds as many again

// [heading, cell text, class]; the first column is a button that selects the row's item.
const NODE_COLUMNS = [
  ["Node", null],
  ["Kind", (index, node) => node.kind, ""],
  ["Definition", (index, node) => (node.kind === "op" ? plainDefinition(index, node) : ""), ""],
  ["Value", (index, node) => formatExact(node.value), "num"],
  ["Gradient", (index, node) => formatExact(node.grad), "num"],
];

const EDGE_COLUMNS = [
  ["Wire", null],
  ["Local derivative", (index, edge) => `∂${index.nodes.get(edge.target).name}/∂${index.nodes.get(edge.source).name}${operandNote(index, edge)}`, ""],
  ["Value", (index, edge) => formatExact(edge.value), "num"],
  ["Upstream", (index, edge) => formatExact(edge.upstream), "num"],
  ["Local", (index, edge) => (edge.local == null ? "(Jacobian too large to send)" : formatExact(edge.local)), "num"],
  ["Downstream", (index, edge) => formatExact(edge.downstream), "num"],
  ["Kink", (index, edge) => (edge.kink ? "yes" : ""), ""],
];

export function createTableView(container, { onSelect = () => {} } = {}) {
  const doc = container.ownerDocument;
  const status = el(doc, "span", { class: "bp-status", role: "status" });
  const copy = el(doc, "button", { type: "button", class: "button", text: "Copy as TSV" });
  const body = el(doc, "div", { class: "bp-tables" });
  container.append(el(doc, "div", { class: "bp-table-tools" }, [copy, status]), body);
  let index = null;
  let limits = { signature: null, nodes: PAGE, edges: PAGE };

  copy.addEventListener("click", async () => {
    if (!index) return;
    const ok = await copyText(doc, toTsv(index));
    status.textContent = ok ? `Copied ${index.graph.nodes.length} nodes and ${index.graph.edges.length} wires.` : "Copying is not allowed here.";
  });

  function render(newIndex) {
    index = newIndex;
    if (limits.signature !== index.signature) limits = { signature: index.signature, nodes: PAGE, edges: PAGE };
    const more = (which) => () => {
      limits[which] += PAGE;
      render(index);
    };
    const nodes = section(doc, "Nodes", NODE_COLUMNS, index, index.graph.nodes, limits.nodes, more("nodes"), (node) => nodeButton(doc, index, node, onSelect));
    const edges = section(doc, "Wires", EDGE_COLUMNS, index, index.graph.edges, limits.edges, more("edges"), (edge) => edgeButton(doc, index, edge, onSelect));
    body.replaceChildren(...(index.graph.tensor ? [inputGradients(doc, index, onSelect)] : []), nodes, edges);
  }

  return { render, clear: () => body.replaceChildren() };
}

function section(doc, title, columns, index, items, limit, onMore, firstCell) {
  const shown = items.slice(0, limit);
  const rows = shown.map((item) =>
    el(doc, "tr", { [item.source ? "data-edge" : "data-node"]: item.id }, [
      el(doc, "th", { scope: "row" }, [firstCell(item)]),
      ...columns.slice(1).map(([, cell, cls]) => el(doc, "td", { class: cls || null, text: cell(index, item) })),
    ]),
  );
  const caption = items.length > shown.length ? `${title} (${shown.length} of ${items.length})` : `${title} (${items.length})`;
  const table = el(doc, "table", { class: "bp-table" }, [
    el(doc, "caption", { text: caption }),
    el(doc, "thead", {}, [el(doc, "tr", {}, columns.map(([name]) => el(doc, "th", { scope: "col", text: name })))]),
    el(doc, "tbody", {}, rows),
  ]);
  const more = items.length > shown.length ? el(doc, "button", { type: "button", class: "button", text: `Show ${Math.min(PAGE, items.length - shown.length)} more`, on: { click: onMore } }) : null;
  return scrollRegion(doc, title, [table, more]);
}

// With vectors and matrices, each input's gradient in its own shape first: one row per word
// vector of a window model, say (the gradient of the window split back into words).
function inputGradients(doc, index, onSelect) {
  const rows = index.variables.map((node) =>
    el(doc, "tr", { "data-input": node.name }, [
      el(doc, "th", { scope: "row" }, [nodeButton(doc, index, node, onSelect)]),
      el(doc, "td", { text: shapeText(node.shape ?? []) || "number" }),
      el(doc, "td", {}, isTensor(node.grad) ? [heatFigure(doc, node.grad, { name: `∂${index.output.name}/∂${node.name}` })] : []),
      el(doc, "td", { class: "num bp-wrap", "data-field": "gradient", text: formatExact(node.grad) }),
    ]),
  );
  const table = el(doc, "table", { class: "bp-table" }, [
    el(doc, "caption", { text: `Gradient of ${index.output.name} for each input, in the input's shape` }),
    el(doc, "thead", {}, [el(doc, "tr", {}, ["Input", "Shape", "Heatmap", "Gradient"].map((name) => el(doc, "th", { scope: "col", text: name })))]),
    el(doc, "tbody", {}, rows),
  ]);
  return scrollRegion(doc, "Input gradients", [table]);
}

function nodeButton(doc, index, node, onSelect) {
  return el(doc, "button", { type: "button", class: "bp-link", text: node.name, title: plainDefinition(index, node), on: { click: () => onSelect({ kind: "node", id: node.id }) } });
}

function edgeButton(doc, index, edge, onSelect) {
  return el(doc, "button", { type: "button", class: "bp-link", text: plainEdge(index, edge), on: { click: () => onSelect({ kind: "edge", id: edge.id }) } });
}

// Both tables as tab-separated values, every row (not only the ones drawn).
export function toTsv(index) {
  const lines = (title, columns, items, first) => [
    title,
    columns.map(([name]) => name).join("\t"),
    ...items.map((item) => [first(item), ...columns.slice(1).map(([, cell]) => cell(index, item))].join("\t")),
  ];
  return [
    ...lines("Nodes", NODE_COLUMNS, index.graph.nodes, (node) => node.name),
    "",
    ...lines("Wires", EDGE_COLUMNS, index.graph.edges, (edge) => plainEdge(index, edge)),
  ].join("\n");
}
