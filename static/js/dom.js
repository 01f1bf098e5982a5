// Tiny helpers to build DOM and SVG in whatever document (or shadow root) a module is given.

const SVG_NS = "http://www.w3.org/2000/svg";

// el(doc, "button", {class: "x", text: "Play", on: {click: f}}, [children])
export function el(doc, tag, attrs = {}, children = []) {
  return fill(doc.createElement(tag), attrs, children);
}

export function svg(doc, tag, attrs = {}, children = []) {
  return fill(doc.createElementNS(SVG_NS, tag), attrs, children);
}

function fill(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "on") for (const [type, f] of Object.entries(value)) node.addEventListener(type, f);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

// Set text only when it changed: cheap re-renders of many labels during a slider drag.
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

let counter = 0;
// Ids unique in the document, so several mounted views never collide.
export function uniqueId(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

// A scrolling box for a wide table: focusable, so it can be scrolled from the keyboard.
export function scrollRegion(doc, label, children) {
  return el(doc, "div", { class: "bp-table-scroll", tabindex: 0, role: "region", "aria-label": label }, children);
}
