// Typesetting with the vendored KaTeX, loaded on first use (it is the page's largest file).

import { formatNumber } from "./format.js";

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
