// Copy text, also where the Clipboard API is missing (a page served over plain http on a
// classroom network is not a secure context): then through a selected, hidden textarea.

export async function copyText(doc, text) {
  const clipboard = doc.defaultView?.navigator?.clipboard;
  if (clipboard && doc.defaultView.isSecureContext) {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // permission refused: fall through to the old way
    }
  }
  const area = doc.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  doc.body.append(area);
  area.select();
  const copied = doc.execCommand("copy");
  area.remove();
  return copied;
}
