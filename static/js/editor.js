// The editor: the expression field (with the API's error shown under it, a caret at the
// column it reports), the examples, and one value field with a slider per variable.
//
// It only reports what the learner does (onExpression, onValue, onRange, onPreset); the
// page decides when to ask the API.

import { el, uniqueId } from "./dom.js";
import { formatNumber } from "./format.js";
import { isTensor, parseValue } from "./tensor.js";

export const DEFAULT_VALUE = 1; // a new variable's value: safe for log, sqrt and division
const CARET_WINDOW = 34; // characters shown either side of the caret in a long expression
const SLIDER_STEPS = 500;

export function createEditor(container, { presets = [], onExpression, onValue, onRange, onPreset } = {}) {
  const doc = container.ownerDocument;
  const ids = { expr: uniqueId("bp-expr"), hint: uniqueId("bp-hint"), error: uniqueId("bp-error"), preset: uniqueId("bp-preset") };
  const input = el(doc, "input", {
    id: ids.expr,
    class: "bp-expr-input",
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    autocapitalize: "off",
    "aria-describedby": `${ids.error} ${ids.hint}`,
  });
  const hint = el(doc, "p", { id: ids.hint, class: "bp-hint", text: "For example (x+y)*max(y,z), 1/(1+exp(-(w0*x0+w1*x1+w2))), relu(x), x^2. See Functions for the whole list." });
  const error = el(doc, "div", { id: ids.error, class: "bp-error", "aria-live": "polite" });
  const select = presetSelect(doc, ids.preset, presets);
  const vars = el(doc, "div", { class: "bp-vars" });
  const noVars = el(doc, "p", { class: "bp-hint", text: "No variables yet: type a name such as x in the expression.", hidden: true });
  container.append(
    el(doc, "div", { class: "bp-expr-row" }, [
      el(doc, "div", { class: "bp-field bp-expr-field" }, [el(doc, "label", { for: ids.expr, text: "Expression" }), input]),
      el(doc, "div", { class: "bp-field bp-preset-field" }, [el(doc, "label", { for: ids.preset, text: "Examples" }), select]),
    ]),
    error,
    hint,
    el(doc, "fieldset", { class: "bp-values" }, [el(doc, "legend", { text: "Values" }), vars, noVars]),
  );
  const rows = new Map();

  input.addEventListener("input", () => {
    select.value = "";
    onExpression?.(input.value);
  });
  select.addEventListener("change", () => {
    const preset = presets.find((p) => p.id === select.value);
    if (preset) onPreset?.(preset);
  });

  const unreadable = new Map(); // value fields whose text is not a value yet: name → what is wrong
  let shownError = null;
  let shownUnreadable = null; // the field whose message is shown

  function valueChanged(name, value) {
    select.value = "";
    unreadable.delete(name);
    onValue?.(name, value);
  }

  // Show exactly these variables, in this order, keeping the rows (and focus) that stay.
  function setVariables(names, values, ranges = {}) {
    for (const [name, row] of rows) {
      if (!names.includes(name)) {
        row.element.remove();
        rows.delete(name);
        unreadable.delete(name);
      }
    }
    for (const name of names) {
      const value = values[name] ?? DEFAULT_VALUE;
      // A vector or matrix needs the JSON field; a row that has one keeps it for numbers too.
      if (rows.has(name) && isTensor(value) && !rows.get(name).json) replaceRow(name, value);
      if (!rows.has(name)) rows.set(name, makeRow(name, value, ranges[name]));
      else if (rows.get(name).show(values[name])) readableAgain(name); // its text was put back
    }
    const order = [...vars.children];
    if (names.some((name, i) => order[i] !== rows.get(name).element)) vars.append(...names.map((name) => rows.get(name).element));
    noVars.hidden = names.length > 0;
  }

  function makeRow(name, value, range) {
    if (isTensor(value)) return jsonRow(doc, name, value, { valueChanged, valueInvalid });
    return variableRow(doc, name, value, range, { valueChanged, valueInvalid, onRange, onJson: () => replaceRow(name, value, { focus: true }) });
  }

  // Swap a slider row for a JSON row in place (its value stays what it was).
  function replaceRow(name, value, { focus = false } = {}) {
    const old = rows.get(name);
    const row = jsonRow(doc, name, old.current?.() ?? value, { valueChanged, valueInvalid });
    old.element.replaceWith(row.element);
    rows.set(name, row);
    if (focus) row.focus();
  }

  // problem: the API's error detail ({message, position, variables?}); an error that lists
  // variables came after the expression parsed, so it may be about the values.
  function showError(problem, expression) {
    const { message, position } = problem;
    shownError = { aboutValues: problem.variables != null };
    shownUnreadable = null;
    input.setAttribute("aria-invalid", "true");
    error.dataset.position = position ?? "";
    const parts = [];
    if (position != null) parts.push(...caretView(doc, expression, position, () => focusColumn(expression, position)));
    parts.splice(1, 0, el(doc, "p", { class: "bp-error-message", text: message }));
    error.replaceChildren(...parts);
    error.classList.add("is-shown");
  }

  // A value that can't be read is not sent, so the last answer's error, if it was about the
  // values (the expression parsed), gives way to what is wrong with this one. An error in the
  // expression's text stays: it is still true.
  function valueInvalid(name, message) {
    unreadable.set(name, message);
    if (shownError && !shownError.aboutValues) return;
    shownError = null;
    shownUnreadable = name;
    input.removeAttribute("aria-invalid");
    delete error.dataset.position;
    error.replaceChildren(el(doc, "p", { class: "bp-error-message", text: message }));
    error.classList.add("is-shown");
  }

  function readableAgain(name) {
    if (unreadable.delete(name) && shownUnreadable === name) clearError();
  }

  function clearError() {
    shownError = null;
    shownUnreadable = null;
    input.removeAttribute("aria-invalid");
    error.classList.remove("is-shown");
    error.replaceChildren();
    delete error.dataset.position;
    // An answer for an earlier value arrived after a field stopped being readable: say so again.
    const [entry] = unreadable;
    if (entry && rows.has(entry[0])) valueInvalid(...entry);
  }

  // Select the character at the API's column: one or two UTF-16 units (𝑥 is two).
  function focusColumn(expression, position) {
    input.focus();
    input.setSelectionRange(unitIndex(expression, position), Math.min(unitIndex(expression, position + 1), input.value.length));
  }

  return {
    setExpression(text) {
      if (input.value !== text) input.value = text;
    },
    get expression() {
      return input.value;
    },
    setVariables,
    ranges: () => Object.fromEntries([...rows].filter(([, row]) => row.customRange).map(([name, row]) => [name, row.range()])),
    showError,
    clearError,
    focus: () => input.focus(),
  };
}

