// The examples a learner can load in one click. Only inputs: every number shown is computed.

const NEURON_VALUES = { w0: 2, x0: -1, w1: -3, x1: -2, w2: -3 };

// The lecture's named-entity window: five 4-dimensional word vectors, W of 3×20.
const WINDOW_WORDS = {
  x_museums: [-0.8, -0.2, 0.8, 0.8],
  x_in: [-0.5, -0.8, 0.6, 0.2],
  x_Paris: [-0.5, 0, -0.9, 0.4],
  x_are: [0.1, 0.4, -0.8, 0.3],
  x_amazing: [-0.3, 0, -0.3, 0.3],
};
const WINDOW_W = [
  [0.9, 0, 1, -0.8, 0.2, -0.2, 0.6, -0.7, 0.7, 0.1, 0.8, 0, -0.1, 0.6, 1, -0.3, 0.9, 0.9, -0.6, 0.2],
  [0.4, 0.9, 0.3, -0.7, 0, 0, 0, 0.9, -0.3, -0.6, 0, 0.3, 0.9, 0.2, -0.5, 0.9, 0, 0.4, 0, -0.6],
  [0.4, 0.5, -0.6, -0.1, -0.3, -0.7, -0.6, 0.9, 0.8, -0.2, 0.5, -0.9, 0.8, 0.1, 0.6, -0.4, -0.2, -0.3, 0.9, -0.1],
];
const REPEAT_W = [
  [0.1, 0.2, -0.9, -0.5, -0.9, -0.2, 0, -0.8, 0.3, 0, 0, 0.2],
  [0.9, 0.2, -0.8, -0.7, 0.4, -0.4, 0.5, 0, -0.2, 0.5, -0.6, -0.4],
  [-0.4, -0.2, 0.8, 0.6, 0.6, 0.3, -1, -0.4, 0, 0.8, -0.3, 0.1],
];

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
  {
    id: "layer-sigmoid",
    group: "Vectors and matrices",
    label: "s = uᵀ σ(W x + b), W of 2×3",
    expression: "u.T @ sigmoid(W @ x + b)",
    values: { u: [1, -1], W: [[1, 2, 3], [4, 5, 6]], x: [0.1, 0.2, 0.3], b: [0, 1] },
  },
  {
    id: "window",
    group: "Vectors and matrices",
    label: "Window model: museums in Paris are amazing",
    expression: "u.T @ tanh(W @ concat(x_museums, x_in, x_Paris, x_are, x_amazing) + b)",
    values: { u: [-0.2, -0.4, 0.6], W: WINDOW_W, b: [0, 0.9, 0.8], ...WINDOW_WORDS },
  },
  {
    id: "window-repeat",
    group: "Vectors and matrices",
    label: "The same word twice: in Paris in",
    expression: "u.T @ tanh(W @ concat(x_in, x_Paris, x_in) + b)",
    values: { u: [0.2, 0.1, 0.3], W: REPEAT_W, b: [0.7, -0.3, 0.5], x_in: WINDOW_WORDS.x_in, x_Paris: WINDOW_WORDS.x_Paris },
  },
  {
    id: "softmax-matrix",
    group: "Vectors and matrices",
    label: "Softmax cross-entropy, W of 3×4, L2",
    expression: "-log(softmax(W @ x + b)[1]) + 0.01*sum(W*W)",
    values: {
      W: [[0, -0.8, 0.8, 0.9], [0.7, -0.3, 0.3, 0.5], [-0.9, 0.6, -0.8, 0.9]],
      x: [-0.5, 0.9, -0.5, 0.1],
      b: [0.7, 1, 0.4],
    },
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
