// Light or dark: the system's preference until the learner picks one with the toggle.

const KEY = "bp-theme";

export function currentTheme(doc) {
  const chosen = doc.documentElement.dataset.theme;
  if (chosen) return chosen;
  return doc.defaultView.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

export function createThemeToggle(button) {
  const doc = button.ownerDocument;
  const show = () => {
    const dark = currentTheme(doc) === "dark";
    button.setAttribute("aria-pressed", String(dark));
    button.textContent = "Dark mode";
  };
  button.addEventListener("click", () => {
    const next = currentTheme(doc) === "dark" ? "light" : "dark";
    doc.documentElement.dataset.theme = next;
    try {
      doc.defaultView.localStorage.setItem(KEY, next);
    } catch {
      // storage blocked: the choice lasts until the page is left
    }
    show();
  });
  doc.defaultView.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
  show();
}
