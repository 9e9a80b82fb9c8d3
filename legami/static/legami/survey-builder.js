/* Survey builder: a "copy the link" button (progressive enhancement: without JS the link stays selectable). */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById("copy-status");
    if (!input || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) { status.textContent = button.getAttribute("data-copied-label"); }
      }, function () {
        input.select();
      });
    });
  });
})();
