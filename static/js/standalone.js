// The entry of the standalone HTML export (app/standalone.py): the same player and inspector
// as /embed, with the API's answer and the functions reference read from the file itself
// (<script id="bp-data">), so it runs from file:// with no server and no network.

import { decodeGraph } from "./api.js";
import { createLayouter } from "./layout.js";
import { indexGraph } from "./model.js";
import { mountExplorer } from "./mount.js";
import { selectionFromId } from "./state.js";

const data = JSON.parse(document.getElementById("bp-data").textContent);
const functions = new Map(data.functions.map((entry) => [entry.op, entry]));
document.body.classList.add("bp-embed-page");
const explorer = mountExplorer(document.getElementById("standalone"), {
  functions: async () => functions,
  layouter: createLayouter({ workerUrl: null }), // a worker has no address to load from here
});
// At the step and selection the page's view had when it was exported; from the start, with
// nothing selected, when the file was asked for without them.
const { step, selected } = data.view ?? {};
explorer.show(indexGraph(decodeGraph(data.graph)), { step: step ?? 0, selection: selectionFromId(selected) });
