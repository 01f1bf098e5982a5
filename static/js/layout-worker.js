// Lays out big graphs off the main thread, so the page keeps answering (and shows progress)
// while dagre works. One message in, one out: {id, input} → {id, type: "done", result}.

import { runLayout } from "./layout-core.js";

self.addEventListener("message", ({ data }) => {
  self.postMessage({ id: data.id, type: "started" });
  try {
    self.postMessage({ id: data.id, type: "done", result: runLayout(data.input) });
  } catch (error) {
    self.postMessage({ id: data.id, type: "error", message: String(error?.message ?? error) });
  }
});
