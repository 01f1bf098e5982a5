// The timeline of the two passes and a player that walks it.
//
// One step per node forward, in topological order, then one per node backward, in reverse
// order. "Step s" means the first s steps are done: 0 is the start, steps.length the end.
//   forward at n:  n's value is written on its outgoing wires; its inputs' values travel in.
//   backward at n: n's gradient is complete (the sum of what its outgoing wires brought), and
//                  upstream × local is computed for each of its input wires, which travels back.

import { wireLabel } from "./tensor.js";

export const STEP_MS = 1000; // one step at 1×: the tokens' trip, then a short pause
const TRAVEL_SHARE = 0.7;

export function buildTimeline(index) {
  const forward = index.graph.forward_order.map((node) => ({ phase: "forward", node }));
  const backward = index.graph.backward_order.map((node) => ({ phase: "backward", node }));
  return [...forward, ...backward];
}

// The wires a step lights up: the node's input wires in both passes.
export function stepEdges(index, step) {
  return index.into.get(step.node);
}

function reveal(view, index, step, on) {
  view.markNode(step.node, step.phase, on);
  const wires = step.phase === "forward" ? index.out.get(step.node) : index.into.get(step.node);
  for (const edge of wires) view.markEdge(edge.id, step.phase, on);
  if (step.node === index.output.id) view.markOutput(step.phase, on);
}

export function createPlayer(view, { onChange = () => {}, reducedMotion = () => false } = {}) {
  let index = null;
  let steps = [];
  let step = 0;
  let speed = 1;
  let playing = false;
  let run = 0; // bumps on every pause, so a sleeping play loop knows it was stopped

  const state = () => ({ step, length: steps.length, playing, speed, current: steps[step - 1] ?? null, index });

  function setStep(target) {
    target = Math.max(0, Math.min(steps.length, target));
    while (step < target) reveal(view, index, steps[(step += 1) - 1], true);
    while (step > target) reveal(view, index, steps[(step -= 1)], false);
    const current = steps[step - 1];
    const wires = current ? stepEdges(index, current).map((edge) => edge.id) : [];
    view.setCurrent(current ? [current.node] : [], wires, current?.phase ?? "forward");
    onChange(state());
  }

  // Reveal the next step, then let its tokens travel; resolves when they arrive.
  function advance() {
    if (step >= steps.length) return Promise.resolve();
    setStep(step + 1);
    if (reducedMotion()) return Promise.resolve();
    const current = steps[step - 1];
    const tokens = stepEdges(index, current).map((edge) => ({
      edgeId: edge.id,
      text: wireLabel(current.phase === "forward" ? edge.value : edge.downstream),
    }));
    return view.travel(tokens, current.phase, (STEP_MS * TRAVEL_SHARE) / speed);
  }

  async function play() {
    if (playing || steps.length === 0) return;
    if (step >= steps.length) setStep(0);
    playing = true;
    const mine = (run += 1);
    onChange(state());
    while (run === mine && step < steps.length) {
      const started = performance.now();
      await advance();
      const rest = STEP_MS / speed - (performance.now() - started);
      if (run === mine && step < steps.length) await sleep(Math.max(rest, 0));
    }
    if (run === mine) {
      playing = false;
      onChange(state());
    }
  }

  function pause() {
    if (!playing) return;
    playing = false;
    run += 1;
    view.stopTravel();
    onChange(state());
  }

  function jump(target) {
    pause();
    view.stopTravel();
    setStep(target);
  }

  return {
    // A new drawing: start from nothing and walk to `start` (the end by default).
    load(newIndex, start) {
      pause();
      index = newIndex;
      steps = buildTimeline(index);
      step = 0;
      setStep(start ?? steps.length);
    },
    // Same drawing, new numbers: what is revealed stays revealed.
    refresh(newIndex) {
      index = newIndex;
      onChange(state());
    },
    play,
    pause,
    toggle: () => (playing ? pause() : play()),
    stepForward() {
      pause();
      advance();
    },
    stepBack: () => jump(step - 1),
    toStart: () => jump(0),
    toEnd: () => jump(steps.length),
    goTo: (target) => jump(target),
    setSpeed(value) {
      speed = value;
      onChange(state());
    },
    get state() {
      return state();
    },
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
