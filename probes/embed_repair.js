/*! browsercheck embed, on demand (after embed_report.js): the one-click repair of a stale build.
 * Defines BC.repairResume (called by BC.resume on a page load that follows a repair). ES5 only. */
(function (window) {
  "use strict";
  var BC = window && window.BrowserCheck;
  if (!BC || !BC.recorder) { return; }
}(typeof window !== "undefined" ? window : null));
