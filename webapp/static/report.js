/* The private report page: a Copy button where scripts run (the text is selectable without). ES5. */
(function (window, document) {
  "use strict";
  var button = document.getElementById("copy"), source = document.getElementById("report-text");
  var status = document.getElementById("copy-status");
  if (!button || !source) { return; }
  function say(name) { status.textContent = button.getAttribute("data-msg-" + name) || ""; }
  function fallback() {
    try {
      var range = document.createRange(), selection = window.getSelection();
      range.selectNodeContents(source);
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) { say("copied"); return; }
    } catch (e) {}
    say("copy-failed");
  }
  button.hidden = false;
  button.onclick = function () {
    try {
      if (window.navigator.clipboard && window.navigator.clipboard.writeText) {
        window.navigator.clipboard.writeText(source.textContent).then(function () { say("copied"); }, fallback);
        return;
      }
    } catch (e) {}
    fallback();
  };
}(window, document));
/* Links drawn as buttons (downloads, e-mail) answer Space as buttons do, not only Enter. */
(function (document) {
  "use strict";
  var links = document.querySelectorAll("a.button"), i;
  function onKey(event) {
    if (event.key === " " || event.keyCode === 32) {
      if (event.preventDefault) { event.preventDefault(); }
      this.click();
    }
  }
  for (i = 0; i < links.length; i++) { links[i].onkeydown = onKey; }
}(document));
