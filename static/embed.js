// <backprop-graph>: a live graph on any page that allows scripts.
//
//   <script type="module" src="{this server}/static/embed.js"></script>
//   <backprop-graph expr="(x+y)*max(y,z)" values="x=1,y=2,z=0" autoplay></backprop-graph>
//
// Attributes: expr, values ("x=1, y=2" or "W=[[1, 2], [3, 4]], x=[1, -1]"), autoplay, step, sel, speed (0.5, 1, 2, 4),
// controls="0" (hide the buttons), theme="light" | "dark" (default: the reader's system).
// Everything is fetched from the server this file came from (import.meta.url), so the API is
// called cross-origin; the server allows that for /api/ and /static/ (README, "Embedding").

import { createApi } from "./js/api.js";
import { embedGraph } from "./js/mount.js";
import { parseValue } from "./js/tensor.js";
import { selectionFromId } from "./js/state.js";

const STATIC = new URL("./", import.meta.url);
const API = new URL("../api/v1", import.meta.url).href;
const STYLESHEETS = ["vendor/katex-0.19.1/katex.min.css", "css/theme.css", "css/graph.css", "css/panels.css", "css/embed.css"];
const KATEX_CSS = new URL("vendor/katex-0.19.1/katex.min.css", STATIC);
const LECTURE = { expr: "(x+y)*max(y,z)", values: "x=1,y=2,z=0" };

// "x=1, y=2;z=-0.5" → {x: 1, y: 2, z: -0.5}; a value may be a vector or a matrix in JSON,
// "W=[[1, 2], [3, 4]], x=[1, -1]". Pieces that are not name=value are skipped, each with a
// warning on the console for the page's author: the graph then asks for those values itself.
export function parseValues(text, warn = (message) => console.warn(message)) {
  const values = {};
  // "x = 1" is x=1: spaces around = would otherwise split the piece in three
  for (const piece of topLevelPieces((text ?? "").replace(/\s*=\s*/g, "="))) {
    const at = piece.indexOf("=");
    const name = piece.slice(0, Math.max(at, 0)).trim();
    const written = piece.slice(at + 1).trim();
    const value = written.startsWith("[") ? parseValue(written) : written === "" ? null : Number(written);
    if (at > 0 && name && (Array.isArray(value) || Number.isFinite(value))) values[name] = value;
    else warn(`<backprop-graph> skipped ${JSON.stringify(piece.trim())} in its values attribute: ${whyNot(piece)}.`);
  }
  return values;
}

function whyNot(piece) {
  const opened = piece.split("[").length - piece.split("]").length;
  if (opened > 0) return "a '[' is not closed, so the rest of the attribute was read as one value";
  return "write name=number, name=[…] for a vector or name=[[…], …] for a matrix, all finite";
}

// Split at commas, semicolons and spaces outside brackets (a matrix's commas stay inside).
function topLevelPieces(text) {
  const pieces = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const char = text[i];
    if (char === "[") depth++;
    else if (char === "]") depth = Math.max(0, depth - 1);
    else if (i === text.length || (depth === 0 && /[,;\s]/.test(char))) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return pieces.filter((piece) => piece.trim() !== "");
}

// @font-face only works from the document, not from a shadow root: KaTeX's fonts are added to
// the document once, by absolute URL, as a constructed stylesheet (which a host page's CSP
// for inline styles does not block).
let fontsAdded = null;
function addKatexFonts(doc) {
  fontsAdded ??= fetch(KATEX_CSS)
    .then((response) => response.text())
    .then((css) => {
      const faces = css.match(/@font-face\s*{[^}]*}/g) ?? [];
      const absolute = faces.map((face) => face.replace(/url\(([^)]+)\)/g, (_, path) => `url("${new URL(path.replace(/["']/g, ""), KATEX_CSS)}")`));
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(absolute.join("\n"));
      doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    })
    .catch(() => {}); // without the fonts KaTeX falls back to the system's; still readable
  return fontsAdded;
}

class BackpropGraph extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    for (const sheet of STYLESHEETS) {
      const link = this.ownerDocument.createElement("link");
      link.rel = "stylesheet";
      link.href = new URL(sheet, STATIC).href;
      root.append(link);
    }
    addKatexFonts(this.ownerDocument);
    const has = (name) => this.hasAttribute(name) && this.getAttribute(name) !== "false";
    const expression = this.getAttribute("expr") ?? LECTURE.expr;
    const step = Number.parseInt(this.getAttribute("step") ?? "", 10);
    this.explorer = embedGraph(root, {
      api: createApi(API),
      expression,
      values: parseValues(this.getAttribute("values") ?? (this.hasAttribute("expr") ? "" : LECTURE.values)),
      controls: this.getAttribute("controls") !== "0",
      autoplay: has("autoplay"),
      step: Number.isInteger(step) ? step : null,
      selection: selectionFromId(this.getAttribute("sel")),
      speed: Number(this.getAttribute("speed") ?? 1),
    });
  }
}

if (!customElements.get("backprop-graph")) customElements.define("backprop-graph", BackpropGraph);
