// Typesetting with the vendored KaTeX, loaded on first use (it is the page's largest file).

import { formatNumber } from "./format.js";
import { shapeOf } from "./tensor.js";

// Vectors and matrices up to these sizes are typeset; larger ones are drawn as heatmaps.
const BMATRIX = { rows: 8, cols: 6 };

const OPTIONS = { throwOnError: false, strict: "ignore", trust: false, output: "htmlAndMathml" };

let loading = null;

export function loadMath() {
  // A literal path, so that app/bundle.py finds KaTeX and packs it into the standalone export.
  loading ??= import("../vendor/katex-0.19.1/katex.mjs").then((module) => module.default);
  return loading;
}

// KaTeX's fonts have no double-struck one, so \mathbb{1} would come out as a plain 1; the
// Unicode character 𝟙 (in every common system font) reads as the lecture's indicator.
export function tidyLatex(latex) {
  return latex.replaceAll("\\mathbb{1}", "\\text{𝟙}");
}

// A typeset element; `katex` is what loadMath() resolved to.
export function mathElement(doc, katex, latex, { display = false, className = "" } = {}) {
  const node = doc.createElement(display ? "div" : "span");
  node.className = `bp-math ${className}`.trim();
  katex.render(tidyLatex(latex), node, { ...OPTIONS, displayMode: display });
  return node;
}

// A number as LaTeX, written as on the graph.
export function latexNumber(value) {
  if (Number.isNaN(value)) return "\\text{NaN}";
  if (!Number.isFinite(value)) return value > 0 ? "\\infty" : "-\\infty";
  const text = formatNumber(value).replace("−", "-");
  const [mantissa, exponent] = text.split("e");
  return exponent ? `${mantissa} \\times 10^{${exponent}}` : text;
}

// A number, or a small vector or matrix as a bmatrix (a vector as a column, as the lecture
// writes it; a longer one as a transposed row); null when too big to read as numbers.
export function latexValue(value) {
  if (!Array.isArray(value)) return latexNumber(value);
  const shape = shapeOf(value);
  const rows = shape.length === 1 ? [value] : value;
  if (shape.length > 2 || rows.length > BMATRIX.rows || rows[0].length > (shape.length === 1 ? 2 * BMATRIX.cols : BMATRIX.cols)) return null;
  if (shape.length === 1 && value.length <= 4) return bmatrix(value.map((v) => [v]));
  return shape.length === 1 ? `${bmatrix(rows)}^{\\top}` : bmatrix(rows);
}

const bmatrix = (rows) => `\\begin{bmatrix} ${rows.map((row) => row.map(latexNumber).join(" & ")).join(" \\\\ ")} \\end{bmatrix}`;

// "\mathbb{R}^{2 \times 3}": the space a value lives in.
export const latexSpace = (shape) => (shape.length ? `\\mathbb{R}^{${shape.join(" \\times ")}}` : "\\mathbb{R}");
