/* Little Steps: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Quick exit: the button, or Shift pressed three times within a second,
  // replaces this page so that Back does not return to it.
  function quickExit(event) {
    var link = document.querySelector("[data-quick-exit]");
    if (!link) { return; }
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    window.location.replace(link.href);
  }

  var shiftPresses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { shiftPresses = []; return; }
    var now = Date.now();
    shiftPresses = shiftPresses.filter(function (t) { return now - t < 1000; });
    shiftPresses.push(now);
    if (shiftPresses.length >= 3) { quickExit(); }
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-quick-exit]");
    if (target) { quickExit(event); }
  });

  // Passkey buttons only where the browser can use a passkey.
  if (window.PublicKeyCredential) {
    document.querySelectorAll("[data-needs-passkeys]").forEach(function (part) { part.hidden = false; });
  }

  // Copy buttons: a link to send on, copied in one press where the browser allows it.
  document.querySelectorAll("[data-copy-from]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-copy-from"));
    if (!field || !navigator.clipboard) { return; }
    box.hidden = false;
    box.querySelector("button").addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        box.querySelector(".copy__done").textContent = "Copied. You can paste it into a message now.";
      }, function () {
        field.select();
        box.querySelector(".copy__done").textContent = "Press and hold the link to copy it.";
      });
    });
  });

  // After htmx swaps in new content, move focus to its heading so screen
  // readers announce the change.
  document.addEventListener("htmx:afterSettle", function (event) {
    var heading = document.querySelector("[data-focus-on-swap]");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
})();
