// The graph panel's frame around the drawing: the tools (zoom, copy link, export), the
// layout's progress, notices and warnings, and the caption and result lines under the graph.
// It holds no state of its own: the page tells it what to show.

import { el } from "./dom.js";
import { formatNumber } from "./format.js";

// Download titles; SVG and PNG are the drawing, HTML a file that plays offline.
const EXPORT_TITLES = {
  svg: "Download the drawing as SVG",
  png: "Download the drawing as PNG",
  json: "Download the API's JSON",
  html: "Download one HTML file that plays the graph offline (for a course site or an LMS)",
};

export function createStage(container, { onZoom, onCopyLink, onCopyEmbed, onExport, onShowTable }) {
  const doc = container.ownerDocument;
  const tool = (text, title, onClick) => el(doc, "button", { type: "button", class: "button", text, title, on: { click: onClick } });
  const exports = Object.entries(EXPORT_TITLES).map(([kind, title]) => tool(kind.toUpperCase(), title, () => onExport(kind)));
  const zoom = [tool("Fit", "Fit the drawing to the panel", () => onZoom("fit")), tool("−", "Zoom out", () => onZoom(1 / 1.25)), tool("+", "Zoom in", () => onZoom(1.25))];
  zoom[1].setAttribute("aria-label", "Zoom out");
  zoom[2].setAttribute("aria-label", "Zoom in");
  const status = el(doc, "span", { class: "bp-status", role: "status" });
  const controlsHost = el(doc, "div", { class: "bp-controls-host" });
  const tools = el(doc, "div", { class: "bp-tools" }, [
    el(doc, "div", { class: "bp-tool-group", role: "group", "aria-label": "Zoom" }, zoom),
    el(doc, "div", { class: "bp-tool-group", role: "group", "aria-label": "Share and export" }, [tool("Copy link", "Copy a link to exactly this view", onCopyLink), onCopyEmbed && tool("Copy embed code", "Copy an iframe that shows this view on another site", onCopyEmbed), ...exports]),
    status,
  ]);
  const progressBar = el(doc, "progress", { max: 1, value: 0, "aria-label": "Layout progress" });
  const progressText = el(doc, "span", { class: "bp-progress-text" });
  const progress = el(doc, "div", { class: "bp-progress", hidden: true }, [progressText, progressBar, tool("Show the table instead", "Stop the layout and list the graph in the table", onShowTable)]);
  const notice = el(doc, "div", { class: "bp-notice", hidden: true });
  const warnings = el(doc, "ul", { class: "bp-warnings", hidden: true });
  const viewHost = el(doc, "div", { class: "bp-view-host" });
  const caption = el(doc, "p", { class: "bp-caption", "aria-live": "polite" });
  const result = el(doc, "p", { class: "bp-result" });
  container.append(controlsHost, tools, progress, notice, warnings, viewHost, caption, result);

  return {
    viewHost,
    controlsHost,
    // progress: {nodes, elapsed, estimate} while a worker lays out; null when done
    setProgress(p) {
      progress.hidden = !p;
      if (!p) return;
      progressBar.value = Math.min(0.95, p.elapsed / Math.max(p.estimate, 0.1));
      progressText.textContent = `Laying out ${p.nodes.toLocaleString("en")} nodes in the background: ${p.elapsed.toFixed(1)} s, about ${formatNumber(Math.max(1, Math.round(p.estimate)))} s in all.`;
    },
    setNotice(parts) {
      notice.hidden = !parts;
      notice.replaceChildren(...(parts ?? []));
    },
    setWarnings(list) {
      warnings.hidden = list.length === 0;
      warnings.replaceChildren(...list.map((text) => el(doc, "li", { text })));
    },
    setCaption(text) {
      if (caption.textContent !== text) caption.textContent = text;
    },
    setResult(text) {
      result.textContent = text ?? "";
      result.hidden = !text;
    },
    setDrawingTools(on) {
      for (const button of [...zoom, exports[0], exports[1]]) button.disabled = !on;
    },
    say(text) {
      status.textContent = text;
    },
  };
}
