// The page at /: wires the editor, the API, the layout, the drawing, the player, the
// inspector and the panels together, and keeps the URL in step with what is on screen.
//
// The flow: an edit → (debounced) one API call at a time, always for the newest input →
//   same structure as on screen: new numbers written into the drawing, nothing moves;
//   new structure: lay out (in a worker when big), draw, and start the player.

import { createApi } from "./api.js";
import { resultLine, stepCaption } from "./captions.js";
import { copyText } from "./clipboard.js";
import { bindPlayerKeys, createControls } from "./controls.js";
import { el } from "./dom.js";
import { DEFAULT_VALUE, createEditor } from "./editor.js";
import { iframeSnippet } from "./embed-code.js";
import { downloadUrl, exportAs } from "./export.js";
import { formatNumber } from "./format.js";
import { createGradCheck } from "./gradcheck.js";
import { createHelp } from "./help.js";
import { createInspector } from "./inspector.js";
import { createLayouter, estimateSeconds } from "./layout.js";
import { indexGraph } from "./model.js";
import { createPlayer } from "./animate.js";
import { PRESETS } from "./presets.js";
import { createStage } from "./stage.js";
import { readState, selectionFromId, writeState } from "./state.js";
import { createTableView } from "./table.js";
import { createThemeToggle } from "./theme.js";
import { createGraphView } from "./view.js";

const TYPING_MS = 250; // after a keystroke in the expression
const VALUE_MS = 20; // after a value or slider change: live, but coalesced
const URL_MS = 150;

const page = document.getElementById("app");
const api = createApi(page.dataset.api);
const layoutCap = Number(page.dataset.layoutCap);
const motion = window.matchMedia("(prefers-reduced-motion: reduce)");

const initial = readState(window.location.search);
const model = {
  expression: initial.expression ?? PRESETS[0].expression,
  values: initial.expression == null ? { ...PRESETS[0].values } : initial.values,
  ranges: initial.ranges,
  pendingStep: initial.step, // for the first drawing only
  pendingSelection: selectionFromId(initial.selected),
  selection: null,
  index: null, // the newest answer
  raw: "",
  shown: null, // {signature, mode: "graph" | "table"}
  job: null, // a layout in progress: {signature, promise, cancel}
};

const stage = createStage(document.getElementById("graph-panel"), {
  onZoom: (how) => (how === "fit" ? view.fit() : view.zoomBy(how)),
  onCopyLink: copyLink,
  onCopyEmbed: copyEmbedCode,
  onExport: exportDrawing,
  onShowTable: () => model.index && showTableOnly(model.index, "You stopped the layout."),
});
// On a narrow screen the inspector sits below the graph: bring it into view on a click.
const stacked = window.matchMedia("(max-width: 1100px)");
const view = createGraphView(stage.viewHost, { onSelect: (selection) => select(selection, { reveal: stacked.matches }) });
const player = createPlayer(view, { onChange: playerChanged, reducedMotion: () => motion.matches });
const controls = createControls(stage.controlsHost, player);
const inspector = createInspector(document.getElementById("inspector"), { functions: api.functions, onSelect: (s) => select(s, { reveal: true }) });
const gradcheck = createGradCheck(document.getElementById("gradcheck"));
const table = createTableView(document.getElementById("table"), { onSelect: (s) => select(s, { reveal: true }) });
const layouter = createLayouter();
const editor = createEditor(document.getElementById("editor"), {
  presets: PRESETS,
  onExpression: (text) => {
    model.expression = text;
    compute.schedule(TYPING_MS);
    syncUrl();
  },
  onValue: (name, value) => {
    model.values[name] = value;
    compute.schedule(VALUE_MS);
  },
  onRange: (name, range) => {
    model.ranges[name] = range;
    syncUrl();
  },
  onPreset: loadPreset,
});
const help = createHelp(document.getElementById("help"), { functions: api.functions });
document.querySelector("a[href='#help']")?.addEventListener("click", () => help.open());
createThemeToggle(document.getElementById("theme-toggle"));

// --- computing ------------------------------------------------------------------------------

