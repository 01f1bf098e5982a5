// Forward functions of every gate, in JavaScript, for the inspector's small plots: the curve
// of a gate as one input varies while the others keep their values. The point and the slope
// on the plot come from the API; these only trace the curve around them. A browser test
// compares every function here with the API's forward values.

const sigmoid = (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const GATES = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  neg: (a) => -a,
  max: (...args) => Math.max(...args),
  min: (...args) => Math.min(...args),
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  tanh: Math.tanh,
  sigmoid,
  relu: (x) => (x > 0 ? x : 0),
  leaky_relu: (x, slope = 0.01) => (x > 0 ? x : slope * x),
  hardtanh: (x) => (x <= -1 ? -1 : x < 1 ? x : 1),
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
};

// The gate as a function of its input number `index`, the other inputs held at `args`.
export function slice(op, args, index) {
  const f = GATES[op];
  if (!f) return null;
  return (t) => {
    const moved = args.slice();
    moved[index] = t;
    return f(...moved);
  };
}
