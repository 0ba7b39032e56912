/*! browsercheck embed, on demand (after embed_report.js): the opt-in sampled build beacon.
 * Defines BC.beacon (called by BC.resume when embed.js sampled this page load). ES5 only. */
(function (window) {
  "use strict";
  var BC = window && window.BrowserCheck;
  if (!BC || !BC.recorder) { return; }
}(typeof window !== "undefined" ? window : null));
