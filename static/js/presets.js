// The examples a learner can load in one click. Only inputs: every number shown is computed.

const NEURON_VALUES = { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 };

export const PRESETS = [
  {
    id: "lecture",
    group: "The lecture",
    label: "(x + y) · max(y, z) at z = 0",
    expression: "(x+y)*max(y,z)",
    values: { x: 1, y: 2, z: 0 },
  },
  {
    id: "lecture-z3",
    group: "The lecture",
    label: "(x + y) · max(y, z) at z = 3",
    expression: "(x+y)*max(y,z)",
    values: { x: 1, y: 2, z: 3 },
  },
  {
    id: "max-tie",
    group: "The lecture",
    label: "A max tie: y = z",
    expression: "(x+y)*max(y,z)",
    values: { x: 1, y: 2, z: 2 },
  },
  {
    id: "fan-out",
    group: "The lecture",
    label: "Fan-out: x · x",
    expression: "x*x",
    values: { x: 3 },
  },
  {
    id: "neuron-exp",
    group: "CS231n",
    label: "Sigmoid neuron, written with exp",
    expression: "1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
    values: NEURON_VALUES,
  },
  {
    id: "neuron-sigmoid",
    group: "CS231n",
    label: "Sigmoid neuron, with sigmoid()",
    expression: "sigmoid(w0*x0 + w1*x1 + w2)",
    values: NEURON_VALUES,
  },
  {
    id: "softmax-l2",
    group: "CS231n",
    label: "Softmax cross-entropy, 3 logits, L2",
    // Logits f_c = w_c·x, true class 1, and λ = 0.01: scalar exp and log (no vectors yet).
    expression: "-log(exp(w1*x)/(exp(w0*x) + exp(w1*x) + exp(w2*x))) + 0.01*(w0^2 + w1^2 + w2^2)",
    values: { w0: 0.5, w1: -0.3, w2: 0.8, x: 2 },
  },
  { id: "relu", group: "One gate", label: "relu", expression: "relu(x)", values: { x: 1.5 } },
  { id: "tanh", group: "One gate", label: "tanh", expression: "tanh(x)", values: { x: 0.5 } },
  { id: "sigmoid", group: "One gate", label: "sigmoid", expression: "sigmoid(x)", values: { x: 1 } },
  { id: "hardtanh", group: "One gate", label: "hardtanh", expression: "hardtanh(x)", values: { x: 0.5 } },
  {
    id: "leaky-relu",
    group: "One gate",
    label: "leaky relu",
    expression: "leaky_relu(x)",
    values: { x: -2 },
  },
];