// At most one request in flight; edits during it ask for one more run, with the newest input.
function createScheduler(task) {
  let timer = null;
  let running = false;
  let again = false;
  async function fire() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } finally {
      running = false;
      if (again) {
        again = false;
        fire();
      }
    }
  }
  return {
    schedule(delay) {
      clearTimeout(timer);
      timer = setTimeout(fire, delay);
    },
  };
}

const compute = createScheduler(async () => {
  const expression = model.expression;
  setBusy("loading");
  try {
    const { graph, raw } = await api.graph(expression, { ...model.values });
    if (expression !== model.expression) return; // typed on meanwhile; the next run is queued
    editor.clearError();
    present(indexGraph(graph), raw);
  } catch (error) {
    if (expression === model.expression) failed(error, expression);
  }
});

function failed(error, expression) {
  if (error.missing?.length && addMissing(error.missing)) {
    compute.schedule(0); // the variables that just appeared get a value; ask again
    return;
  }
  editor.showError(error, expression);
  if (model.index) page.classList.add("is-stale"); // what is shown is the last expression's that computed
  // Where it parsed, offer its variables: W in W @ x gets a row, and its [ ] for a matrix.
  // With nothing computed yet (a link with a typo, say), still offer the values it carried.
  if (error.variables || !model.index) editor.setVariables(error.variables ?? Object.keys(model.values), model.values, model.ranges);
  if (!model.index) stage.setNotice(["The graph appears here as soon as the expression can be computed."]);
  setBusy("error");
}

function addMissing(names) {
  const added = names.filter((name) => !(name in model.values));
  for (const name of added) model.values[name] = DEFAULT_VALUE;
  return added.length > 0;
}

// Not awaited by the request loop: a long layout must not hold up the next request (typing
// on cancels it; a slider's new numbers are drawn when it ends).
function present(index, raw) {
  model.index = index;
  model.raw = raw;
  page.classList.remove("is-stale");
  editor.setVariables(index.variables.map((node) => node.name), model.values, model.ranges);
  gradcheck.render(index);
  table.render(index);
  stage.setWarnings(index.graph.warnings);
  syncUrl();
  if (model.shown?.signature === index.signature) return refreshNumbers(index);
  if (model.job?.signature === index.signature) return; // that layout draws the newest numbers
  redraw(index);
}

// Same structure, new numbers: write them in; the drawing and the animation step stay.
function refreshNumbers(index) {
  if (model.shown.mode === "graph") {
    view.update(index);
    player.refresh(index);
  }
  inspector.refresh(index);
  setBusy("ready");
}

async function redraw(index) {
  model.job?.cancel();
  stage.setProgress(null);
  if (index.graph.nodes.length > layoutCap) return showTableOnly(index);
  setBusy("layout");
  const job = layouter.start(index, { onProgress: (p) => stage.setProgress(p) });
  model.job = { ...job, signature: index.signature };
  let layout;
  try {
    layout = await job.promise;
  } catch (error) {
    return showTableOnly(index, `The layout failed (${error.message}).`);
  }
  if (model.job?.promise !== job.promise) return; // a newer graph took over
  model.job = null;
  stage.setProgress(null);
  drawLayout(model.index, layout);
}

function drawLayout(index, layout) {
  stage.setNotice(null);
  stage.setDrawingTools(true);
  controls.setEnabled(true);
  view.draw(index, layout);
  model.shown = { signature: index.signature, mode: "graph" };
  player.load(index, model.pendingStep ?? undefined);
  model.pendingStep = null;
  select(takePendingSelection(index));
  setBusy("ready");
}

// Above the cap the drawing would take too long: the table lists everything instead.
function showTableOnly(index, why = "") {
  model.job?.cancel();
  model.job = null;
  stage.setProgress(null);
  view.clear();
  model.shown = { signature: index.signature, mode: "table" };
  inspector.setStep(null); // no animation: every number in the table is computed
  controls.setEnabled(false);
  stage.setDrawingTools(false);
  stage.setCaption("");
  stage.setResult(resultLine(index));
  const nodes = index.graph.nodes.length.toLocaleString("en");
  const seconds = formatNumber(Math.round(estimateSeconds(index.graph.nodes.length)));
  const link = el(document, "a", { href: "#table", text: "the table below" });
  const reason = why || `This graph has ${nodes} nodes, more than the ${layoutCap.toLocaleString("en")} the page draws (its layout would take about ${seconds} s).`;
  stage.setNotice([`${reason} Every node and wire, with all its numbers, is in `, link, "."]);
  select(takePendingSelection(index));
  setBusy("ready");
}

