// The composer's small behaviours (no inline script: the CSP forbids it).
// The live check itself is htmx (hx-trigger="keyup changed delay:500ms" on each text area).
(function () {
  let lastText = null;

  function init() {
    const form = document.getElementById("composer");
    if (!form) return;
    // Show a platform's variant only when the platform is chosen.
    form.querySelectorAll("[data-platform-toggle]").forEach((box) => {
      const sync = () => {
        const fs = form.querySelector(`[data-variant="${box.dataset.platformToggle}"]`);
        if (fs) fs.hidden = !box.checked;
      };
      box.addEventListener("change", sync);
      sync();
    });
    // Remember the text area the officer last wrote in, for "insert template".
    form.querySelectorAll("[data-variant-text]").forEach((el) => {
      el.addEventListener("focus", () => { lastText = el; });
    });
    const source = form.querySelector("[data-insert-source]");
    const button = form.querySelector("[data-insert-button]");
    if (source && button) {
      button.addEventListener("click", () => {
        const text = source.value;
        let target = lastText;
        if (!target || target.closest("fieldset[hidden]")) {
          target = Array.from(form.querySelectorAll("[data-variant-text]")).find((t) => !t.closest("fieldset[hidden]"));
        }
        if (!text || !target) return;
        const start = target.selectionStart ?? target.value.length;
        const end = target.selectionEnd ?? target.value.length;
        const before = target.value.slice(0, start);
        const glue = before && !before.endsWith("\n") && !before.endsWith(" ") ? "\n\n" : "";
        target.value = before + glue + text + target.value.slice(end);
        target.focus();
        target.dispatchEvent(new Event("change", { bubbles: true }));
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
