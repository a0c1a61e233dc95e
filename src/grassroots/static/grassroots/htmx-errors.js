// htmx 2 swaps no 4xx response. An error partial from the server (grassroots/core/pages.py) says where it
// belongs with HX-Retarget (the page's #flash region) and HX-Reswap: swap those, so the user sees why an action
// was refused. Any other error response (a CSRF failure page, a 5xx) stays unswapped, as htmx does by default.
document.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  if (xhr.status >= 400 && xhr.status < 500 && xhr.getResponseHeader("HX-Retarget")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});
