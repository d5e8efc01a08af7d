// The editorial calendar: drag a post to another day to move it (the time of day stays).
// Posts the server allows to move carry data-movable; days carry data-date. Without this
// script each entry keeps its "Jadwalkan ulang" link to a small form doing the same.
(function () {
  "use strict";

  function init() {
    var root = document.querySelector("[data-cal]");
    if (!root) return;
    // On a phone the month grid is wide: open the list view unless a view was chosen.
    if (window.innerWidth < 600 && !/[?&]view=/.test(window.location.search) && root.hasAttribute("data-month")) {
      var params = new URLSearchParams(window.location.search);
      params.set("view", "list");
      window.location.replace(window.location.pathname + "?" + params.toString());
      return;
    }
    var live = document.getElementById("cal-live");
    var moveUrl = root.getAttribute("data-move-url");
    var csrf = root.getAttribute("data-csrf");
    var dragged = null;

    function say(text, bad) {
      if (!live) return;
      live.textContent = text;
      live.className = "cal-live msg " + (bad ? "msg-error" : "msg-success");
    }

    root.addEventListener("dragstart", function (event) {
      var entry = event.target.closest && event.target.closest("[data-movable]");
      if (!entry) return;
      dragged = entry;
      entry.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", entry.getAttribute("data-post"));
    });
    root.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
      root.querySelectorAll(".drop-target").forEach(function (el) { el.classList.remove("drop-target"); });
    });
    root.addEventListener("dragover", function (event) {
      var day = event.target.closest && event.target.closest("[data-date]");
      if (!day || !dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      root.querySelectorAll(".drop-target").forEach(function (el) { if (el !== day) el.classList.remove("drop-target"); });
      day.classList.add("drop-target");
    });
    root.addEventListener("drop", function (event) {
      var day = event.target.closest && event.target.closest("[data-date]");
      if (!day) return;
      event.preventDefault();
      var post = event.dataTransfer.getData("text/plain") || (dragged && dragged.getAttribute("data-post"));
      if (!post) return;
      var body = new FormData();
      body.append("post", post);
      body.append("date", day.getAttribute("data-date"));
      say(root.getAttribute("data-msg-moving"), false);
      fetch(moveUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRFToken": csrf, "Accept": "application/json"}
      }).then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; },
                                     function () { return {ok: false, data: {}}; });
      }).then(function (result) {
        if (result.ok && result.data.ok) {
          say(result.data.message, false);
          window.setTimeout(function () { window.location.reload(); }, 600);
        } else {
          say(result.data.message || root.getAttribute("data-msg-failed"), true);
        }
      }).catch(function () { say(root.getAttribute("data-msg-failed"), true); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
