// Runs before the first paint (a classic script in <head>): apply the saved theme, so a
// learner who chose dark mode never sees a flash of the light one.
(function applySavedTheme() {
  try {
    var saved = window.localStorage.getItem("bp-theme");
    if (saved === "dark" || saved === "light") document.documentElement.dataset.theme = saved;
  } catch (error) {
    // storage blocked: follow the system's preference
  }
})();
