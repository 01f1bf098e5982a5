// The reference of every operator and function, from GET /api/v1/functions: what to type,
// the local derivatives (typeset), and how each passes the gradient back.

import { el, scrollRegion } from "./dom.js";
import { loadMath, mathElement } from "./math.js";

const ARGUMENTS = ["x", "y"]; // the API writes each gate's formula in x and y

export function createHelp(container, { functions }) {
  const doc = container.ownerDocument;
  const body = el(doc, "div", { class: "bp-help-body" });
  const details = el(doc, "details", { class: "bp-help" }, [
    el(doc, "summary", { text: "Show every operator and function, with its local derivatives" }),
    body,
  ]);
  container.append(details);
  let loaded = false;

  details.addEventListener("toggle", async () => {
    if (!details.open || loaded) return;
    loaded = true;
    body.replaceChildren(el(doc, "p", { class: "bp-hint", text: "Loading…" }));
    try {
      const [katex, ops] = await Promise.all([loadMath(), functions()]);
      body.replaceChildren(helpTable(doc, katex, [...ops.values()]));
    } catch (error) {
      loaded = false;
      body.replaceChildren(el(doc, "p", { class: "bp-error-message", text: error.message }));
    }
  });

  return {
    open() {
      details.open = true;
    },
  };
}

function helpTable(doc, katex, entries) {
  const head = ["Type", "Gate", "Local derivatives", "How the gradient passes", "At a kink"];
  return scrollRegion(doc, "Operators and functions", [
    el(doc, "table", { class: "bp-table bp-help-table" }, [
      el(doc, "thead", {}, [el(doc, "tr", {}, head.map((text) => el(doc, "th", { scope: "col", text })))]),
      el(doc, "tbody", {}, entries.map((entry) => helpRow(doc, katex, entry))),
    ]),
  ]);
}

function helpRow(doc, katex, entry) {
  const locals = entry.local_latex.map((local) =>
    mathElement(doc, katex, `\\frac{\\partial}{\\partial ${ARGUMENTS[local.input] ?? `x_{${local.input}}`}} = ${local.latex}`, { display: true }),
  );
  return el(doc, "tr", { "data-op": entry.op }, [
    el(doc, "th", { scope: "row" }, [el(doc, "code", { text: entry.syntax })]),
    el(doc, "td", {}, [mathElement(doc, katex, entry.forward_latex), el(doc, "span", { class: "bp-muted", text: `  drawn as ${entry.symbol}` })]),
    el(doc, "td", {}, locals),
    el(doc, "td", { text: entry.explanation }),
    el(doc, "td", { text: entry.kink_convention ?? "" }),
  ]);
}