// The API counts characters (code points); a JavaScript string counts UTF-16 units, two for
// a character such as 𝑥 or an emoji.
function unitIndex(text, position) {
  return [...text].slice(0, position).join("").length;
}

function presetSelect(doc, id, presets) {
  const groups = new Map();
  for (const preset of presets) {
    if (!groups.has(preset.group)) groups.set(preset.group, el(doc, "optgroup", { label: preset.group }));
    groups.get(preset.group).append(el(doc, "option", { value: preset.id, text: preset.label }));
  }
  return el(doc, "select", { id, class: "bp-preset" }, [el(doc, "option", { value: "", text: "Choose an example…" }), ...groups.values()]);
}

// The expression again in a monospace line with a caret under the reported column, as a
// compiler would print it; a long expression is cut to a window around the column. The
// picture is for the eyes (clicking it moves the cursor there); the message and the button
// say the same in words.
function caretView(doc, expression, position, onClick) {
  const chars = [...expression.replace(/\s/g, " ")]; // by code point, as the API counts
  const start = Math.max(0, position - CARET_WINDOW);
  const end = Math.min(chars.length, position + CARET_WINDOW);
  const lead = start > 0 ? "…" : "";
  const code = el(doc, "code", { class: "bp-caret-text" }, [
    lead + chars.slice(start, position).join(""),
    el(doc, "mark", { text: chars[position] ?? " " }),
    chars.slice(position + 1, end).join("") + (end < chars.length ? "…" : ""),
  ]);
  const caret = el(doc, "span", { class: "bp-caret", text: `${" ".repeat(lead.length + position - start)}^` });
  const picture = el(doc, "div", { class: "bp-caret-view", "aria-hidden": "true", on: { click: onClick } }, [
    el(doc, "span", { class: "bp-caret-line" }, [code]),
    el(doc, "span", { class: "bp-caret-line" }, [caret]),
  ]);
  const jump = el(doc, "button", { type: "button", class: "bp-link bp-caret-jump", text: `Go to column ${position}`, on: { click: onClick } });
  return [picture, jump];
}

// A vector or matrix, typed as JSON: [1, 2] or [[1, 2], [3, 4]] (a plain number is accepted
// too). Only well-formed values are sent; a malformed one is marked and waits for a fix.
function jsonRow(doc, name, value, { valueChanged, valueInvalid }) {
  const id = uniqueId("bp-var");
  const field = el(doc, "input", {
    id,
    type: "text",
    class: "bp-var-json",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "[1, 2] or [[1, 2], [3, 4]]",
    title: "JSON: a vector [1, 2] or a matrix [[1, 2], [3, 4]] (rows of equal length)",
    value: JSON.stringify(value),
  });
  const element = el(doc, "div", { class: "bp-var bp-var-tensor", "data-var": name }, [
    el(doc, "label", { for: id, class: "bp-var-name", text: name, title: `${name} (JSON: a vector [1, 2] or a matrix [[1, 2], [3, 4]])` }),
    field,
  ]);
  field.addEventListener("input", () => {
    const parsed = parseValue(field.value);
    markInvalid(field, parsed === null);
    if (parsed !== null) valueChanged(name, parsed);
    else valueInvalid(name, `${name} is not a vector or a matrix yet: write [1, 2] or [[1, 2], [3, 4]], with finite numbers and rows of equal length.`);
  });
  return {
    element,
    json: true,
    customRange: false,
    range: () => null,
    focus: () => field.focus(),
    current: () => parseValue(field.value),
    // Whether it put new text in the field.
    show(newValue) {
      if (newValue === undefined || doc.activeElement === field) return false;
      const text = JSON.stringify(newValue);
      field.removeAttribute("aria-invalid");
      if (JSON.stringify(parseValue(field.value)) === text) return false;
      field.value = text;
      return true;
    },
  };
}

