/* The demo portal's own page script (webapp/templates/demo_portal.html): its meter reading goes
 * to the demo's API, which fails on purpose (webapp/demo.py). ES5, like every script we serve. */
(function () {
  "use strict";
  var form = document.getElementById("demo-reading"), status = document.getElementById("demo-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    status.textContent = "…";
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("data-api"));
    xhr.setRequestHeader("Content-Type", "application/json");
    xhr.onloadend = function () { status.textContent = form.getAttribute("data-failed"); };
    xhr.send(JSON.stringify({ value: document.getElementById("demo-value").value }));
  });
}());
