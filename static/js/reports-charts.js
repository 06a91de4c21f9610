// Draws the report charts from the JSON each table ships beside its canvas (json_script).
(function () {
  "use strict";
  var palette = ["#a61b1b", "#d9822b", "#2b7bb9", "#3c9d5d", "#7d4cb3", "#c9a227", "#6c757d", "#17a2b8"];
  var number = new Intl.NumberFormat("vi-VN");

  function datasets(spec) {
    return spec.datasets.map(function (source, index) {
      var colour = palette[index % palette.length];
      var set = { label: source.label, data: source.data };
      if (spec.type === "doughnut") {
        set.backgroundColor = palette;
      } else if (spec.type === "line") {
        set.borderColor = colour;
        set.backgroundColor = colour;
      } else {
        set.backgroundColor = colour;
      }
      return set;
    });
  }

  function options(spec) {
    var horizontal = spec.type === "bar";
    var valueAxis = { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return number.format(v); } } };
    var scales = {};
    if (spec.type !== "doughnut") {
      scales[horizontal ? "x" : "y"] = valueAxis;
    }
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: horizontal ? "y" : "x",
      scales: scales,
      plugins: {
        legend: { display: spec.type !== "bar", position: "bottom" },
        tooltip: {
          callbacks: {
            label: function (item) {
              var value = spec.type === "doughnut" ? item.parsed : item.parsed[horizontal ? "x" : "y"];
              return (item.dataset.label ? item.dataset.label + ": " : "") + number.format(value);
            }
          }
        }
      }
    };
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets(spec) }, options: options(spec) });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
