/*! browsercheck probe: collects what support needs to diagnose a browser. ES5 only, no dependencies.
 * Every check runs in its own try/catch so that one missing or broken API never stops the rest.
 * Each field is documented in probes/schema.json (docs/probe.md); nothing else is collected. */
(function (window, document) {
  "use strict";
  // Embedded, embed.js made BrowserCheck first: its recorder feeds errors and evidence.
  var embedded = window && window.BrowserCheck;
  if (!window || (embedded && embedded.version)) { return; }
  var recorder = embedded && embedded.recorder ? embedded : null;
  var nav = window.navigator || {};
  var perf = window.performance;
  var MAX_ERRORS = 20, errors = [], errorsDropped = 0;

  function now() {
    try { if (perf && perf.now) { return perf.now(); } } catch (e) {}
    return new Date().getTime();
  }

  function mark(name) { try { perf.mark(name); } catch (e) {} }

  function safe(fn, fallback) {
    try { var value = fn(); return value === undefined ? fallback : value; } catch (e) { return fallback; }
  }

  function str(value, max) {
    if (value === null || value === undefined) { return undefined; }
    value = String(value);
    return value.length > max ? value.substring(0, max) : value;
  }

  // A finite number within the schema's bounds, else nothing: one odd value must not cost the report.
  function num(value, min, max) {
    return typeof value === "number" && isFinite(value) && value >= min && value <= max ? value : undefined;
  }

  // Up to ``max`` non-empty strings of an array-like list.
  function strings(list, max) {
    var out = [], i;
    for (i = 0; i < list.length && i < max; i++) { if (list[i]) { out.push(str(list[i], 200)); } }
    return out;
  }

  function bool(value) { return typeof value === "boolean" ? value : undefined; }

  function origin() {
    var loc = window.location;
    return loc.origin || loc.protocol + "//" + loc.host;
  }

  // A URL without query or fragment (they may hold tokens), relative to the page's origin when same-origin.
  function path(url) {
    url = String(url || "").replace(/[?#].*$/, "");
    var own = origin();
    return str(url.indexOf(own + "/") === 0 ? url.substring(own.length) : url, 300);
  }

  mark("browsercheck:start");

  function record(kind, message, source, line, column) {
    if (errors.length >= MAX_ERRORS) { errorsDropped += 1; return; }
    errors.push({ kind: kind, message: str(message, 300) || "", source: source ? path(source) : undefined,
      line: num(line, 0, 1e9), column: num(column, 0, 1e9) });
  }

  if (!recorder) { try {
    window.addEventListener("error", function (event) {
      // Only runtime errors reach window in the bubbling phase; failed <img>/<script> loads do not.
      var error = event.error;
      if (SYNTAX.test(event.filename || "")) { return; }  // an old browser's answer to a syntax check
      record("error", event.message || (error && error.message), event.filename, event.lineno, event.colno);
    });
    window.addEventListener("unhandledrejection", function (event) {
      var reason = event.reason;
      record("rejection", safe(function () { return reason && reason.message ? reason.message : String(reason); }, "?"),
        reason && (reason.fileName || reason.sourceURL), reason && (reason.lineNumber || reason.line));
    });
  } catch (e) {} }

  function brandList(list) {
    var out = [], i;
    if (!list || !list.length) { return undefined; }
    for (i = 0; i < list.length && i < 20; i++) {
      out.push({ brand: str(list[i].brand, 200) || "", version: str(list[i].version, 200) || "" });
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

  function cookieWorks() {
    // Really set a cookie and read it back (navigator.cookieEnabled lies when a setting blocks them).
    return safe(function () {
      var name = "__browsercheck", stamp = String(new Date().getTime());
      document.cookie = name + "=" + stamp + "; path=/; SameSite=Lax";
      var ok = document.cookie.indexOf(name + "=" + stamp) >= 0;
      document.cookie = name + "=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax";
      return ok;
    }, false);
  }

  function media(query) { return safe(function () { return window.matchMedia(query).matches; }, false); }

  // ES2015/ES2020 syntax without eval (the pages' CSP has no 'unsafe-eval'): a same-origin script per
  // level (webapp/static/syntax-es*.js) sets its flag only where it parses; a failed load is unknown.
  var SYNTAX = /\/static\/syntax-es\d+\.js/;
  // The page's script nonce (CSP), read while this script runs: the syntax scripts carry it too.
  var NONCE = safe(function () { return document.currentScript.nonce; });
  function syntax(level, base) {
    return function (done) {
      var s = document.createElement("script");
      s.onload = function () { done(window["__bcES" + level] === true); };
      s.onerror = function () { done(undefined); };
      if (NONCE) { s.setAttribute("nonce", NONCE); }
      s.src = base + "/static/syntax-es" + level + ".js";
      (document.head || document.documentElement).appendChild(s);
    };
  }

  function cssSupports(a, b) {
    return safe(function () { return window.CSS && CSS.supports ? (b ? CSS.supports(a, b) : CSS.supports(a)) : false; }, false);
  }

  function flexGap() {
    // CSS.supports("gap") is true for grid gap in browsers without flex gap (Safari 14.0): measure it.
    return safe(function () {
      var box = document.createElement("div"), body = document.body;
      if (!body) { return undefined; }
      box.style.cssText = "display:flex;flex-direction:column;row-gap:1px;position:absolute;visibility:hidden";
      box.appendChild(document.createElement("div"));
      box.appendChild(document.createElement("div"));
      body.appendChild(box);
      var ok = box.scrollHeight === 1;
      body.removeChild(box);
      return ok;
    });
  }

  function sourceOf(entry) {
    // HTTP cache: nothing transferred but a body decoded. Cross-origin without Timing-Allow-Origin: unknown.
    if (!entry || typeof entry.transferSize !== "number") { return "unknown"; }
    if (entry.workerStart > 0) { return "service-worker"; }
    if (entry.transferSize > 0) { return "network"; }
    return entry.decodedBodySize > 0 ? "cache" : "unknown";
  }

  // The synchronous checks in four groups, each run as its own task so that none holds the page's
  // main thread for long (first calls of some APIs are slow: Intl loads time-zone data, the first
  // cookie read asks the network process, the first layout happens on the first size read).
  var scr = window.screen || {};

  function identity(p) {
    p.userAgent = safe(function () { return str(nav.userAgent, 2000); });
    p.platform = safe(function () { return str(nav.platform, 200); });
    p.languages = safe(function () { return strings(nav.languages || [nav.language || nav.userLanguage], 20); });
    p.utcOffsetMinutes = safe(function () { return num(-Math.round(new Date().getTimezoneOffset()), -1440, 1440); });
    p.timeZone = safe(function () {
      // Temporal answers in well under a millisecond; Intl.DateTimeFormat's first use takes tens.
      return str(typeof Temporal === "object" && Temporal.Now ? Temporal.Now.timeZoneId() :
        Intl.DateTimeFormat().resolvedOptions().timeZone, 200);
    });
    p.page = safe(function () { return str(origin() + window.location.pathname, 2000); });
  }

  function display(p) {
    p.screen = safe(function () { return { width: num(scr.width, 0, 1e5), height: num(scr.height, 0, 1e5) }; });
    p.availableScreen = safe(function () { return { width: num(scr.availWidth, 0, 1e5), height: num(scr.availHeight, 0, 1e5) }; });
    p.viewport = safe(function () {
      return { width: num(window.innerWidth || document.documentElement.clientWidth, 0, 1e5),
               height: num(window.innerHeight || document.documentElement.clientHeight, 0, 1e5) };
    });
    p.devicePixelRatio = safe(function () { return num(window.devicePixelRatio, 0, 100); });
    p.maxTouchPoints = safe(function () { return num(nav.maxTouchPoints, 0, 1000); });
    p.display = {
      colorDepth: safe(function () { return num(scr.colorDepth, 0, 1000); }),
      orientation: safe(function () { return str(scr.orientation.type, 50); }),
      orientationAngle: safe(function () {
        return num(scr.orientation ? scr.orientation.angle : window.orientation, -360, 360);
      }),
      colorScheme: media("(prefers-color-scheme: dark)") ? "dark" :
        media("(prefers-color-scheme: light)") ? "light" : undefined,
      reducedMotion: media("(prefers-reduced-motion: reduce)") ? "reduce" :
        media("(prefers-reduced-motion: no-preference)") ? "no-preference" : undefined,
      // Chromium and Safari size outerWidth in screen pixels and innerWidth in zoomed CSS pixels.
      zoom: safe(function () {
        // Firefox sizes both in CSS pixels (the ratio is its window frame, not zoom): no estimate there.
        return window.outerWidth > 0 && window.innerWidth > 0 && !("mozInnerScreenX" in window) ?
          num(Math.round(window.outerWidth / window.innerWidth * 100) / 100, 0.1, 10) : undefined;
      }),
      pinchZoom: safe(function () { return num(window.visualViewport.scale, 0.1, 100); })
    };
  }

  // Browser id (support desk): an anonymous random id in first-party localStorage, so that support
  // sees earlier reports of the same browser. Nothing is derived from the device.
  // 32 random hex digits: crypto.randomUUID where present (its dashes dropped), else
  // getRandomValues (IE 11 has it as msCrypto), else Math.random. That last one is not a secure
  // source: a key from it still keeps two reports of one browser apart, but the private link the
  // collector derives from the key (webapp/idempotency.py) is then only as hard to guess as
  // Math.random; only browsers older than IE 11 have no crypto at all.
  function randomHex() {
    var c = window.crypto || window.msCrypto, b = [], id = "", i;
    if (c && typeof c.randomUUID === "function") { return c.randomUUID().replace(/-/g, ""); }
    try { b = c.getRandomValues(new Uint8Array(16)); } catch (e) {}
    for (i = 0; i < 16; i++) { id += (256 + (b[i] === undefined ? Math.random() * 256 : b[i]) | 0).toString(16).slice(1); }
    return id;
  }

  function browserId() {
    return safe(function () {
      var store = window.localStorage, key = "browsercheck.browser_id", id = store.getItem(key);
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(id || "")) {
        id = randomHex();
        store.setItem(key, id);
      }
      return store.getItem(key) === id ? id : undefined;
    });
  }

  function storage(p) {
    p.cookieEnabled = safe(function () { return bool(nav.cookieEnabled); });
    p.storage = { localStorage: storageWorks("localStorage"), sessionStorage: storageWorks("sessionStorage"),
      cookies: cookieWorks() };
    p.browser_id = browserId();
    p.serviceWorker = safe(function () {
      var sw = nav.serviceWorker, ctl = sw && sw.controller;
      return { supported: !!sw, controlled: !!ctl, scriptURL: ctl ? path(ctl.scriptURL) : undefined,
        state: ctl ? str(ctl.state, 50) : undefined };
    }, { supported: false, controlled: false });
  }

  function capabilities(p, options) {
    p.capabilities = {
      serviceWorker: safe(function () { return "serviceWorker" in nav; }, false),
      webAssembly: typeof WebAssembly === "object",
      webgl: "WebGLRenderingContext" in window,
      fetch: typeof window.fetch === "function",
      promise: typeof Promise === "function",
      cssGrid: cssSupports("display", "grid"),
      cssFlexGap: flexGap(),
      cssHas: cssSupports("selector(:has(a))")
    };
    p.online = safe(function () { return bool(nav.onLine); });
    p.network = safe(function () {
      var c = nav.connection || nav.mozConnection || nav.webkitConnection;
      return c ? { effectiveType: str(c.effectiveType, 20), type: str(c.type, 20), rtt: num(c.rtt, 0, 600000),
        downlink: num(c.downlink, 0, 100000), saveData: bool(c.saveData) } : {};
    }, {});
    p.build = { page: safe(function () {
      if (options.build) { return str(options.build, 200); }
      var meta = document.querySelector('meta[name="browsercheck-build"]');
      return meta ? str(meta.getAttribute("content"), 200) : undefined;
    }) };
    p.cache = safe(function () {
      var out = {}, nav2 = perf.getEntriesByType ? perf.getEntriesByType("navigation")[0] : null;
      var types = ["navigate", "reload", "back_forward"], list, own = origin(), i, entry;
      out.navigationType = nav2 ? str(nav2.type, 20) :
        perf.navigation ? types[perf.navigation.type] || "other" : undefined;
      if (nav2) { out.page = sourceOf(nav2); }
      list = perf.getEntriesByType ? perf.getEntriesByType("resource") : [];
      out.scripts = [];
      for (i = 0; i < list.length && out.scripts.length < 20; i++) {
        entry = list[i];
        if (entry.initiatorType === "script" && entry.name.indexOf(own + "/") === 0) {
          out.scripts.push({ url: path(entry.name), source: sourceOf(entry) });
        }
      }
      return out;
    }, {});
  }

  // Required features (issue 19): one runtime check per web-features id a policy may require
  // (matrix/features.py holds the same ids and what users read). Each tests the interface or
  // property MDN's compatibility data lists for the feature, by presence only (nothing is run).
  var FEATURES = {
    // AbortController, and Request's signal option that lets fetch() be cancelled
    "abortable-fetch": function () { return typeof AbortController === "function" && "signal" in Request.prototype; },
    "array-at": function () { return typeof [].at === "function"; },  // Array.prototype.at()
    "aspect-ratio": function () { return cssSupports("aspect-ratio", "1"); },  // the CSS property
    "broadcast-channel": function () { return typeof BroadcastChannel === "function"; },
    "compression-streams": function () { return typeof CompressionStream === "function"; },  // and Decompression
    "container-queries": function () { return cssSupports("container-type", "inline-size"); },  // size queries
    // HTMLDialogElement with showModal(): <dialog> as a real modal, not an unknown element
    "dialog": function () { return typeof HTMLDialogElement === "function" && "showModal" in HTMLDialogElement.prototype; },
    "fetch-priority": function () { return "fetchPriority" in HTMLImageElement.prototype; },  // fetchpriority=""
    "file-system-access": function () { return typeof window.showOpenFilePicker === "function"; },  // secure pages only
    "has": function () { return cssSupports("selector(:has(a))"); },  // the :has() selector
    "import-maps": function () { return !!(HTMLScriptElement.supports && HTMLScriptElement.supports("importmap")); },
    "intersection-observer": function () { return typeof IntersectionObserver === "function"; },
    "navigation": function () { return typeof window.navigation === "object" && typeof window.navigation.navigate === "function"; },
    // the popover attribute's IDL property (MDN's own feature test for the Popover API)
    "popover": function () { return HTMLElement.prototype.hasOwnProperty("popover"); },
    "promise-withresolvers": function () { return typeof Promise.withResolvers === "function"; },
    "resize-observer": function () { return typeof ResizeObserver === "function"; },
    "set-methods": function () { return typeof Set.prototype.union === "function"; },  // union, intersection, ...
    "structured-clone": function () { return typeof structuredClone === "function"; },
    "url-canparse": function () { return typeof URL.canParse === "function"; },
    "view-transitions": function () { return typeof document.startViewTransition === "function"; },  // same-document
    "web-locks": function () { return !!nav.locks && typeof nav.locks.request === "function"; }  // secure pages only
  };

  // The features the policy in use requires (GET /api/v1/matrix "requires"), each checked: {id: bool}.
  function requiredFeatures(base) {
    return function (done) {
      request("GET", base + "/api/v1/matrix", null, function (status, text) {
        var ids = status === 200 ? (parse(text) || {}).requires : null, out = {}, found = false, i;
        for (i = 0; ids && i < ids.length && i < 30; i++) {
          if (FEATURES.hasOwnProperty(ids[i])) { out[ids[i]] = safe(FEATURES[ids[i]], false) === true; found = true; }
        }
        done(found ? out : undefined);
      });
    };
  }

  // Drop undefined members so the payload validates against the schema (no array holds one).
  function clean(value) { return JSON.parse(JSON.stringify(value)); }

  function parse(text) { return safe(function () { return JSON.parse(text); }, null); }

  function sameOrigin(url) { return !/^[a-z][a-z0-9+.-]*:/i.test(url) || url.indexOf(origin() + "/") === 0; }

  function request(method, url, body, done, key) {
    // fetch with keepalive where present, else XMLHttpRequest; done(status, text, the answer's
    // headers: anything with get(name)). key: the Idempotency-Key, sent by both.
    var called = false;
    var finish = function (status, text, h) { if (!called) { called = true; done(status, text, h); } };
    if (typeof window.fetch === "function") {
      try {
        var init = { method: method, cache: "no-store", credentials: "same-origin" };
        if (body !== null) {
          init.body = body;
          init.headers = { "Content-Type": "application/json" };
          if (key) { init.headers["Idempotency-Key"] = key; }
          // keepalive lets a report outlive the page; browsers refuse it on a preflighted request.
          init.keepalive = body.length < 60000 && sameOrigin(url);
        }
        window.fetch(url, init).then(function (res) {
          return res.text().then(function (text) { finish(res.status, text, res.headers); });
        })["catch"](function () { finish(0, ""); });
        return;
      } catch (e) { /* fall through to XHR */ }
    }
    try {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      if (body !== null) { xhr.setRequestHeader("Content-Type", "application/json"); }
      if (body !== null && key) { xhr.setRequestHeader("Idempotency-Key", key); }
      xhr.onreadystatechange = function () {
        if (xhr.readyState === 4) {
          finish(xhr.status, xhr.responseText, { get: function (name) { return xhr.getResponseHeader(name); } });
        }
      };
      xhr.send(body);
    } catch (e2) { finish(0, ""); }
  }

  // Each asynchronous check reports once, or gives up after its own timeout.
  function task(ms, start, done) {
    var settled = false;
    var finish = function (value) { if (!settled) { settled = true; done(value); } };
    window.setTimeout(function () { finish(undefined); }, ms);
    try { start(finish); } catch (e) { finish(undefined); }
  }

  function highEntropyHints(done) {
    var data = nav.userAgentData;
    var low = function () {
      return data ? { brands: brandList(data.brands), mobile: !!data.mobile, platform: str(data.platform, 200) } : undefined;
    };
    if (!data || typeof data.getHighEntropyValues !== "function") { done(low()); return; }
    var keys = ["platformVersion", "model", "architecture", "bitness"];
    data.getHighEntropyValues(keys.concat(["fullVersionList", "wow64", "formFactors"])).then(function (v) {
      var out = low(), i;
      for (i = 0; i < keys.length; i++) { out[keys[i]] = str(v[keys[i]], 200); }
      out.fullVersionList = brandList(v.fullVersionList);
      out.wow64 = bool(v.wow64);
      out.formFactors = v.formFactors ? strings(v.formFactors, 10) : undefined;
      done(out);
    }, function () { done(low()); });
  }

  function indexedDbOpens(done) {
    var idb = safe(function () { return window.indexedDB; }, null), name = "browsercheck-probe";
    if (!idb) { done(false); return; }
    var req;
    // Present but refused (site data blocked, some private modes) is "false", not "unknown".
    try { req = idb.open(name); } catch (e) { done(false); return; }
    req.onsuccess = function () {
      try { req.result.close(); idb.deleteDatabase(name); } catch (e) {}
      done(true);
    };
    req.onerror = function (event) { try { event.preventDefault(); } catch (e) {} done(false); };
  }

  function cacheStorage(done) {
    var caches = window.caches, out = [], pending, keys;
    if (!caches || !caches.keys) { done({ available: false }); return; }
    try { keys = caches.keys(); } catch (e) { done({ available: false, error: str(e && e.name, 50) }); return; }
    keys.then(function (names) {
      pending = Math.min(names.length, 20);
      if (!pending) { done({ available: true, names: out }); return; }
      var count = function (name) {
        var item = { name: str(name, 200) };
        out.push(item);
        var step = function () { pending -= 1; if (!pending) { done({ available: true, names: out }); } };
        caches.open(name).then(function (c) { return c.keys(); }).then(function (keys) {
          item.entries = num(keys.length, 0, 1e9); step();
        }, step);
      };
      for (var i = 0; i < pending; i++) { count(names[i]); }
    }, function (e) { done({ available: false, error: str(e && e.name, 50) }); });
  }

  function workerRegistration(done) {
    var sw = nav.serviceWorker;
    if (!sw || !sw.getRegistration) { done(undefined); return; }
    sw.getRegistration().then(function (reg) {
      done(reg ? { registered: true, waiting: !!(reg.waiting && reg.active), installing: !!reg.installing } : { registered: false });
    }, function () { done(undefined); });
  }

  function collect(options, done) {
    options = options || {};
    var started = now(), p = { schema_version: 1, source: "web" }, late = {}, pending = 10, sent = now();  // the nine task()s below and the groups
    var groups = [identity, display, storage, capabilities];
    var step = function () {
      pending -= 1;
      if (pending) { return; }
      p.storage = p.storage || {}; p.cache = p.cache || {}; p.network = p.network || {}; p.build = p.build || {};
      p.userAgentData = late.hints;
      p.storage.indexedDB = late.indexedDB;
      if (late.caches) { p.storage.cacheStorage = late.caches.available; p.cache.storage = late.caches.names; p.cache.storageError = late.caches.error; }
      if (late.worker && p.serviceWorker) {
        p.serviceWorker.registered = late.worker.registered;
        p.serviceWorker.waiting = late.worker.waiting;
        p.serviceWorker.installing = late.worker.installing;
      }
      p.build.current = late.portalBuild || late.build;
      if (p.build.current) { p.build.reference = late.portalBuild ? "build_url" : "collector"; }
      if (options.repair) { p.repair = options.repair; }  // the second check of a repair (embed_repair.js)
      if (p.capabilities) { p.capabilities.es2015 = late.es2015; p.capabilities.es2020 = late.es2020; }
      p.network.requestRttMs = late.rtt;
      p.features = late.features;
      if (options.lang) { p.lang = options.lang; }
      p.timing = { probe_ms: Math.max(0, Math.round(now() - started)) };
      if (recorder) {
        errors = (recorder.recorder.buffers.errors || []).slice(0); errorsDropped = recorder.recorder.dropped.errors;
        p.evidence = recorder.evidence(); p.page = recorder.page();
      }
      if (options.context) { p.context = options.context; }
      if (errors.length) { p.errors = errors.slice(0); }
      if (errorsDropped) { p.errorsDropped = errorsDropped; }
      mark("browsercheck:collected");
      done(clean(p));
    };
    // The waiting checks start first: they run on other threads while this one does the rest.
    // The build id the server runs now, fetched past every cache; its round trip is the report's.
    task(5000, function (finish) {
      request("GET", (options.base || "") + "/api/v1/build", null, function (status, text) {
        late.rtt = num(Math.round(now() - sent), 0, 600000);
        finish(status === 200 ? str((parse(text) || {}).build, 200) : undefined);
      });
    }, function (current) { late.build = current; step(); });
    // The portal's own build id (the embed's data-build-url: same origin, past every cache), the
    // better reference; the answer is the id as text or {"build": "..."} (issue 18).
    task(5000, function (finish) {
      if (!options.buildUrl || !sameOrigin(options.buildUrl)) { finish(undefined); return; }
      request("GET", options.buildUrl, null, function (status, text) {
        var data = status === 200 ? parse(text) : null;
        text = status === 200 ? (data && typeof data === "object" ? data.build : String(text).replace(/^\s+|\s+$/g, "")) : null;
        finish(text ? str(text, 200) : undefined);
      });
    }, function (portal) { late.portalBuild = portal; step(); });
    task(1000, highEntropyHints, function (hints) { late.hints = hints; step(); });
    task(3000, requiredFeatures(options.base || ""), function (f) { late.features = f; step(); });
    task(1500, indexedDbOpens, function (ok) { late.indexedDB = ok; step(); });
    task(1500, cacheStorage, function (info) { late.caches = info; step(); });
    task(1000, workerRegistration, function (reg) { late.worker = reg; step(); });
    task(2000, syntax(2015, options.base || ""), function (ok) { late.es2015 = ok; step(); });
    task(2000, syntax(2020, options.base || ""), function (ok) { late.es2020 = ok; step(); });
    (function next(i) {
      if (i === groups.length) { step(); return; }
      try { groups[i](p, options); } catch (e) {}
      window.setTimeout(function () { next(i + 1); }, 0);
    }(0));
  }

  function drop(payload, field) {
    // Remove "$.a.b[2]" from the payload: a field the server rejects must not cost the whole report.
    return safe(function () {
      var parts = String(field).replace(/^\$\.?/, "").replace(/\[(\d+)\]/g, ".$1").split("."), obj = payload, i;
      if (!parts[0]) { return false; }
      for (i = 0; i < parts.length - 1; i++) { obj = obj && obj[parts[i]]; }
      if (!obj || typeof obj !== "object" || !(parts[i] in obj)) { return false; }
      if (Object.prototype.toString.call(obj) === "[object Array]") { obj.splice(+parts[i], 1); } else { delete obj[parts[i]]; }
      if (parts[0] !== "rejectedFields") { payload.rejectedFields = (payload.rejectedFields || []).concat([str(field, 200)]); }
      return true;
    }, false);
  }

  function send(payload, options, done, retries) {
    // options.key: the report's Idempotency-Key; the check page retries with it (check.js). A
    // field dropped after a 400 keeps the key: nothing was stored under it.
    options = options || {};
    retries = retries || 0;
    request("POST", options.endpoint || (options.base || "") + "/api/v1/reports", JSON.stringify(payload), function (status, text, h) {
      var data = parse(text);
      mark("browsercheck:answered");
      var field = data && data.error && data.error.field;
      if (status === 400 && field && retries < 3 && drop(payload, field)) {
        send(payload, options, done, retries + 1);
        return;
      }
      done(status === 201 ? null : { status: status, body: data, headers: h }, data);
    }, options.key);
  }

  // send() with retries, for the check page (check.js) and the embed alike: a dropped
  // connection, 429 or 503 is tried again after Retry-After (else 1, 2, 4 s), at most three
  // times within 30 s, all with one Idempotency-Key (options.key, made here when missing), so
  // that no retry stores a second report. Before each wait options.retrying(tries, seconds,
  // error, go) may tell the user; go() waits and tries again, go(false) gives up now.
  // done(error, answer, payload, key) as send's, after the last try.
  function deliver(payload, options, done) {
    options = options || {};
    options.key = options.key || randomHex();
    var first = now(), tries = 0;
    (function attempt() {
      send(payload, options, function (error, data) {
        var wait = error && error.headers ? parseInt(safe(function () { return error.headers.get("Retry-After"); }), 10) : NaN;
        var ms = (wait >= 0 ? wait : Math.pow(2, tries)) * (1000 + 250 * Math.random());
        var finish = function () { done(error, data, payload, options.key); };
        if (error && (!error.status || error.status === 429 || error.status === 503) && tries < 3 &&
            now() - first + ms < 30000) {
          tries += 1;
          (options.retrying || function (n, s, e, go) { go(); })(tries, Math.ceil(ms / 1000), error, function (again) {
            if (again === false) { finish(); } else { window.setTimeout(attempt, ms); }
          });
          return;
        }
        finish();
      });
    }());
  }

  function run(options, done) {
    collect(options, function (payload) { deliver(payload, options, done || function () {}); });
  }

  var api = {
    version: 2, collect: collect, send: send, deliver: deliver, run: run, request: request, parse: parse,
    errors: function () { return clean(errors.slice(0)); }
  }, key;
  if (recorder) { api.errors = function () { return (recorder.recorder.buffers.errors || []).slice(0); }; }
  window.BrowserCheck = embedded || {};
  for (key in api) { if (api.hasOwnProperty(key)) { window.BrowserCheck[key] = api[key]; } }
}(typeof window !== "undefined" ? window : null, typeof document !== "undefined" ? document : null));
