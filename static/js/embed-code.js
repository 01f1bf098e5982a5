// The iframe snippet that "Copy embed code" puts on the clipboard, for pasting into a course
// page. Everything typed (the expression, in the address and the title) is escaped.

export const EMBED_HEIGHT = 560;

export function iframeSnippet(src, expression) {
  const title = `Backprop Explorer: ${expression}`;
  return `<iframe src="${escapeHtml(src)}" title="${escapeHtml(title)}" width="100%" height="${EMBED_HEIGHT}" style="border:0;max-width:100%" loading="lazy" referrerpolicy="strict-origin-when-cross-origin"></iframe>`;
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]);
}
