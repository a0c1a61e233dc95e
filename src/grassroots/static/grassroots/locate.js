// "使用我的位置" buttons (button.locate) in report forms: the device's position into the form's lng/lat.
// A static file under the CSP (script-src 'self'); the messages come translated on the script tag.
(function () {
  if (window.grLocateReady) return; // one listener per page, however many forms include the partial
  window.grLocateReady = true;
  var text = document.currentScript ? document.currentScript.dataset : {};
  document.addEventListener("click", function (event) {
    var btn = event.target.closest("button.locate");
    if (!btn) return;
    var form = btn.closest("form"), out = form.querySelector(".located");
    if (!navigator.geolocation) { out.textContent = text.unsupported || ""; return; }
    navigator.geolocation.getCurrentPosition(function (p) {
      form.querySelector("[name=lng]").value = p.coords.longitude.toFixed(6);
      form.querySelector("[name=lat]").value = p.coords.latitude.toFixed(6);
      out.textContent = p.coords.longitude.toFixed(5) + ", " + p.coords.latitude.toFixed(5);
    }, function () { out.textContent = text.failed || ""; });
  });
})();
