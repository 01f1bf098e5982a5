// Numbers as people read them: short on the graph, exact in the table.

export const MINUS = "\u2212";

// Short form for labels: at most `digits` significant digits, trailing zeros dropped,
// a true minus sign, and the symbols ∞ and NaN for what JSON sent as strings.
export function formatNumber(value, digits = 4) {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : `${MINUS}∞`;
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  let text;
  if (Number.isInteger(value) && magnitude < 1e6) text = String(value);
  else if (magnitude >= 1e5 || magnitude < 1e-3) text = trimExponent(value.toExponential(digits - 1));
  else text = trimZeros(value.toPrecision(digits));
  return text.replace("-", MINUS);
}

// Full precision, ASCII, as Python and spreadsheets read it back: for tables and copy-paste.
export function formatExact(value) {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  return String(value);
}

// Parse what formatNumber or formatExact wrote (tests and copy-paste use this too).
export function parseNumber(text) {
  const clean = text.trim().replaceAll(MINUS, "-").replace("∞", "Infinity");
  return Number(clean);
}

function trimZeros(text) {
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function trimExponent(text) {
  const [mantissa, exponent] = text.split("e");
  return `${trimZeros(mantissa)}e${exponent.replace("+", "")}`;
}
