// The leaderboard form: custom dates only matter (and only show) for a custom range.
(function () {
  "use strict";
  var period = document.getElementById("period");
  if (!period) return;
  var dates = [document.getElementById("since"), document.getElementById("until")];
  function sync() {
    var custom = period.value === "custom";
    dates.forEach(function (input) {
      input.disabled = !custom;
      input.closest("div").hidden = !custom;
    });
  }
  period.addEventListener("change", sync);
  sync();
})();
