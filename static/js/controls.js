// The animation's buttons, step scrubber and speed, and its keyboard shortcuts.

import { el, svg, uniqueId } from "./dom.js";

const ICONS = {
  start: "M3 2h2v12H3zM14 2 6 8l8 6z",
  back: "M12 2 4 8l8 6z",
  play: "M4 2l10 6-10 6z",
  pause: "M3 2h4v12H3zM9 2h4v12H9z",
  forward: "M4 2l8 6-8 6z",
  end: "M2 2l8 6-8 6zM11 2h2v12h-2z",
};
export const SPEEDS = [0.5, 1, 2, 4];

export function createControls(container, player) {
  const doc = container.ownerDocument;
  const buttons = {
    start: button(doc, "start", "Start", "Jump to the start (Home)", () => player.toStart()),
    back: button(doc, "back", "Back", "Step back (←)", () => player.stepBack()),
    play: button(doc, "play", "Play", "Play or pause (Space)", () => player.toggle()),
    forward: button(doc, "forward", "Next", "Step forward (→)", () => player.stepForward()),
    end: button(doc, "end", "End", "Jump to the end (End)", () => player.toEnd()),
  };
  buttons.play.classList.add("primary");
  const scrubId = uniqueId("bp-scrub");
  const scrub = el(doc, "input", { id: scrubId, type: "range", min: 0, max: 0, step: 1, value: 0, class: "bp-scrub" });
  scrub.addEventListener("input", () => player.goTo(Number(scrub.value)));
  const counter = el(doc, "output", { class: "bp-counter", for: scrubId, "aria-live": "off" });
  const speedId = uniqueId("bp-speed");
  const speed = el(doc, "select", { id: speedId, class: "bp-speed" }, SPEEDS.map((s) => el(doc, "option", { value: s, text: `${s}×`, selected: s === 1 })));
  speed.addEventListener("change", () => player.setSpeed(Number(speed.value)));
  const bar = el(doc, "div", { class: "bp-controls", role: "group", "aria-label": "Animation of the two passes" }, [
    el(doc, "div", { class: "bp-buttons" }, Object.values(buttons)),
    el(doc, "div", { class: "bp-scrubber" }, [el(doc, "label", { for: scrubId, text: "Step" }), scrub, counter]),
    el(doc, "div", { class: "bp-speed-field" }, [el(doc, "label", { for: speedId, text: "Speed" }), speed]),
  ]);
  container.append(bar);
  let enabled = true;

  function update({ step, length, playing, speed: rate }) {
    if (rate != null && speed.value !== String(rate)) speed.value = String(rate);
    scrub.max = String(length);
    scrub.value = String(step);
    scrub.setAttribute("aria-valuetext", `step ${step} of ${length}`);
    counter.textContent = `${step} / ${length}`;
    setButton(doc, buttons.play, playing ? "pause" : "play", playing ? "Pause" : "Play");
    buttons.play.setAttribute("aria-pressed", String(playing));
    if (!enabled) return;
    buttons.start.disabled = buttons.back.disabled = step === 0;
    buttons.forward.disabled = buttons.end.disabled = step === length;
    buttons.play.disabled = length === 0;
  }

  // Space, ←, →, Home and End, from anywhere that is not a text field or a slider.
  function handleKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return false;
    const actions = { " ": player.toggle, ArrowRight: player.stepForward, ArrowLeft: player.stepBack, Home: player.toStart, End: player.toEnd };
    const action = actions[event.key];
    if (!action) return false;
    event.preventDefault();
    action();
    return true;
  }

  return {
    update,
    handleKey,
    setEnabled(on) {
      enabled = on;
      bar.classList.toggle("is-disabled", !on);
      for (const control of [...Object.values(buttons), scrub, speed]) control.disabled = !on;
    },
  };
}

function button(doc, icon, text, title, onClick) {
  const node = el(doc, "button", { type: "button", class: "button bp-button", title, "data-action": icon, on: { click: onClick } });
  setButton(doc, node, icon, text);
  return node;
}

function setButton(doc, node, icon, text) {
  if (node.dataset.icon === icon) return;
  node.dataset.icon = icon;
  const glyph = svg(doc, "svg", { viewBox: "0 0 16 16", width: 16, height: 16, "aria-hidden": "true", focusable: "false" }, [svg(doc, "path", { d: ICONS[icon] })]);
  node.replaceChildren(glyph, el(doc, "span", { text }));
}

// Space, ←, →, Home and End on `target` drive the player, except where a control needs those
// keys (a text field, a slider, a list) or Space presses the focused button.
export function bindPlayerKeys(target, controls, isActive) {
  target.addEventListener("keydown", (event) => {
    if (!isActive() || event.defaultPrevented) return;
    const focused = event.composedPath?.()[0] ?? event.target;
    if (focused.closest?.("input, select, textarea, [contenteditable], details > summary")) return;
    if (event.key === " " && focused.closest?.("button, a")) return;
    controls.handleKey(event);
  });
}
