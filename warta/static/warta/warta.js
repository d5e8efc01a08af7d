// Warta's small behaviours. No inline script anywhere: the CSP forbids it.
document.addEventListener("DOMContentLoaded", () => {
  // Submit a form when one of its selects changes (the unit switcher).
  document.querySelectorAll("form[data-autosubmit] select").forEach((el) => {
    el.addEventListener("change", () => el.form.requestSubmit());
  });
  // Ask before an irreversible or weighty action.
  document.querySelectorAll("[data-confirm]").forEach((el) => {
    el.addEventListener("click", (ev) => {
      if (!window.confirm(el.dataset.confirm)) ev.preventDefault();
    });
  });
  // Copy a shown-once secret.
  document.querySelectorAll("[data-copy]").forEach((el) => {
    el.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(el.dataset.copy));
  });
  // Collapse the menu on narrow screens.
  if (window.matchMedia("(max-width: 768px)").matches) {
    document.querySelectorAll("details.nav-toggle").forEach((d) => d.removeAttribute("open"));
  }
});
