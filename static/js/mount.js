// A graph player with its inspector, mounted into any container: the /embed page, the
// <backprop-graph> element's shadow root and the standalone export all use it. No editor, no
// URL: whoever mounts it says what to show, and the player, the captions and the inspector
// take it from there.

import { resultLine, stepCaption } from "./captions.js";
import { SPEEDS, bindPlayerKeys, createControls } from "./controls.js";
import { el } from "./dom.js";
import { createInspector } from "./inspector.js";
import { createLayouter } from "./layout.js";
import { createPlayer } from "./animate.js";
import { indexGraph } from "./model.js";
import { createGraphView } from "./view.js";

// options: {functions, layouter, controls (show the bar), layoutCap}
export function mountExplorer(container, { functions, layouter = createLayouter(), controls: showControls = true, layoutCap = Infinity } = {}) {
  const doc = container.ownerDocument;
  const parts = buildFrame(doc, showControls);
  container.append(parts.root);
  let index = null;
  const motion = doc.defaultView.matchMedia("(prefers-reduced-motion: reduce)");
  const inspector = createInspector(parts.inspectorBody, { functions, onSelect: select });
  const view = createGraphView(parts.viewHost, { onSelect: select });
  const player = createPlayer(view, { onChange: playerChanged, reducedMotion: () => motion.matches });
  const controls = createControls(parts.controlsHost, player);
  bindPlayerKeys(parts.root, controls, () => index !== null);

  function select(selection) {
    view.select(selection);
    inspector.show(index, selection);
  }

  function playerChanged(state) {
    controls.update(state);
    if (!state.index) return;
    inspector.setStep(state.step);
    parts.caption.textContent = stepCaption(state.index, state);
    parts.result.textContent = state.step === state.length ? resultLine(state.index) : "";
    parts.graph.dataset.step = state.step;
    parts.graph.dataset.steps = state.length;
  }

  // Draw a graph (an indexGraph() result): at `step` (the end by default), with `selection`
  // in the inspector, playing from the start if `autoplay`.
  async function show(newIndex, { step = null, selection = null, autoplay = false, speed = 1 } = {}) {
    if (newIndex.graph.nodes.length > layoutCap) {
      return fail(`This graph has ${newIndex.graph.nodes.length.toLocaleString("en")} nodes, more than the ${layoutCap.toLocaleString("en")} an embed draws.`);
    }
    setState("layout");
    const layout = await layouter.start(newIndex).promise;
    index = newIndex;
    view.draw(index, layout);
    player.setSpeed(SPEEDS.includes(speed) ? speed : 1);
    player.load(index, autoplay ? 0 : (step ?? undefined));
    if (selection) select(selection);
    setState("ready");
    if (autoplay) player.play();
  }

  function fail(message) {
    controls.setEnabled(false);
    parts.notice.hidden = false;
    parts.notice.textContent = message;
    setState("error");
  }

  function setState(state) {
    parts.root.dataset.state = state;
  }

  setState("loading");
  return { show, fail, player, view, root: parts.root };
}

// The frame: the player above the drawing, the caption and result under it, and the
// inspector beside it (below it when the container is narrow: see embed.css).
function buildFrame(doc, showControls) {
  const controlsHost = el(doc, "div", { class: "bp-controls-host", hidden: !showControls });
  const viewHost = el(doc, "div", { class: "bp-view-host" });
  const notice = el(doc, "p", { class: "bp-notice", role: "alert", hidden: true });
  const caption = el(doc, "p", { class: "bp-caption", "aria-live": "polite" });
  const result = el(doc, "p", { class: "bp-result" });
  const graph = el(doc, "section", { class: "bp-embed-graph", "aria-label": "Computational graph" }, [controlsHost, notice, viewHost, caption, result]);
  const inspectorBody = el(doc, "div", { class: "bp-embed-inspector-body" });
  const inspector = el(doc, "section", { class: "bp-embed-inspector", "aria-label": "Inspector" }, [el(doc, "p", { class: "bp-embed-title", text: "Inspector" }), inspectorBody]);
  const root = el(doc, "div", { class: "bp-embed" }, [el(doc, "div", { class: "bp-embed-grid" }, [graph, inspector])]);
  return { root, graph, controlsHost, viewHost, notice, caption, result, inspectorBody };
}

// Fetch the graph from the API and show it; an error is shown where the graph would be.
export async function embedGraph(container, { api, expression, values, layoutCap, controls = true, ...showOptions }) {
  const explorer = mountExplorer(container, { functions: api.functions, controls, layoutCap });
  try {
    const { graph } = await api.graph(expression, values);
    await explorer.show(indexGraph(graph), showOptions);
  } catch (error) {
    explorer.fail(`The graph could not be computed: ${error.message}`);
  }
  return explorer;
}
