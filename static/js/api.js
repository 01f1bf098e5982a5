// The API client: one fetch per call, numbers decoded, every failure an ApiError.

import { mapEntries } from "./tensor.js";

export class ApiError extends Error {
  // status 0 means the server was not reached. position is the 0-based column the API
  // points at; missing lists the variables that still need a value.
  constructor(status, message, { position = null, missing = null, variables = null } = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.position = position;
    this.missing = missing;
    this.variables = variables; // the expression's variables, where it parsed
  }
}

// JSON has no infinity or NaN: the API sends the strings "Infinity", "-Infinity", "NaN", also
// as entries of the nested lists that carry vectors and matrices.
export const toNumber = (value) => (typeof value === "number" ? value : Number(value));
const decodeValue = (value) => (value == null ? value : mapEntries(value, toNumber));

export function createApi(base = "/api/v1", fetchImpl = (...args) => globalThis.fetch(...args)) {
  let functions = null;
  return {
    // Returns {graph, raw}: the decoded graph and the exact JSON text (for the JSON export).
    async graph(expression, values, { signal } = {}) {
      const body = JSON.stringify({ expression, values });
      const init = { method: "POST", headers: { "content-type": "application/json" }, body, signal };
      const raw = await readText(fetchImpl, `${base}/graph`, init);
      return { graph: decodeGraph(JSON.parse(raw)), raw };
    },
    // Every operator and function with its LaTeX; fetched once and shared.
    functions() {
      functions ??= readText(fetchImpl, `${base}/functions`, {}).then((raw) => {
        const list = JSON.parse(raw).functions;
        return new Map(list.map((entry) => [entry.op, entry]));
      });
      functions.catch(() => (functions = null)); // let a later call retry
      return functions;
    },
  };
}

async function readText(fetchImpl, url, init) {
  let response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    if (error.name === "AbortError") throw error;
    throw new ApiError(0, "The server could not be reached. Is it running?");
  }
  const raw = await response.text();
  if (!response.ok) throw errorFrom(response.status, raw);
  return raw;
}

function errorFrom(status, raw) {
  let detail = null;
  try {
    detail = JSON.parse(raw).detail;
  } catch {
    // not JSON: a proxy's error page, say
  }
  if (!detail || typeof detail.message !== "string") {
    return new ApiError(status, `The server answered ${status} without an explanation.`);
  }
  return new ApiError(status, detail.message, {
    position: Number.isInteger(detail.position) ? detail.position : null,
    missing: Array.isArray(detail.missing) ? detail.missing : null,
    variables: Array.isArray(detail.variables) ? detail.variables : null,
  });
}

const NODE_NUMBERS = ["value", "grad"];
const EDGE_NUMBERS = ["value", "upstream", "local", "local_elementwise", "downstream"];
const CHECK_NUMBERS = ["analytic", "numeric", "abs_error", "rel_error"];

// The same object, with every number a JavaScript number.
export function decodeGraph(json) {
  json.value = decodeValue(json.value);
  for (const node of json.nodes) decodeFields(node, NODE_NUMBERS);
  for (const edge of json.edges) decodeFields(edge, EDGE_NUMBERS);
  for (const row of json.gradient_check ?? []) decodeFields(row, CHECK_NUMBERS);
  for (const row of json.non_finite) row.value = toNumber(row.value);
  for (const name of Object.keys(json.gradients)) json.gradients[name] = decodeValue(json.gradients[name]);
  return json;
}

function decodeFields(object, fields) {
  // local and local_elementwise may be null (a Jacobian too big to send; not element-wise).
  for (const field of fields) if (field in object) object[field] = decodeValue(object[field]);
}
