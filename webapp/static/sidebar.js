/* The ticket sidebar (/support/sidebar) framed by a help desk: the framing page may post the
   ticket's text, {type: "browsercheck.ticket", text: "..."}; only a message from our parent
   window and from one of the origins allowed to frame us (SIDEBAR_FRAME_ANCESTORS, the
   section's data-origins) is read. The cards come from POST /support/sidebar/cards, rendered
   by the server (autoescaped); the signed link, if any, goes with the request. ES5. */
(function (window, document) {
  "use strict";
  var root = document.getElementById("sidebar");
  if (!root || !window.addEventListener || !window.XMLHttpRequest || !window.JSON) { return; }
  var origins = (root.getAttribute("data-origins") || "").split(" ");
  var cards = document.getElementById("sidebar-cards");
  var field = document.getElementById("text");
  var MAX_TEXT = 20000;

  function allowed(origin) {
    for (var i = 0; i < origins.length; i++) {
      if (origins[i] && origins[i] === origin) { return true; }
    }
    return false;
  }

  function show(text) {
    var request = new XMLHttpRequest();
    request.open("POST", root.getAttribute("data-cards-url"), true);
    request.setRequestHeader("Content-Type", "application/json");
    request.onreadystatechange = function () {
      if (request.readyState !== 4) { return; }
      if (request.status === 200) {
        cards.innerHTML = request.responseText;  // our own server's escaped HTML
      } else {
        cards.textContent = request.responseText;  // why not, as plain text
      }
      root.setAttribute("data-state", request.status === 200 ? "shown" : "refused");
    };
    request.send(JSON.stringify({ text: text, link: root.getAttribute("data-link") || "" }));
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !allowed(event.origin)) { return; }
    var data = event.data;
    if (!data || data.type !== "browsercheck.ticket" || typeof data.text !== "string") { return; }
    var text = data.text.slice(0, MAX_TEXT);
    if (field) { field.value = text; }
    show(text);
  }, false);
}(window, document));
