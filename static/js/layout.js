// Positions for every node and edge label. Small graphs are laid out on the spot; big ones
// in a Web Worker, with the elapsed time and an estimate reported while it runs.

import { EDGE_LABEL, nodeSize } from "./geometry.js";
import { runLayout } from "./layout-core.js";

// Below this many nodes dagre takes well under 0.2 s, less than a worker's start-up.
export const WORKER_FROM = 120;

// Seconds the layout takes in Chromium for n nodes, fitted to bench/browser_layout.py
// (README, "Page performance": 0.75 s for 500 nodes, 15 s for 2,000). Only the progress
// bar and the notice above the cap use it.
export function estimateSeconds(nodes) {
  return 1e-6 * nodes ** 2.18;
}

// What the layout needs to know, and nothing else: it is copied to the worker.
export function layoutInput(index) {
  return {
    nodes: index.graph.forward_order.map((id) => {
      const node = index.nodes.get(id);
      return { id, kind: node.kind, ...nodeSize(node) };
    }),
    edges: index.graph.edges.map(({ id, source, target }) => ({ id, source, target })),
    labelWidth: EDGE_LABEL.width,
    labelHeight: EDGE_LABEL.height,
  };
}

// createLayouter().start(index, {onProgress}) → {promise, cancel}. A cancelled layout's
// promise never settles; its worker is stopped (dagre cannot be interrupted otherwise).
// workerUrl null: everything on the main thread (the standalone export, whose modules are
// blob: URLs that a relative worker address cannot be resolved against).
export function createLayouter({ workerUrl = defaultWorkerUrl() } = {}) {
  let worker = null;
  let jobs = 0;

  function inWorker(input, onProgress) {
    try {
      worker ??= startWorker(workerUrl);
    } catch {
      return onMainThread(input); // the host page's CSP forbids workers, say
    }
    const id = (jobs += 1);
    const started = performance.now();
    const estimate = estimateSeconds(input.nodes.length);
    const report = () => onProgress?.({ nodes: input.nodes.length, elapsed: (performance.now() - started) / 1000, estimate });
    const timer = setInterval(report, 200);
    report();
    const promise = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.id !== id || data.type === "started") return;
        clearInterval(timer);
        if (data.type === "done") resolve(data.result);
        else reject(new Error(data.message));
      };
      // A worker that cannot start (a page opened from a file, say): lay out here instead.
      worker.onerror = (event) => {
        event.preventDefault();
        clearInterval(timer);
        worker = null;
        resolve(runLayout(input));
      };
      worker.postMessage({ id, input });
    });
    const cancel = () => {
      clearInterval(timer);
      worker?.terminate();
      worker = null;
    };
    return { promise, cancel };
  }

  return {
    start(index, { onProgress } = {}) {
      const input = layoutInput(index);
      if (!workerUrl || input.nodes.length < WORKER_FROM) return onMainThread(input);
      return inWorker(input, onProgress);
    },
    dispose() {
      worker?.terminate();
      worker = null;
    },
  };
}

const onMainThread = (input) => ({ promise: Promise.resolve(runLayout(input)), cancel() {} });

function defaultWorkerUrl() {
  try {
    return new URL("./layout-worker.js", import.meta.url);
  } catch {
    return null;
  }
}

// A worker must come from the page's own origin. From another one (the <backprop-graph>
// element on a course page) it starts from a same-origin blob that imports the real one.
function startWorker(url) {
  if (url.origin === globalThis.location?.origin) return new Worker(url, { type: "module" });
  const shim = new Blob([`import ${JSON.stringify(url.href)};`], { type: "text/javascript" });
  return new Worker(URL.createObjectURL(shim), { type: "module" });
}
