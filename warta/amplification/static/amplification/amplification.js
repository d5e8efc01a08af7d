// Amplification's small behaviours (no inline script: the CSP forbids it).
(function () {
  function init() {
    // The recipient picker: filter the checkbox list as the officer types.
    document.querySelectorAll("[data-recipient-search]").forEach((input) => {
      const list = document.querySelector(input.dataset.recipientSearch);
      if (!list) return;
      input.addEventListener("input", () => {
        const q = input.value.trim().toLowerCase();
        list.querySelectorAll("label[data-name]").forEach((label) => {
          label.hidden = q !== "" && !label.dataset.name.includes(q);
        });
      });
    });
    // Tick / untick every visible unit.
    document.querySelectorAll("[data-recipient-all]").forEach((button) => {
      button.addEventListener("click", () => {
        const list = document.querySelector(button.dataset.recipientAll);
        const on = button.dataset.on === "1";
        list.querySelectorAll("label[data-name]:not([hidden]) input[type=checkbox]").forEach((box) => { box.checked = on; });
      });
    });
    // Show a platform's text only when the platform is chosen.
    document.querySelectorAll("[data-platform-toggle]").forEach((box) => {
      const sync = () => {
        const fs = document.querySelector(`[data-variant="${box.dataset.platformToggle}"]`);
        if (fs) fs.hidden = !box.checked;
      };
      box.addEventListener("change", sync);
      sync();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
