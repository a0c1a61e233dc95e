// Map pick for reports: community outlines from our own GeoJSON (no tiles, offline); a click writes WGS84
// lng/lat into the form's hidden fields and drops a marker.
(function () {
  function setup(el) {
    if (!window.echarts || el.dataset.ready) return;
    el.dataset.ready = "1";
    var form = el.closest("form");
    fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (fc) {
      echarts.registerMap("report-pick", fc);
      var chart = echarts.init(el);
      var option = {
        geo: { map: "report-pick", roam: true, itemStyle: { areaColor: "#eef3ff", borderColor: "#7a8cb8" },
               emphasis: { itemStyle: { areaColor: "#dbe6ff" }, label: { show: true } } },
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 16, data: [], itemStyle: { color: "#d83931" } }]
      };
      chart.setOption(option);
      chart.getZr().on("click", function (event) {
        var point = chart.convertFromPixel({ geoIndex: 0 }, [event.offsetX, event.offsetY]);
        if (!point) return;
        form.querySelector("[name=lng]").value = point[0].toFixed(6);
        form.querySelector("[name=lat]").value = point[1].toFixed(6);
        chart.setOption({ series: [{ data: [point] }] });
        var out = form.querySelector(".picked");
        if (out) out.textContent = point[0].toFixed(5) + ", " + point[1].toFixed(5);
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { document.querySelectorAll(".map.pick").forEach(setup); });
})();