function variableRow(doc, name, value, range, { valueChanged, valueInvalid, onRange, onJson }) {
  const id = uniqueId("bp-var");
  let [low, high] = range ?? niceRange(value);
  const number = el(doc, "input", { id, type: "number", step: "any", inputmode: "decimal", class: "bp-var-value", value: String(value) });
  const slider = el(doc, "input", { type: "range", class: "bp-var-slider", "aria-label": `${name}, slider` });
  const lowField = el(doc, "input", { type: "number", step: "any", class: "bp-var-bound", "aria-label": `${name}, slider minimum` });
  const highField = el(doc, "input", { type: "number", step: "any", class: "bp-var-bound", "aria-label": `${name}, slider maximum` });
  const toJson = el(doc, "button", { type: "button", class: "bp-var-to-json", text: "[ ]", title: "Enter a vector or a matrix", "aria-label": `${name}: enter a vector or a matrix`, on: { click: () => onJson?.() } });
  const element = el(doc, "div", { class: "bp-var", "data-var": name }, [
    el(doc, "label", { for: id, class: "bp-var-name", text: name, title: name }),
    number,
    el(doc, "div", { class: "bp-var-range" }, [lowField, slider, highField]),
    toJson,
  ]);
  const row = { element, json: false, customRange: Boolean(range), range: () => [low, high], current: () => Number(number.value) };

  function setRange(newLow, newHigh) {
    [low, high] = [newLow, newHigh];
    const step = niceStep(low, high);
    Object.assign(slider, { min: String(low), max: String(high), step: String(step) });
    lowField.value = String(low);
    highField.value = String(high);
    slider.value = number.value;
  }

  number.addEventListener("input", () => {
    const parsed = number.value.trim() === "" ? NaN : Number(number.value);
    markInvalid(number, !Number.isFinite(parsed));
    if (!Number.isFinite(parsed)) return valueInvalid(name, `${name} is not a finite number yet: type one such as 0.5 or -2e3.`);
    if (parsed < low || parsed > high) setRange(...niceRange(parsed));
    slider.value = String(parsed);
    valueChanged(name, parsed);
  });
  slider.addEventListener("input", () => {
    const value = roundTo(Number(slider.value), Number(slider.step));
    number.value = String(value);
    number.removeAttribute("aria-invalid");
    valueChanged(name, value);
  });
  for (const field of [lowField, highField]) {
    field.addEventListener("input", () => field.setCustomValidity(""));
    field.addEventListener("change", () => {
      const [a, b] = [Number(lowField.value), Number(highField.value)];
      if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) {
        // undone, and said where it was typed (the browser's own bubble, read out as well)
        field.setCustomValidity(`The slider's minimum must be below its maximum; it stays ${formatNumber(low)} to ${formatNumber(high)}.`);
        field.reportValidity();
        return setRange(low, high);
      }
      field.setCustomValidity("");
      row.customRange = true;
      setRange(a, b);
      onRange?.(name, [a, b]);
    });
  }
  // A value set from outside (a preset, the API's answer); never while the learner types in
  // it. Whether it put new text in the field.
  row.show = (newValue) => {
    if (newValue === undefined || doc.activeElement === number) return false;
    if (number.value.trim() !== "" && Number(number.value) === newValue) return false;
    number.value = String(newValue);
    number.removeAttribute("aria-invalid");
    if (newValue < low || newValue > high) setRange(...niceRange(newValue));
    slider.value = String(newValue);
    return true;
  };
  setRange(low, high);
  return row;
}

// aria-invalid="true", which the stylesheet and screen readers take (an empty value is not).
function markInvalid(field, invalid) {
  if (invalid) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

// A symmetric range with a round end that holds the value with room to move: ±5, ±10, ±20…
export function niceRange(value) {
  const reach = Math.max(5, Math.abs(value) * 2);
  const power = 10 ** Math.floor(Math.log10(reach));
  const end = [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= reach);
  return [-end, end];
}

// A round slider step giving about SLIDER_STEPS positions: 0.01 for ±5, 0.1 for ±50.
function niceStep(low, high) {
  return 10 ** Math.floor(Math.log10((high - low) / SLIDER_STEPS));
}

function roundTo(value, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number((Math.round(value / step) * step).toFixed(decimals));
}
