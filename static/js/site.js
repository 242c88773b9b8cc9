/* Little Steps: small enhancements. Every page works without this file. */
(function () {
  "use strict";

  // Quick exit: the button, or Shift pressed three times within a second.
  // The page goes blank at once; the visit is ended on the server (the
  // form's own post, kept alive while the tab leaves); stored data is
  // dropped; and location.replace puts the neutral site in this page's place
  // in history, so Back does not return to it. Without this file the form
  // posts and the server redirects: the visit still ends.
  function quickExit(event) {
    var form = document.querySelector("form[data-quick-exit]");
    if (!form) { return; }
    if (event) { event.preventDefault(); }
    document.body.hidden = true;
    document.title = "";
    try { window.localStorage.clear(); window.sessionStorage.clear(); } catch (e) { /* blocked */ }
    try {
      window.fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        keepalive: true, redirect: "manual"
      }).catch(function () { /* leaving anyway */ });
    } catch (e) { /* leaving anyway */ }
    window.location.replace(form.getAttribute("data-quick-exit-to"));
  }

  var shiftPresses = [];
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { shiftPresses = []; return; }
    var now = Date.now();
    shiftPresses = shiftPresses.filter(function (t) { return now - t < 1000; });
    shiftPresses.push(now);
    if (shiftPresses.length >= 3) { quickExit(); }
  });

  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-quick-exit]")) { quickExit(event); }
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
