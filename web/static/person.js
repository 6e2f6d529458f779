// The service-mix chart on a person page, drawn from the figures the table also shows.
(function () {
  "use strict";
  var data = document.getElementById("mix-data");
  var canvas = document.getElementById("mix-chart");
  if (!data || !canvas || typeof window.batonChart === "undefined") return;
  var mix = JSON.parse(data.textContent);
  window.batonChart(canvas, {
    type: "bar",
    data: {
      labels: mix.kinds.map(function (code) { return mix.names[code] || code; }),
      datasets: ["up", "down", "lateral"].map(function (direction) {
        return { label: mix.labels[direction], data: mix[direction], colourName: direction };
      })
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, title: { display: true, text: "points" } }, y: { stacked: true } }
    }
  });
})();
