/* The console's only script of its own: draws the charts whose data a page put in
   data-chart attributes (no inline scripts: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  var palette = ["#b3261e", "#0b57d0", "#1e7b34", "#a15c00", "#6b3fa0", "#00838f", "#5b6775"];

  function option(spec) {
    var base = { color: palette, animation: false, tooltip: { trigger: spec.type === "pie" ? "item" : "axis" },
                 legend: { top: 0, type: "scroll" }, grid: { left: 56, right: 16, top: 36, bottom: 40 } };
    if (spec.type === "pie") {
      base.series = [{ type: "pie", radius: ["35%", "65%"], top: 24,
                       data: spec.labels.map(function (l, i) { return { name: l, value: spec.series[0].data[i] }; }) }];
      return base;
    }
    base.xAxis = { type: "category", data: spec.labels, axisLabel: { hideOverlap: true } };
    base.yAxis = { type: "value" };
    base.series = spec.series.map(function (s) {
      return { name: s.name, type: spec.type, data: s.data, stack: spec.stack ? "all" : undefined,
               smooth: false, showSymbol: spec.labels.length < 40 };
    });
    return base;
  }

  function draw(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll(".chart[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      el.dataset.drawn = "1";
      var chart = window.echarts.init(el);
      chart.setOption(option(JSON.parse(el.dataset.chart)));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
})();
