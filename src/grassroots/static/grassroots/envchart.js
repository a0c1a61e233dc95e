// Station charts: one ECharts line per datastream from the hourly or daily aggregates (min–max band for days).
(function () {
  var period = "hour";
  function draw() {
    var node = document.getElementById("env-chart-data");
    if (!node || !window.echarts) return;
    var charts = JSON.parse(node.textContent);
    document.querySelectorAll("[data-env-chart]").forEach(function (el) {
      var c = charts[Number(el.getAttribute("data-env-chart"))];
      var old = echarts.getInstanceByDom(el);
      if (old) old.dispose();
      var chart = echarts.init(el);
      var rows = period === "hour" ? c.hour : c.day;
      var series = [{ type: "line", name: c.name, showSymbol: false, data: rows.map(function (r) { return [r[0], r[1]]; }) }];
      if (period === "day") {
        series.push({ type: "line", name: "min", stack: "band", lineStyle: { opacity: 0 }, showSymbol: false,
                      data: rows.map(function (r) { return [r[0], r[2]]; }) });
        series.push({ type: "line", name: "max", stack: "band", lineStyle: { opacity: 0 }, showSymbol: false,
                      areaStyle: { color: "rgba(20,86,240,0.12)" }, data: rows.map(function (r) { return [r[0], r[3] - r[2]]; }) });
      }
      chart.setOption({
        tooltip: { trigger: "axis" }, grid: { left: 50, right: 16, top: 16, bottom: 30 },
        xAxis: { type: "time" }, yAxis: { type: "value", name: c.unit, scale: true }, series: series
      });
    });
  }
  document.addEventListener("click", function (e) {
    var p = e.target.getAttribute && e.target.getAttribute("data-env-period");
    if (!p) return;
    period = p;
    document.querySelectorAll("[data-env-period]").forEach(function (b) { b.classList.toggle("on", b === e.target); });
    draw();
  });
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-env-chart]").forEach(function (el) { var c = echarts.getInstanceByDom(el); if (c) c.resize(); });
  });
})();
