/* What both help desks' sidebar apps do once they have the ticket (ES5), shipped in each
   package beside its own app.js: show a message in the agent's language, frame the sidebar's
   URL and post the ticket's text to it (postMessage, to that URL's origin only). */
var browsercheckFrame = (function (document) {
  "use strict";
  var frame = document.getElementById("sidebar");
  var note = document.getElementById("note");
  var messages = JSON.parse(document.body.getAttribute("data-messages") || "{}");
  var lang = "en";  // the packages' default locale, until the agent's is known

  function originOf(url) {
    var anchor = document.createElement("a");
    anchor.href = url;
    return anchor.protocol + "//" + anchor.host;
  }

  return {
    // the agent's language (from "uk", "en-US" ...) when the package has its messages
    useLocale: function (locale) {
      var two = String(locale || "").slice(0, 2).toLowerCase();
      lang = messages[two] ? two : lang;
      return lang;
    },
    say: function (key) {
      var table = messages[lang] || messages.en || {};
      note.textContent = table[key] || key;
    },
    show: function (url, text) {
      frame.onload = function () {
        frame.contentWindow.postMessage({ type: "browsercheck.ticket", text: text }, originOf(url));
        note.textContent = "";
      };
      frame.src = url;
    }
  };
}(document));
