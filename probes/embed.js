/*! browsercheck embed: the small always-on part a host page loads on every page (ES5 only).
 *   <script src="https://collector/embed.js" data-collector="https://collector" data-lang="uk"
 *           data-banner="true" data-button="true" data-target="#where" data-build="..."
 *           data-capture="errors,network,resources,csp,actions" data-mask="^INV-"></script>
 * It holds the recorder (bounded ring buffers in memory: errors, failed requests, failed resources,
 * CSP violations, the user's last actions), the "Check my browser" button and, for an outdated
 * browser, a loader of the banner (GET /embed/banner.js, probes/banner.js). Nothing is sent until the user clicks the button or the host calls BrowserCheck.open() /
 * report(): only then is the probe loaded (GET /embed/probe.js), which sends the recorder's buffers
 * with the report. Every recorded field is in probes/schema.json ("evidence"; docs/probe.md). */
(function (window, document) {
  "use strict";
  if (window.BrowserCheck) { return; }
  var BC = window.BrowserCheck = {}, perf = window.performance, loc = window.location;
  var own = loc.protocol + "//" + loc.host;

  // The button, while checking, and when the collector could not be reached.
  var TEXT = {
    uk: ["Перевірити браузер", "Перевіряємо…", "Не вдалося. Спробуйте ще раз."],
    en: ["Check my browser", "Checking…", "Failed. Please try again."]
  };

  function attempt(fn) { try { return fn(); } catch (e) {} }  // undefined when it threw
  function now() { return attempt(function () { return Math.round(perf.now()); }) || 0; }

  // Without currentScript (IE), the last script so far is this one (it runs as it is parsed).
  var script = document.currentScript || attempt(function () { var all = document.getElementsByTagName("script"); return all[all.length - 1]; });
  function attr(name) { return script ? script.getAttribute("data-" + name) : null; }
  var collector = (attr("collector") || (script && /^https?:\/\/[^\/]+/.exec(script.src) || [""])[0]).replace(/\/+$/, "");
  var lang = attr("lang") || document.documentElement.lang || "uk";
  lang = lang.substring(0, 2) === "en" ? "en" : "uk";
  var t = TEXT[lang];

  // --- the recorder ------------------------------------------------------------------------------
  var capture = "," + (attr("capture") || "errors,network,resources,csp,actions") + ",";
  var buffers = {}, dropped = {}, okCount = {}, anchor = document.createElement("a");
  // Identifiers in paths and messages (account numbers, UUIDs, e-mail addresses, long hex) become
  // (an address needs a dot after the @: WebKit's and Firefox's stack frames read "name@http:")
  // ":id" before anything is kept; data-mask adds the host's own pattern (a regular expression).
  var ID = /[^\s\/@:]+@[^\s\/@:]+\.[a-z]+|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]*\d{6,}[0-9a-f]*|\b[0-9a-f]{16,}\b/gi;
  var hostMask = attempt(function () { return attr("mask") ? new RegExp(attr("mask")) : null; });
  function wants(kind) { return capture.indexOf("," + kind + ",") >= 0; }
  function text(value, max) { return String(value == null ? "" : value).replace(ID, ":id").replace(/[\x00-\x1f\x7f]+/g, " ").substring(0, max); }

  function push(kind, item) {
    var list = buffers[kind] || (buffers[kind] = []);
    item.t = now();
    list.push(item);
    // 20 items kept per buffer; older ones are dropped and counted.
    if (list.length > 20) { list.shift(); dropped[kind] = (dropped[kind] || 0) + 1; }
  }

  // Origin and masked path of a URL; the query string and fragment are never kept.
  function where(url) {
    anchor.href = String(url || "");
    var parts = ("/" + anchor.pathname).replace(/^\/\//, "/").split("/"), i;
    for (i = 0; i < parts.length; i++) {
      if (hostMask && hostMask.test(parts[i])) { parts[i] = ":id"; } else { parts[i] = parts[i].replace(ID, ":id"); }
    }
    return { origin: anchor.protocol + "//" + anchor.host, path: parts.join("/").substring(0, 300) };
  }
  function path(url) { var w = where(url); return w.origin === own ? w.path : w.origin + w.path; }

  function error(kind, message, err, source, line, column) {
    if (!wants("errors") || /\/static\/syntax-es\d+\.js/.test(source || "")) { return; }  // the probe's syntax checks
    var stack = String(err && err.stack || "").split("\n"), frames = [], i;
    for (i = 0; i < stack.length && frames.length < 3; i++) {
      if (/:\d+/.test(stack[i])) { frames.push(text(stack[i].replace(/^\s*(at )?/, "").replace(/\?[^\s:)]*/g, ""), 200)); }
    }
    push("errors", { kind: kind, message: text(message, 300), name: err && err.name ? text(err.name, 50) : undefined,
      source: source ? path(source) : undefined, line: line || undefined, column: column || undefined,
      stack: frames.length ? frames : undefined });
  }

  function request(method, url, status, started) {
    var w = where(url);
    if (w.origin === collector && /^\/(api\/v1|embed|static)\//.test(w.path)) { return; }  // our own
    if (status > 0 && status < 400) { okCount[w.origin] = (okCount[w.origin] || 0) + 1; return; }
    push("requests", { method: text(method || "GET", 10).toUpperCase(), origin: w.origin,
      path: w.path, status: status, ms: now() - started });
  }

  function action(kind, el, submitter) {
    var tag = el.tagName.toLowerCase(), named = submitter || el;
    // The accessible name of a control, never a value the user typed (inputs give only aria-label).
    var name = named.getAttribute("aria-label") || (/^(input|textarea|select)$/i.test(named.tagName) ? "" : named.textContent);
    push("actions", { kind: kind, role: text(el.getAttribute("role") || tag, 30),
      name: text(name, 200).replace(/\s+/g, " ").replace(/^ | $/g, "").substring(0, 80) || undefined });
  }
  function navigated() { push("actions", { kind: "navigate", path: where(loc.href).path }); }

  attempt(function () {
    window.addEventListener("error", function (event) {
      attempt(function () {
        var el = event.target, tag = el && el.tagName && el.tagName.toLowerCase();
        if (!tag) { error("error", event.message, event.error, event.filename, event.lineno, event.colno); return; }
        if (wants("resources") && /^(script|link|img)$/.test(tag)) {
          var w = where(el.src || el.href);
          push("resources", { element: tag, origin: w.origin, path: w.path });
        }
      });
    }, true);  // capture phase: failed <script>/<link>/<img> loads do not bubble
    window.addEventListener("unhandledrejection", function (event) {
      attempt(function () {
        var r = event.reason;
        error("rejection", r && r.message ? r.message : String(r), r, r && (r.fileName || r.sourceURL), r && r.lineNumber);
      });
    });
    if (wants("csp")) {
      document.addEventListener("securitypolicyviolation", function (event) {
        var blocked = String(event.blockedURI || "");
        push("csp", { directive: text(event.effectiveDirective || event.violatedDirective, 50),
          blocked: /^[a-z]+:\/\//i.test(blocked) ? where(blocked).origin : text(blocked, 20) });
      });
    }
    if (wants("actions")) {
      document.addEventListener("click", function (event) {
        attempt(function () {
          var el = event.target;
          while (el && el.nodeType === 1 && !/^(a|button|summary|select|input)$/i.test(el.tagName) && !el.getAttribute("role")) { el = el.parentNode; }
          if (el && el.nodeType === 1) { action("click", el); }
        });
      }, true);
      document.addEventListener("submit", function (event) {
        attempt(function () { action("submit", event.target, event.submitter); });
      }, true);
      navigated();
      window.addEventListener("popstate", navigated);
      var pushState = history.pushState;
      if (pushState) {
        history.pushState = function () { var out = pushState.apply(this, arguments); attempt(navigated); return out; };
      }
    }
  });

  if (wants("network")) {
    attempt(function () {
      var fetch = window.fetch;
      if (typeof fetch !== "function") { return; }
      window.fetch = function (input, init) {
        var started = now(), method = init && init.method || input && input.method, url = input && input.url || input;
        var answer = fetch.apply(this, arguments);
        attempt(function () {
          answer.then(function (res) { request(method, res.url || url, res.type === "opaque" ? 200 : res.status, started); },
            function () { request(method, url, 0, started); });
        });
        return answer;
      };
    });
    attempt(function () {
      var proto = XMLHttpRequest.prototype, open = proto.open, send = proto.send;
      proto.open = function (method, url) { this.__browsercheck = [method, url]; return open.apply(this, arguments); };
      proto.send = function () {
        var xhr = this, info = xhr.__browsercheck, started = now();
        attempt(function () { xhr.addEventListener("loadend", function () { request(info[0], info[1], xhr.status, started); }); });
        return send.apply(this, arguments);
      };
    });
  }

  if (wants("console")) {
    attempt(function () {
      var original = console.error;
      console.error = function (message) {
        attempt(function () { push("console", { message: text(message && message.message || message, 300) }); });
        return original.apply(this, arguments);
      };
    });
  }

  // What embed_report.js (loaded on demand) turns into the payload's "evidence".
  BC.recorder = { buffers: buffers, dropped: dropped, ok: okCount, capture: capture, where: where };

  // --- the probe and the report, loaded from the collector on demand (probes/embed_report.js) ---
  var waiting = [];
  function load(done) {
    if (BC.version) { done(); return; }
    waiting.push(done);
    if (waiting.length > 1) { return; }
    var s = document.createElement("script");
    s.onload = s.onerror = function () { var list = waiting, i; waiting = []; for (i = 0; i < list.length; i++) { list[i](); } };
    s.src = collector + "/embed/probe.js";
    (document.head || document.documentElement).appendChild(s);
  }
  // Until the probe is here, its entry points load it and then call the real one.
  function later(name) {
    return function (options, done, popup) {
      load(function () {
        if (BC.version) { BC[name](options, done, popup); return; }
        attempt(function () { popup.close(); });
        (typeof options === "function" ? options : done || function () {})({ status: 0 }, null);
      });
    };
  }
  BC.collect = later("collect");
  BC.run = later("run");
  // report(options, done): options.context prefills the user's context fields (service, page,
  // action, login, account, company, meter, app_version); done(error, {code, url, verdict}).
  BC.report = later("report");
  BC.open = function (options, done) {
    // Opened now, inside the click, so that popup blockers allow it; pointed at the report later.
    var popup = attempt(function () { return window.open("", "_blank"); });
    BC.report(options, done, popup);
  };

  function el(tag, content, css) {
    var node = document.createElement(tag);
    if (content) { node.appendChild(document.createTextNode(content)); }
    if (css) { node.style.cssText = css; }
    return node;
  }

  function button(where) {
    var box = el("span", null, "display:inline-block;font:inherit");
    var btn = el("button", t[0], "font:inherit;padding:.5em 1em;border:0;border-radius:.25em;background:#0b57d0;color:#fff;cursor:pointer");
    var status = el("span", null, "margin-left:.5em");
    btn.type = "button";
    btn.className = "browsercheck-button";
    status.className = "browsercheck-status";
    status.setAttribute("role", "status");
    box.className = "browsercheck";
    box.appendChild(btn);
    box.appendChild(status);
    btn.onclick = function () {
      btn.disabled = true;
      status.textContent = t[1];
      BC.open(function (failure, result) {
        btn.disabled = false;
        status.textContent = failure ? t[2] : "";
        // The on-demand part says more (a retry, a host that is not allowed); it is missing only
        // when the collector could not be reached at all.
        if (BC.shown) { BC.shown(box, status, result, failure); }
      });
    };
    if (where) { where.appendChild(box); } else if (script && script.parentNode && script.parentNode !== document.head) {
      script.parentNode.insertBefore(box, script.nextSibling);
    } else { document.body.appendChild(box); }
  }

  // For a browser the collector's policy calls outdated (User-Agent and client hints of
  // GET /embed.js), the collector puts here a loader of /embed/banner.js (probes/__init__.py).
  var banner = null;

  function start() {
    var target = attr("target");
    if (attr("button") !== "false") { button(target ? document.querySelector(target) : null); }
    if (banner && attr("banner") === "true") { banner(); }
  }

  BC.lang = lang;
  BC.build = attr("build");
  BC.collector = collector;
  BC.attr = attr;  // the tag's other data- attributes, for the on-demand part
  // Page-load work, done by the on-demand part and loaded only then: the host's opt-in sampled
  // build beacon (data-beacon="0.05": this share of page loads) and a repair that reloaded the
  // page ("browsercheck-repair" in sessionStorage). BC.resume is defined in embed_report.js.
  BC.sampled = Math.random() < attr("beacon");
  if (BC.sampled || attempt(function () { return sessionStorage.getItem("browsercheck-repair"); })) {
    load(function () { attempt(BC.resume); });
  }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
}(window, document));
