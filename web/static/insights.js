// Charts on the insight pages, each drawn from a JSON block whose figures a table also shows.
(function () {
  "use strict";
  if (typeof window.batonChart === "undefined") return;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) return;
    var spec = JSON.parse(source.textContent);
    var axis = { title: { display: true, text: spec.axis || "" }, stacked: !!spec.stacked, beginAtZero: true };
    window.batonChart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (set) {
          return { label: set.label, data: set.data, colourName: set.colour, tension: 0.2 };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: spec.horizontal ? { x: axis, y: { stacked: !!spec.stacked } } : { y: axis, x: { stacked: !!spec.stacked } }
      }
    });
  });
})();
