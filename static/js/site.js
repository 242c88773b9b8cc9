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
  // The words come from the page (data-copied, data-copy-by-hand), in its language.
  document.querySelectorAll("[data-copy-from]").forEach(function (box) {
    var field = document.getElementById(box.getAttribute("data-copy-from"));
    if (!field || !navigator.clipboard) { return; }
    box.hidden = false;
    box.querySelector("button").addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        box.querySelector(".copy__done").textContent = box.getAttribute("data-copied");
      }, function () {
        field.select();
        box.querySelector(".copy__done").textContent = box.getAttribute("data-copy-by-hand");
      });
    });
  });

  function focusOn(element) {
    if (!element) { return false; }
    if (!element.hasAttribute("tabindex")) { element.setAttribute("tabindex", "-1"); }
    element.focus();
    return true;
  }

  // A page that opens with a list of problems (GOV.UK's error summary): focus
  // goes to it, so the problem is read out first.
  focusOn(document.querySelector("[data-error-summary]"));

  // After htmx swaps in new content, move focus so screen readers announce
  // the change: to the list of problems after a mistake, else to the new
  // heading; an error page shown in place of the main part (base.html's
  // htmx-config), to its heading.
  document.addEventListener("htmx:afterSettle", function (event) {
    // A new question is a new page to the person: it starts at the top, so
    // nothing is left half under the pinned "Exit this page" bar.
    if (document.getElementById("question")) { window.scrollTo(0, 0); }
    if (focusOn(document.querySelector("[data-error-summary]"))) { return; }
    if (focusOn(document.querySelector("[data-focus-on-swap]"))) { return; }
    var target = event.detail && event.detail.target;
    if (target && target.id === "main") { focusOn(target.querySelector("h1") || target); }
  });

  // A link in the list of problems: focus the first box of the question and
  // show its heading above it (the fieldset's legend), as GOV.UK does.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) { return; }
    event.preventDefault();
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    (legend || input).scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
