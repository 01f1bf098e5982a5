// Downloads of what is on screen: the drawing as SVG or PNG (at the current animation step,
// in the current theme) and the API's JSON exactly as it was received.

const SVG_NS = "http://www.w3.org/2000/svg";
// The properties the page's stylesheet sets on the drawing; copied onto each element so
// the file looks the same without the stylesheet.
const STYLE_PROPERTIES = [
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
  "stroke-linecap", "stroke-linejoin", "paint-order", "opacity", "visibility", "display",
  "font-family", "font-size", "font-weight", "font-style", "font-variant-numeric",
  "text-anchor", "dominant-baseline",
];
const PNG_MAX_SIDE = 16000; // browsers refuse canvases much larger than this
const PNG_MAX_AREA = 120e6;

// A standalone SVG document: styles inlined, a background, natural size. For a still image
// (a PNG), without what only hovering shows.
export function standaloneSvg(svgElement, { still = false } = {}) {
  const clone = svgElement.cloneNode(true);
  const view = svgElement.ownerDocument.defaultView;
  const originals = [svgElement, ...svgElement.querySelectorAll("*")];
  const copies = [clone, ...clone.querySelectorAll("*")];
  originals.forEach((node, i) => {
    const computed = view.getComputedStyle(node);
    copies[i].setAttribute("style", STYLE_PROPERTIES.map((p) => `${p}:${computed.getPropertyValue(p)}`).join(";"));
    for (const attribute of ["tabindex", "role", "aria-label", "aria-roledescription"]) copies[i].removeAttribute(attribute);
  });
  for (const token of clone.querySelectorAll(".bp-tokens > *")) token.remove();
  if (still) for (const hint of clone.querySelectorAll(".bp-hover-hint")) hint.remove();
  const [, , width, height] = svgElement.getAttribute("viewBox").split(" ").map(Number);
  clone.setAttribute("xmlns", SVG_NS);
  clone.setAttribute("width", width);
  clone.setAttribute("height", height);
  const background = view.getComputedStyle(svgElement.closest(".bp-scroll") ?? svgElement).backgroundColor;
  const rect = svgElement.ownerDocument.createElementNS(SVG_NS, "rect");
  for (const [k, v] of Object.entries({ width: "100%", height: "100%", fill: opaque(background) })) rect.setAttribute(k, v);
  clone.insertBefore(rect, clone.firstChild);
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

export async function pngBlob(doc, { text, width, height }, scale = 2) {
  const fit = Math.min(scale, PNG_MAX_SIDE / Math.max(width, height), Math.sqrt(PNG_MAX_AREA / (width * height)));
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  try {
    const image = doc.createElement("img");
    image.src = url;
    await image.decode();
    const canvas = doc.createElement("canvas");
    canvas.width = Math.round(width * fit);
    canvas.height = Math.round(height * fit);
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(doc, blob, filename) {
  const url = URL.createObjectURL(blob);
  downloadUrl(doc, url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// A file at an address; with no filename, the server's Content-Disposition names it.
export function downloadUrl(doc, href, filename = "") {
  const link = doc.createElement("a");
  link.href = href;
  link.download = filename;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
}

// "(x+y)*max(y,z)" → "backprop-x_y_max_y_z": a file name that every system accepts.
export function fileStem(expression) {
  const slug = expression.replace(/[^\p{L}\p{N}]+/gu, "_").replace(/^_+|_+$/g, "").slice(0, 48);
  return slug ? `backprop-${slug}` : "backprop-graph";
}

export async function exportAs(kind, { doc, svgElement, raw, expression }) {
  const stem = fileStem(expression);
  if (kind === "json") return download(doc, new Blob([raw], { type: "application/json" }), `${stem}.json`);
  const drawing = standaloneSvg(svgElement, { still: kind === "png" });
  if (kind === "svg") return download(doc, new Blob([drawing.text], { type: "image/svg+xml" }), `${stem}.svg`);
  return download(doc, await pngBlob(doc, drawing), `${stem}.png`);
}

// A transparent background would turn a dark-mode export into light text on white.
function opaque(color) {
  return color === "rgba(0, 0, 0, 0)" || color === "transparent" ? "#ffffff" : color;
}
