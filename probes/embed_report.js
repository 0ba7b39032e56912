/*! browsercheck embed, the part loaded on demand after probe.js (GET /embed/probe.js): the
 * report a click or the host's BrowserCheck.open() / report() makes, and the recorder's buffers
 * (embed.js) turned into the payload's "evidence". ES5 only. */
(function (window, document) {
  "use strict";
  var BC = window && window.BrowserCheck;
  if (!BC || !BC.recorder) { return; }
  var TEXT = { uk: ["Відкрити звіт", "Перевіряємо ваш браузер…"], en: ["Open the report", "Checking your browser…"] };

  function copy(value) { return JSON.parse(JSON.stringify(value || [])); }

  //: Characters of evidence sent at most, so that the report stays well within the collector's
  //: 64 KB body limit whatever the page did (the oldest items go first, counted as dropped).
  var MAX_CHARS = 24000, KINDS = ["requests", "resources", "csp", "actions", "console"];

  BC.evidence = function () {
    var rec = BC.recorder, ok = [], origin, b = rec.buffers, out, i, longest;
    for (origin in rec.ok) { if (ok.length < 20 && rec.ok.hasOwnProperty(origin)) { ok.push({ origin: origin, count: rec.ok[origin] }); } }
    out = { now: Math.round(window.performance.now()), capture: rec.capture.replace(/^,|,$/g, "").split(","),
      requests: copy(b.requests), requestsOk: ok, resources: copy(b.resources), csp: copy(b.csp),
      actions: copy(b.actions), console: copy(b.console), dropped: copy(rec.dropped) };
    while (JSON.stringify(out).length > MAX_CHARS) {
      for (longest = KINDS[0], i = 1; i < KINDS.length; i++) { if (out[KINDS[i]].length > out[longest].length) { longest = KINDS[i]; } }
      if (!out[longest].length) { break; }
      out[longest].shift();
      out.dropped[longest] = (out.dropped[longest] || 0) + 1;
    }
    return out;
  };

  // The page's address as the recorder keeps paths: identifiers masked, no query or fragment.
  BC.page = function () {
    var w = BC.recorder.where(window.location.href);
    return w.origin + w.path;
  };

  // report(options, done[, popup]): options.context prefills the user's context fields;
  // done(error, {code, url, verdict}); a popup opened in the click is pointed at the report.
  BC.report = function (options, done, popup) {
    if (typeof options === "function") { done = options; options = {}; }
    options = options || {};
    done = done || function () {};
    var base = BC.collector, lang = BC.lang;
    try { popup.opener = null; popup.document.body.appendChild(document.createTextNode(TEXT[lang][1])); } catch (e0) {}
    BC.run({ base: base, lang: lang, build: BC.build, context: options.context }, function (failure, data) {
      if (failure || !data || !data.view_url) {
        try { popup.close(); } catch (e) {}
        done(failure || { status: 0 }, null);
        return;
      }
      var url = base + data.view_url + "&lang=" + lang;
      try { if (popup && !popup.closed) { popup.location.replace(url); } } catch (e2) {}
      done(null, { code: data.code, url: url, verdict: data.verdict && data.verdict.status });
    });
  };

  // Page-load work embed.js asked for: the sampled build beacon (BC.sampled; embed_beacon.js) and
  // the second check of a repair that reloaded the page (embed_repair.js, which reads its
  // "browsercheck-repair" entry in sessionStorage itself).
  BC.resume = function () {
    if (BC.sampled && BC.beacon) { BC.beacon(); }
    if (BC.repairResume) { BC.repairResume(); }
  };

  // The button's answer: a link to the report, and its code on the box for the host to read.
  BC.shown = function (box, status, result) {
    var link = document.createElement("a");
    link.appendChild(document.createTextNode(TEXT[BC.lang][0] + " " + result.code));
    link.href = result.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.className = "browsercheck-report";
    status.appendChild(link);
    box.setAttribute("data-browsercheck-code", result.code);
  };
}(typeof window !== "undefined" ? window : null, typeof document !== "undefined" ? document : null));
