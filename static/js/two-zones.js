// Deadlines are printed in the consultation's time zone and in UTC (wsis/silence/zones.py);
// where the browser knows the reader's zone and it is another, say the time there instead of UTC.
(function () {
  "use strict";
  function city(zone) {
    return zone.split("/").pop().replace(/_/g, " ");
  }
  // "3 June", day first as the server writes it (wsis/silence/zones.py), in any language.
  function day(moment, zone, language) {
    var parts = new Intl.DateTimeFormat(language, {timeZone: zone, day: "numeric", month: "long"}).formatToParts(moment);
    var find = function (type) { return parts.filter(function (p) { return p.type === type; })[0].value; };
    return find("day") + " " + find("month");
  }
  function convert(root) {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone || zone === "UTC" || zone === "Etc/UTC") return;
    var language = document.documentElement.lang || undefined;
    root.querySelectorAll("time.two-zones").forEach(function (time) {
      if (time.dataset.zone === zone) return;
      var moment = new Date(time.getAttribute("datetime"));
      var here = day(moment, zone, language);
      var clock = moment.toLocaleTimeString(language, {timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"});
      var text = (here === day(moment, time.dataset.zone, language) ? "" : here + ", ") + clock + " " + city(zone);
      time.querySelector(".other-zone").textContent = text;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { convert(document); });
  document.addEventListener("htmx:afterSwap", function (event) { convert(event.target); });
})();
