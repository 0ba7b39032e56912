/*! browsercheck probe: collects what support needs to diagnose a browser. ES5 only, no dependencies.
 * Every check runs in its own try/catch so that one missing or broken API never stops the rest. */
(function (window, document) {
  "use strict";
  if (!window || window.BrowserCheck) { return; }
  var nav = window.navigator || {};

  function now() {
    try { if (window.performance && window.performance.now) { return window.performance.now(); } } catch (e) {}
    return new Date().getTime();
  }

  function safe(fn, fallback) {
    try { var value = fn(); return value === undefined ? fallback : value; } catch (e) { return fallback; }
  }

  function str(value, max) {
    if (value === null || value === undefined) { return undefined; }
    value = String(value);
    return value.length > max ? value.substring(0, max) : value;
  }

  function brandList(list) {
    var out = [], i;
    if (!list || !list.length) { return undefined; }
    for (i = 0; i < list.length && i < 20; i++) {
      out.push({ brand: str(list[i].brand, 200), version: str(list[i].version, 200) });
    }
    return out;
  }

  function storageWorks(name) {
    return safe(function () {
      var store = window[name], key = "__browsercheck__";
      if (!store) { return false; }
      store.setItem(key, "1");
      var ok = store.getItem(key) === "1";
      store.removeItem(key);
      return ok;
    }, false);
  }

  function lowEntropyHints() {
    var data = nav.userAgentData;
    if (!data) { return undefined; }
    return {
      brands: brandList(data.brands),
      mobile: !!data.mobile,
      platform: str(data.platform, 200)
    };
  }

  function highEntropyHints(done) {
    var data = nav.userAgentData, settled = false;
    var finish = function (values) { if (!settled) { settled = true; done(values); } };
    if (!data || typeof data.getHighEntropyValues !== "function") { finish(undefined); return; }
    try {
      data.getHighEntropyValues(["platformVersion", "fullVersionList", "model", "architecture",
        "bitness", "wow64", "formFactors"]).then(function (v) {
        var out = lowEntropyHints();
        if (v.platformVersion !== undefined) { out.platformVersion = str(v.platformVersion, 200); }
        if (v.fullVersionList) { out.fullVersionList = brandList(v.fullVersionList); }
        if (v.model !== undefined) { out.model = str(v.model, 200); }
        if (v.architecture !== undefined) { out.architecture = str(v.architecture, 200); }
        if (v.bitness !== undefined) { out.bitness = str(v.bitness, 200); }
        if (v.wow64 !== undefined) { out.wow64 = !!v.wow64; }
        if (v.formFactors && v.formFactors.length !== undefined) {
          out.formFactors = [];
          for (var i = 0; i < v.formFactors.length && i < 10; i++) { out.formFactors.push(str(v.formFactors[i], 200)); }
        }
        finish(out);
      }, function () { finish(lowEntropyHints()); });
    } catch (e) { finish(lowEntropyHints()); }
    window.setTimeout(function () { finish(lowEntropyHints()); }, 1000);
  }

  function pageBuild() {
    return safe(function () {
      var meta = document.querySelector('meta[name="browsercheck-build"]');
      return meta ? str(meta.getAttribute("content"), 200) : undefined;
    }, undefined);
  }

  function collectSync() {
    var p = { schema_version: 1, source: "web" };
    p.userAgent = safe(function () { return str(nav.userAgent, 2000); }, undefined);
    p.platform = safe(function () { return str(nav.platform, 200); }, undefined);
    p.languages = safe(function () {
      var list = nav.languages || [nav.language || nav.userLanguage], out = [], i;
      for (i = 0; i < list.length && i < 20; i++) { if (list[i]) { out.push(str(list[i], 200)); } }
      return out;
    }, undefined);
    p.timeZone = safe(function () { return str(Intl.DateTimeFormat().resolvedOptions().timeZone, 200); }, undefined);
    p.screen = safe(function () { return { width: window.screen.width, height: window.screen.height }; }, undefined);
    p.viewport = safe(function () {
      return { width: window.innerWidth || document.documentElement.clientWidth,
               height: window.innerHeight || document.documentElement.clientHeight };
    }, undefined);
    p.devicePixelRatio = safe(function () { return typeof window.devicePixelRatio === "number" ? window.devicePixelRatio : undefined; }, undefined);
    p.maxTouchPoints = safe(function () { return typeof nav.maxTouchPoints === "number" ? nav.maxTouchPoints : undefined; }, undefined);
    p.cookieEnabled = safe(function () { return typeof nav.cookieEnabled === "boolean" ? nav.cookieEnabled : undefined; }, undefined);
    p.storage = { localStorage: storageWorks("localStorage"), sessionStorage: storageWorks("sessionStorage") };
    p.serviceWorker = safe(function () {
      var sw = nav.serviceWorker;
      return { supported: !!sw, controlled: !!(sw && sw.controller) };
    }, undefined);
    p.online = safe(function () { return typeof nav.onLine === "boolean" ? nav.onLine : undefined; }, undefined);
    p.page = safe(function () { return str(window.location.origin + window.location.pathname, 2000); }, undefined);
    p.build = { page: pageBuild() };
    return p;
  }

  function clean(value) {
    // Drop undefined members so the payload validates against the schema.
    var out, key, i;
    if (value && typeof value === "object") {
      if (Object.prototype.toString.call(value) === "[object Array]") {
        out = [];
        for (i = 0; i < value.length; i++) { if (value[i] !== undefined) { out.push(clean(value[i])); } }
        return out;
      }
      out = {};
      for (key in value) {
        if (Object.prototype.hasOwnProperty.call(value, key) && value[key] !== undefined) { out[key] = clean(value[key]); }
      }
      return out;
    }
    return value;
  }

  function request(method, url, body, done) {
    // fetch with keepalive where present, else XMLHttpRequest.
    var called = false;
    var finish = function (status, text) { if (!called) { called = true; done(status, text); } };
    if (typeof window.fetch === "function") {
      try {
        var init = { method: method, headers: { "Content-Type": "application/json" }, cache: "no-store", credentials: "same-origin" };
        if (body !== null) { init.body = body; init.keepalive = body.length < 60000; }
        window.fetch(url, init).then(function (res) {
          return res.text().then(function (text) { finish(res.status, text); });
        })["catch"](function () { finish(0, ""); });
        return;
      } catch (e) { /* fall through to XHR */ }
    }
    try {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      xhr.setRequestHeader("Content-Type", "application/json");
      xhr.onreadystatechange = function () { if (xhr.readyState === 4) { finish(xhr.status, xhr.responseText); } };
      xhr.send(body);
    } catch (e2) { finish(0, ""); }
  }

  // --- browser id (support desk): an anonymous random id in first-party localStorage, so that
  // support can see earlier reports from the same browser. Nothing is derived from the device.
  var BROWSER_ID_KEY = "browsercheck.browser_id";
  function newBrowserId() {
    var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", out = "", i;
    var bytes = null;
    try {
      var cryptoObj = window.crypto || window.msCrypto;
      if (cryptoObj && cryptoObj.getRandomValues) { bytes = cryptoObj.getRandomValues(new Uint8Array(22)); }
    } catch (e) { bytes = null; }
    for (i = 0; i < 22; i++) { out += alphabet.charAt((bytes ? bytes[i] : Math.floor(Math.random() * 256)) % 64); }
    return out;
  }
  function browserId() {
    try {
      var store = window.localStorage, id = store.getItem(BROWSER_ID_KEY);
      if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) { id = newBrowserId(); store.setItem(BROWSER_ID_KEY, id); }
      return store.getItem(BROWSER_ID_KEY) === id ? id : undefined;
    } catch (e) { return undefined; }
  }

  function collect(options, done) {
    var started = now(), payload = collectSync(), pending = 2;
    options = options || {};
    if (options.lang) { payload.lang = options.lang; }
    payload.browser_id = browserId();
    var step = function () {
      pending -= 1;
      if (pending === 0) {
        payload.timing = { probe_ms: Math.max(0, Math.round(now() - started)) };
        done(clean(payload));
      }
    };
    highEntropyHints(function (hints) { if (hints) { payload.userAgentData = hints; } step(); });
    request("GET", (options.base || "") + "/api/v1/build", null, function (status, text) {
      if (status === 200) {
        try { payload.build.current = str(JSON.parse(text).build, 200); } catch (e) {}
      }
      step();
    });
  }

  function send(payload, options, done) {
    var body = JSON.stringify(payload);
    request("POST", (options.endpoint || "/api/v1/reports"), body, function (status, text) {
      var data = null;
      try { data = JSON.parse(text); } catch (e) {}
      done(status === 201 ? null : { status: status, body: data }, data);
    });
  }

  function run(options, done) {
    collect(options, function (payload) { send(payload, options || {}, done || function () {}); });
  }

  window.BrowserCheck = { version: 1, collect: collect, send: send, run: run };
}(typeof window !== "undefined" ? window : null, typeof document !== "undefined" ? document : null));
