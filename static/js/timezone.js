/* Reminders page: suggest the browser's time zone. Only when none was
   chosen yet; the list stays editable, and the page works without this. */
(function () {
  "use strict";
  var select = document.querySelector("select[data-browser-time-zone]");
  if (!select || !window.Intl) { return; }
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var found = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!found) {
    var option = document.createElement("option");
    option.value = zone;
    // "Europe/Berlin" reads as "Berlin (Europe)", as the server names zones it does not list.
    var parts = zone.split("/");
    option.textContent = parts.length > 1
      ? parts[parts.length - 1].replace(/_/g, " ") + " (" + parts[0].replace(/_/g, " ") + ")"
      : zone;
    select.insertBefore(option, select.firstChild);
  }
  select.value = zone;
})();
