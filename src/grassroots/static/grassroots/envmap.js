// Station map: the region's children drawn by ECharts from our own GeoJSON (no tiles, works offline), one marker
// per station coloured by its current AQI level or water class; a click opens the station's page.
(function () {
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function draw() {
    var el = document.querySelector("[data-env-map]");
    var node = document.getElementById("env-map-data");
    if (!el || !node || !window.echarts) return;
    var data = JSON.parse(node.textContent);
    var name = "env-" + Date.now();
    echarts.registerMap(name, data.geojson);
    var points = data.markers.map(function (m) {
      return { name: m.name, value: [m.lng, m.lat], id: m.id, itemStyle: { color: m.colour, borderColor: "#333" },
               text: m.value + " " + m.label };
    });
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.seriesType === "scatter" ? escapeHtml(p.name) + "<br>" + escapeHtml(p.data.text) : escapeHtml(p.name);
      } },
      geo: { map: name, roam: true, itemStyle: { areaColor: "#eef3ff", borderColor: "#7a8cb8" },
             label: { show: data.geojson.features.length <= 30, fontSize: 11, color: "#44506a" } },
      series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 14, data: points }]
    });
    chart.on("click", function (p) {
      if (p.seriesType === "scatter" && p.data.id) window.location = window.location.pathname + p.data.id + "/";
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
