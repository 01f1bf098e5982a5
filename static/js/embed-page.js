// The page at /embed, made to sit in an iframe on a course page: the graph, the player and the
// inspector, without the editor. Everything comes from the address:
//   /embed?expr=(x%2By)*max(y,z)&x=1&y=2&z=0&autoplay=1&step=6&controls=0&theme=dark&speed=2
// and the page tells its host how tall it is, so the host can size the iframe to fit.

import { createApi } from "./api.js";
import { embedGraph } from "./mount.js";
import { readState, selectionFromId } from "./state.js";

export const RESIZE_MESSAGE = "backprop-explorer:resize";
// The embed's own keys. Like the page's step and sel, a variable of the same name wins, and
// the option is then written with a leading underscore (_theme=dark).
const EMBED_KEYS = ["autoplay", "controls", "theme", "speed"];
const LECTURE = { expression: "(x+y)*max(y,z)", values: { x: 1, y: 2, z: 0 } };

export function readEmbedState(search) {
  const params = new URLSearchParams(search);
  const option = (key) => params.get(params.has(`_${key}`) ? `_${key}` : key);
  const state = readState(search);
  for (const key of EMBED_KEYS) if (!params.has(`_${key}`)) delete state.values[key];
  if (state.expression == null) Object.assign(state, LECTURE);
  return {
    ...state,
    autoplay: ["1", "true", ""].includes(option("autoplay")),
    controls: option("controls") !== "0",
    theme: ["light", "dark"].includes(option("theme")) ? option("theme") : null,
    speed: Number(option("speed") ?? 1),
  };
}

// postMessage to the host whenever the content's height changes (the host's script, if any,
// sets the iframe's height; without one, the iframe keeps the height it was given).
function reportHeight(win) {
  if (win.parent === win) return;
  const html = win.document.documentElement;
  let last = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(html.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    win.parent.postMessage({ type: RESIZE_MESSAGE, height }, "*");
  }).observe(html);
}

async function start() {
  const host = document.getElementById("embed");
  const state = readEmbedState(window.location.search);
  if (state.theme) document.documentElement.dataset.theme = state.theme;
  reportHeight(window);
  await embedGraph(host, {
    api: createApi(host.dataset.api),
    expression: state.expression,
    values: state.values,
    layoutCap: Number(host.dataset.layoutCap),
    controls: state.controls,
    step: state.step,
    selection: selectionFromId(state.selected),
    autoplay: state.autoplay,
    speed: state.speed,
  });
}

if (document.getElementById("embed")) start();
