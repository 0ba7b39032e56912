/*! browsercheck embed, on demand (after embed_report.js): the opt-in sampled build beacon.
 * Defines BC.beacon (called by BC.resume when embed.js sampled this page load: the host's
 * data-beacon="0.05" share of page loads). After the page's load event it sends one small
 * JSON text to the collector's POST /api/v1/beacon (probes/beacon_schema.json): the page's
 * build, whether a service worker controls the page and whether a newer one waits behind the
 * active one, and what the outdated-browser banner said. Nothing else: no address, page,
 * identifier or cookie value is in it; the collector reads the browser, OS and device class
 * from the request and only counts them. ES5 only; never throws. */
(function (window) {
  "use strict";
  var BC = window && window.BrowserCheck;
  if (!BC || !BC.recorder) { return; }
  var document = window.document, navigator = window.navigator;

  function attempt(fn) { try { return fn(); } catch (e) { return undefined; } }

  // The page's build: the tag's data-build, else <meta name="browsercheck-build"> (as the probe).
  function build() {
    var value = BC.build || attempt(function () {
      return document.querySelector('meta[name="browsercheck-build"]').getAttribute("content");
    });
    return value ? String(value).replace(/[\x00-\x1f\x7f]+/g, " ").substring(0, 64) : undefined;
  }

  // The banner (probes/banner.js) sets BC.bannerResult for a browser the policy calls outdated;
  // with the banner on and no result, the collector had no banner for this browser.
  function verdict() {
    var result = BC.bannerResult;
    if (result && result.status === "unsupported") { return "unsupported"; }
    return BC.attr("banner") === "true" ? "ok" : "unknown";
  }

  function workers(done) {
    var sw = navigator.serviceWorker, controlled = !!(sw && sw.controller);
    if (!sw || !sw.getRegistration) { done(controlled, false); return; }
    sw.getRegistration().then(function (registration) {
      // A newer worker waits only behind an active one: on a first install the worker passes
      // through "installed" (registration.waiting) on its way to active, with none before it.
      done(controlled, !!(registration && registration.waiting && registration.active));
    }, function () { done(controlled, false); });
  }

  // A string body is sent as text/plain;charset=UTF-8: a CORS "simple" request, so the beacon
  // goes cross-origin without a preflight (sendBeacon cannot make one; Chromium refuses a
  // beacon typed application/json). Without sendBeacon, fetch with keepalive; else nothing.
  function send(body) {
    var url = BC.collector + "/api/v1/beacon";
    if (attempt(function () { return navigator.sendBeacon && navigator.sendBeacon(url, body); })) { return; }
    attempt(function () {
      window.fetch(url, { method: "POST", body: body, keepalive: true, mode: "no-cors",
        credentials: "omit", headers: { "Content-Type": "text/plain" } })["catch"](function () {});
    });
  }

  function go() {
    attempt(function () {
      workers(function (controlled, waiting) {
        attempt(function () {
          var body = { verdict: verdict(), controlled: controlled, waiting: waiting }, id = build();
          if (id) { body.build = id; }
          send(JSON.stringify(body));
        });
      });
    });
  }

  BC.beacon = function () {
    if (BC.beaconSent) { return; }  // one beacon per page load
    BC.beaconSent = true;
    attempt(function () {
      if (document.readyState === "complete") { window.setTimeout(go, 0); return; }
      window.addEventListener("load", function () { window.setTimeout(go, 0); });
    });
  };
}(typeof window !== "undefined" ? window : null));
