// Chart colours come from the page's CSS variables (--baton-chart-*), so charts follow the
// light or dark scheme the system asks for, and are recoloured when it switches.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var charts = [];
  var scheme = window.matchMedia("(prefers-color-scheme: dark)");

  function colour(name) {
    return getComputedStyle(document.documentElement).getPropertyValue("--baton-chart-" + name).trim();
  }

  function paint(chart) {
    chart.data.datasets.forEach(function (set) {
      set.backgroundColor = colour(set.colourName);
      set.borderColor = colour(set.colourName);
    });
    Object.keys(chart.options.scales).forEach(function (key) {
      var scale = chart.options.scales[key];
      scale.ticks.color = colour("text");
      scale.grid.color = colour("grid");
      scale.title.color = colour("text");
    });
    chart.options.plugins.legend.labels.color = colour("text");
  }

  // Draw a chart whose datasets name their colour (up, down, lateral, neutral) in colourName.
  window.batonChart = function (canvas, config) {
    var chart = new window.Chart(canvas, config);
    paint(chart);
    chart.update();
    charts.push(chart);
    return chart;
  };

  scheme.addEventListener("change", function () {
    charts.forEach(function (chart) { paint(chart); chart.update(); });
  });
})();
