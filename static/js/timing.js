// When the animation computes each number: the step after which a node's value (forward) and
// its gradient (backward) are known, as animate.js's timeline orders them. The inspector uses
// it to say so when it shows numbers the animation has not reached yet.

const steps = new WeakMap(); // index → {forward: Map(id → step), backward: Map(id → step)}

function stepsOf(index) {
  if (!steps.has(index)) {
    const { forward_order: forward, backward_order: backward } = index.graph;
    steps.set(index, {
      forward: new Map(forward.map((id, i) => [id, i + 1])),
      backward: new Map(backward.map((id, i) => [id, forward.length + i + 1])),
    });
  }
  return steps.get(index);
}

// A sentence for an item whose numbers are not all computed at `step`, or "" (also for no step:
// a view without an animation shows finished numbers).
export function timingNote(index, selection, step) {
  if (step == null || !selection) return "";
  const { forward, backward } = stepsOf(index);
  const item = selection.kind === "node" ? index.nodes.get(selection.id) : index.edges.get(selection.id);
  if (!item) return "";
  const [valueAt, gradAt, name] =
    selection.kind === "node"
      ? [forward.get(item.id), backward.get(item.id), item.name]
      : [forward.get(item.source), backward.get(item.target), `the wire ${index.nodes.get(item.source).name} → ${index.nodes.get(item.target).name}`];
  if (step < valueAt) return `At step ${step} the forward pass has not reached ${name} yet (it does at step ${valueAt}, the backward pass at step ${gradAt}): these are the numbers the passes will compute.`;
  if (step < gradAt) return `At step ${step} the backward pass has not reached ${name} yet (it does at step ${gradAt}): the gradients below are the ones it will compute.`;
  return "";
}
