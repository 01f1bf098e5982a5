// When the animation computes each number: the step after which a node's value (forward) and
// its gradient (backward) are known, read off animate.js's timeline. The inspector uses it to
// say so when it shows numbers the animation has not reached yet.

import { buildTimeline } from "./animate.js";

const steps = new WeakMap(); // index → {forward: Map(id → step), backward: Map(id → step)}

function stepsOf(index) {
  if (!steps.has(index)) {
    const done = { forward: new Map(), backward: new Map() };
    buildTimeline(index).forEach(({ phase, node }, i) => done[phase].set(node, i + 1));
    steps.set(index, done);
  }
  return steps.get(index);
}

// A sentence for an item whose numbers are not all computed at `step`, or "" (also for no step:
// a view without an animation shows finished numbers).
export function timingNote(index, selection, step) {
  if (step == null || !selection) return "";
  const { forward, backward } = stepsOf(index);
  if (selection.kind === "node") {
    const node = index.nodes.get(selection.id);
    return node ? pending(step, node.name, forward.get(node.id), backward.get(node.id)) : "";
  }
  const edge = index.edges.get(selection.id);
  if (!edge) return "";
  const source = index.nodes.get(edge.source);
  const name = `the wire ${source.name} → ${index.nodes.get(edge.target).name}`;
  const note = pending(step, name, forward.get(edge.source), backward.get(edge.target));
  // A wire out of a fan-out shows its source's whole gradient too: the sum is complete only
  // when the backward pass reaches the source.
  const sumAt = backward.get(source.id);
  if (note || index.out.get(source.id).length < 2 || step >= sumAt) return note;
  return `At step ${step} this wire's gradient is computed, but the backward pass has not reached ${source.name} yet (it does at step ${sumAt}): the sum below is the one it will compute.`;
}

function pending(step, name, valueAt, gradAt) {
  if (step < valueAt) return `At step ${step} the forward pass has not reached ${name} yet (it does at step ${valueAt}, the backward pass at step ${gradAt}): these are the numbers the passes will compute.`;
  if (step < gradAt) return `At step ${step} the backward pass has not reached ${name} yet (it does at step ${gradAt}): the gradients below are the ones it will compute.`;
  return "";
}
