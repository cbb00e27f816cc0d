// Deadlines are printed in the consultation's time zone and in UTC (wsis/silence/zones.py);
// where the browser knows the reader's zone and it is another, say the time there instead of UTC.
(function () {
  "use strict";
  function city(zone) {
    return zone.split("/").pop().replace(/_/g, " ");
  }
  function convert(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === "UTC" || zone === "Etc/UTC") return;
    var language = document.documentElement.lang || undefined;
    root.querySelectorAll("time.two-zones").forEach(function (time) {
      if (time.dataset.zone === zone) return;
      var moment = new Date(time.getAttribute("datetime"));
      var day = {timeZone: zone, day: "numeric", month: "long"};
      var home = {timeZone: time.dataset.zone, day: "numeric", month: "long"};
      var sameDay = moment.toLocaleDateString(language, day) === moment.toLocaleDateString(language, home);
      var clock = moment.toLocaleTimeString(language, {timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
      var text = (sameDay ? "" : moment.toLocaleDateString(language, day) + ", ") + clock + " " + city(zone);
      time.querySelector(".other-zone").textContent = text;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { convert(document); });
  document.addEventListener("htmx:afterSwap", function (event) { convert(event.target); });
})();