function setBusy(state) {
  page.dataset.state = state;
}

// --- selection, player, URL ----------------------------------------------------------------

function takePendingSelection(index) {
  const selection = model.pendingSelection;
  model.pendingSelection = null;
  const exists = selection && (selection.kind === "node" ? index.nodes.has(selection.id) : index.edges.has(selection.id));
  return exists ? selection : null;
}

function select(selection, { reveal = false } = {}) {
  model.selection = selection;
  view.select(selection);
  inspector.show(model.index, selection);
  if (reveal && selection) {
    view.focusItem(selection);
    document.getElementById("inspector").scrollIntoView({ block: "nearest", behavior: motion.matches ? "auto" : "smooth" });
  }
  syncUrl();
}

function playerChanged(state) {
  controls.update(state);
  if (!state.index) return;
  inspector.setStep(state.step);
  stage.setCaption(stepCaption(state.index, state));
  stage.setResult(state.step === state.length ? resultLine(state.index) : null);
  const panel = document.getElementById("graph-panel");
  panel.dataset.step = state.step;
  panel.dataset.steps = state.length;
  syncUrl();
}

let urlTimer = null;
function syncUrl({ now = false } = {}) {
  clearTimeout(urlTimer);
  const write = () => {
    const names = model.index ? model.index.variables.map((node) => node.name) : Object.keys(model.values);
    const { step, length } = player.state;
    const drawn = model.shown?.mode === "graph";
    const search = writeState({
      expression: model.expression,
      values: model.values,
      order: names.filter((name) => name in model.values),
      step: drawn ? step : null,
      atEnd: step === length,
      selected: model.selection?.id ?? null,
      ranges: editor.ranges(),
    });
    if (search !== window.location.search) window.history.replaceState(null, "", search + window.location.hash);
  };
  if (now) write();
  else urlTimer = setTimeout(write, URL_MS);
}

function loadPreset(preset) {
  model.expression = preset.expression;
  model.values = { ...preset.values };
  model.ranges = {};
  model.pendingStep = null;
  editor.setExpression(preset.expression);
  editor.clearError();
  select(null);
  player.toEnd();
  compute.schedule(0);
}

async function copyLink() {
  syncUrl({ now: true });
  const ok = await copyText(document, window.location.href);
  stage.say(ok ? "Link copied." : "Copying is not allowed here; copy the address bar instead.");
}

async function copyEmbedCode() {
  syncUrl({ now: true });
  const src = new URL(`embed${window.location.search}`, window.location.href).href;
  const ok = await copyText(document, iframeSnippet(src, model.expression));
  stage.say(ok ? "Embed code copied: paste it into a course page." : "Copying is not allowed here.");
}

async function exportDrawing(kind) {
  if (!model.index) return;
  if (kind === "html") return downloadStandalone();
  try {
    await exportAs(kind, { doc: document, svgElement: view.element, raw: model.raw, expression: model.expression });
    stage.say(`Saved the ${kind.toUpperCase()}.`);
  } catch (error) {
    stage.say(`The export failed: ${error.message}`);
  }
}

// The server builds the standalone file (it packs the modules, styles and fonts).
// It opens at this view's step and selection (_step and _sel: no variable's name starts with _).
function downloadStandalone() {
  const names = model.index.variables.map((node) => node.name);
  const query = new URLSearchParams(writeState({ expression: model.expression, values: model.values, order: names }));
  if (model.shown?.mode === "graph") query.set("_step", String(player.state.step));
  if (model.selection) query.set("_sel", model.selection.id);
  downloadUrl(document, `${page.dataset.api}/export/html?${query}`);
  stage.say("Saved the HTML.");
}

// Space, ←, →, Home, End drive the animation, except where a control needs those keys.
bindPlayerKeys(document, controls, () => model.shown?.mode === "graph");

controls.setEnabled(false);
stage.setDrawingTools(false);
editor.setExpression(model.expression);
compute.schedule(0);
