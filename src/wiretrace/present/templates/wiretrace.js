// Highlights the article span named by the URL fragment (#a-<article>-<start>-<end>).
(function () {
  "use strict";
  function highlight() {
    var fragment = decodeURIComponent(window.location.hash.slice(1));
    var match = /^a-(.+)-(\d+)-(\d+)$/.exec(fragment);
    if (!match) { return; }
    var box = document.getElementById("art-" + match[1]);
    if (!box) { return; }
    document.querySelectorAll("mark.hit").forEach(function (el) { el.classList.remove("hit"); });
    var details = box.closest("details");
    if (details) { details.open = true; }
    var start = Number(match[2]), end = Number(match[3]), first = null;
    box.querySelectorAll("mark[data-s]").forEach(function (el) {
      if (Number(el.dataset.s) >= start && Number(el.dataset.e) <= end) {
        el.classList.add("hit");
        if (!first) { first = el; }
      }
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }
  window.addEventListener("hashchange", highlight);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", highlight);
  } else {
    highlight();
  }
})();
