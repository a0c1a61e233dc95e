// Draws a region's children as an ECharts map from GeoJSON served by the API: no tiles, works offline.
// <div class="map" data-geojson-url="..." data-value-key="persons" data-detail-url="/areas/0/"></div>
(function () {
  // Region names come from imported GeoJSON and from staff: ECharts renders a formatter's result as HTML,
  // so every piece of text is escaped here before it is put into the tooltip.
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function tooltip(name, label, value) {
    return escapeHtml(name) + "<br>" + escapeHtml(label || "") + "：" + escapeHtml(value || 0);
  }
  window.GrassrootsRegionMap = { tooltip: tooltip };
  function draw(el) {
    if (!window.echarts || el.dataset.drawn) return;
    el.dataset.drawn = "1";
    fetch(el.dataset.geojsonUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (fc) {
      var name = "region-" + el.dataset.regionId;
      fc.features.forEach(function (f) { f.properties.name = f.properties.name + " "; });
      echarts.registerMap(name, fc);
      var values = JSON.parse(el.dataset.values || "{}");
      var data = fc.features.map(function (f) {
        return { name: f.properties.name, value: values[f.properties.region_id] || 0, regionId: f.properties.region_id };
      });
      var vals = data.map(function (d) { return d.value; });
      var max = Math.max.apply(null, vals.concat([1]));
      var min = Math.min.apply(null, vals.concat([max]));
      if (min === max) { min = 0; }
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "item", formatter: function (p) { return tooltip(p.name, el.dataset.valueLabel, p.value); } },
        visualMap: { min: min, max: max, calculable: true, left: "left", bottom: 10, inRange: { color: ["#e0ecff", "#1456f0"] } },
        series: [{ type: "map", map: name, roam: true, data: data, label: { show: data.length <= 40, fontSize: 11 },
                   emphasis: { label: { show: true } } }]
      });
      chart.on("click", function (p) {
        if (p.data && p.data.regionId && el.dataset.detailUrl) {
          window.location = el.dataset.detailUrl.replace("/0/", "/" + p.data.regionId + "/");
        }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function scan() { document.querySelectorAll(".map[data-geojson-url]").forEach(draw); }
  document.addEventListener("DOMContentLoaded", scan);
  document.addEventListener("htmx:afterSettle", scan);
})();
