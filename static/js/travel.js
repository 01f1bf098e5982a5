// Tokens that carry a number along wires: how values travel forward and gradients back.

import { svg } from "./dom.js";

export function createTraveller(doc) {
  const layer = svg(doc, "g", { class: "bp-tokens", "aria-hidden": "true" });
  let frame = null;
  let finish = null;

  function stop() {
    if (frame) cancelAnimationFrame(frame);
    frame = null;
    layer.replaceChildren();
    finish?.();
    finish = null;
  }

  // items: [{path, text}]; resolves when the tokens arrive (or at once when stopped).
  function run(items, direction, ms) {
    stop();
    if (items.length === 0 || ms <= 0) return Promise.resolve();
    const tokens = items.map(({ path, text }) => {
      const group = svg(doc, "g", { class: `bp-token bp-token-${direction}` }, [
        svg(doc, "circle", { r: 7 }),
        svg(doc, "text", { y: -12, text }),
      ]);
      layer.append(group);
      return { path, length: path.getTotalLength(), group };
    });
    return new Promise((resolve) => {
      finish = resolve;
      const start = performance.now();
      const tick = (now) => {
        const t = Math.min(1, (now - start) / ms);
        for (const token of tokens) place(token, direction === "forward" ? ease(t) : 1 - ease(t));
        if (t < 1) {
          frame = requestAnimationFrame(tick);
          return;
        }
        frame = null;
        finish = null;
        layer.replaceChildren();
        resolve();
      };
      frame = requestAnimationFrame(tick);
    });
  }

  return { layer, run, stop };
}

function place(token, fraction) {
  const point = token.path.getPointAtLength(fraction * token.length);
  token.group.setAttribute("transform", `translate(${point.x.toFixed(1)},${point.y.toFixed(1)})`);
}

const ease = (t) => (t < 0.5 ? 2 * t * t : 1 - (-2 * t + 2) ** 2 / 2);
