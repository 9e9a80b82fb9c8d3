// Accessibility helpers: focus the error summary, and move focus to swapped content.
(function () {
  function focusSummary(root) {
    var summary = (root || document).querySelector("[data-focus]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusSummary(document); });
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-announce-focus")) { target.focus(); }
    focusSummary(target);
  });
})();
