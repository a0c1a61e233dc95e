// Cockpit charts: the grid map (ECharts from GeoJSON, no tiles) and the weekly trend with its forecast band.
// Panels are htmx partials that poll; each swap brings fresh JSON, and the charts are drawn again from it.
(function () {
  var mapMode = "level";

  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // UI words come from the page (gettext), so the charts speak the page's language.
  function text(key) {
    return document.body.getAttribute("data-text-" + key) || key;
  }

  function chartFor(el) {
    var old = echarts.getInstanceByDom(el);
    if (old) old.dispose();
    return echarts.init(el, null, { renderer: "canvas" });
  }

  function drawMap() {
    var el = document.querySelector("[data-cockpit-map]");
    var data = read("cockpit-map-data");
    if (!el || !data || !window.echarts) return;
    var name = "cockpit-" + Date.now();
    echarts.registerMap(name, data.geojson);
    var byId = {};
    data.rows.forEach(function (r) { byId[r.id] = r; });
    var values = data.geojson.features.map(function (f) {
      var r = byId[f.properties.id] || {};
      var v = mapMode === "level" ? (r.level || 0) : (r.density || 0);
      return { name: f.properties.name, value: v, regionId: f.properties.id, drill: r.drill,
               itemStyle: mapMode === "level" ? { areaColor: r.colour } : undefined };
    });
    var max = Math.max.apply(null, values.map(function (v) { return v.value; }).concat([1]));
    var chart = chartFor(el);
    chart.setOption({
      tooltip: { trigger: "item" },
      visualMap: mapMode === "density" ? { min: 0, max: max, left: "left", bottom: 0, textStyle: { color: "#ccc" },
                                            inRange: { color: ["#17324d", "#3fa7ff", "#ffd166"] } } : undefined,
      series: [{ type: "map", map: name, roam: true, data: values, label: { show: values.length <= 30, color: "#fff", fontSize: 11 },
                 itemStyle: { borderColor: "#0b1a2b" } }]
    });
    chart.on("click", function (p) {
      if (p.data && p.data.drill) window.location.search = "?region=" + p.data.regionId;
    });
  }

  function drawTrend() {
    var el = document.querySelector("[data-cockpit-trend]");
    var data = read("cockpit-trend-data");
    if (!el || !data || !window.echarts) return;
    var weeks = data.weeks.concat(data.forecast.map(function (p) { return p.week; }));
    var pad = data.forecast.map(function () { return null; });
    var fill = data.received.map(function () { return null; });
    var chart = chartFor(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: weeks, axisLabel: { color: "#9fb3c8" } },
      yAxis: { type: "value", axisLabel: { color: "#9fb3c8" }, splitLine: { lineStyle: { color: "#1d3550" } } },
      series: [
        { type: "line", name: text("received"), data: data.received.concat(pad), showSymbol: false, lineStyle: { color: "#3fa7ff" } },
        { type: "line", name: "low", stack: "band", data: fill.concat(data.forecast.map(function (p) { return p.low; })),
          lineStyle: { opacity: 0 }, showSymbol: false },
        { type: "line", name: "90%", stack: "band", areaStyle: { color: "rgba(255,209,102,0.25)" }, lineStyle: { opacity: 0 },
          data: fill.concat(data.forecast.map(function (p) { return p.high - p.low; })), showSymbol: false },
        { type: "line", name: text("forecast"), data: fill.concat(data.forecast.map(function (p) { return p.mean; })),
          lineStyle: { color: "#ffd166", type: "dashed" } }
      ]
    });
  }

  document.addEventListener("click", function (e) {
    var mode = e.target.getAttribute && e.target.getAttribute("data-map-mode");
    if (!mode) return;
    mapMode = mode;
    document.querySelectorAll("[data-map-mode]").forEach(function (b) { b.classList.toggle("on", b === e.target); });
    drawMap();
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target.id === "panel-map") drawMap();
    if (e.target.id === "panel-trend") drawTrend();
  });
  // Honest tiles in the browser too: a panel whose polling fails keeps its last numbers, so each data time
  // is checked against its maximum age here and flagged once it is older, whatever the server last said.
  function flagStale() {
    document.querySelectorAll("[data-testid=asof][data-at]").forEach(function (p) {
      var at = Number(p.getAttribute("data-at")) * 1000;
      var maxAge = Number(p.getAttribute("data-max-age")) * 1000;
      if (!at || p.getAttribute("data-stale") === "1" || Date.now() - at <= maxAge) return;
      p.setAttribute("data-stale", "1");
      p.classList.add("stale");
      var note = document.createElement("strong");
      note.textContent = " · " + text("stale");
      p.appendChild(note);
      var panel = p.closest(".panel");
      if (panel) panel.querySelectorAll(".tile").forEach(function (t) { t.classList.add("stale"); });
    });
  }
  setInterval(flagStale, 10000);

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-cockpit-map],[data-cockpit-trend]").forEach(function (el) {
      var c = window.echarts && echarts.getInstanceByDom(el);
      if (c) c.resize();
    });
  });
})();
