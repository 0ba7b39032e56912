/*! browsercheck embed, the part loaded on demand after probe.js (GET /embed/probe.js): the
 * report a click or the host's BrowserCheck.open() / report() makes, and the recorder's buffers
 * (embed.js) turned into the payload's "evidence". ES5 only. */
(function (window, document) {
  "use strict";
  var BC = window && window.BrowserCheck;
  if (!BC || !BC.recorder) { return; }
  var TEXT = { uk: ["Відкрити звіт", "Перевіряємо ваш браузер…"], en: ["Open the report", "Checking your browser…"] };
  // The page texts of a retry and a failed send (webapp/i18n.py: retrying, failed_*, try_again,
  // report_text, embed_not_allowed, embed_check_page), put here by the collector as
  // {lang: {key: text}} (webapp/embed.py); unreplaced, the keys themselves are shown.
  var WORDS = "__BROWSERCHECK_WORDS__";
  function word(key) { return WORDS[BC.lang] && WORDS[BC.lang][key] || key; }

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

  // Every status line of the embed's button(s) and the popup opened for the report: what the
  // user reads while the report is sent again.
  function say(message, popup) {
    var lines = document.querySelectorAll(".browsercheck-status"), i;
    for (i = 0; i < lines.length; i++) { lines[i].textContent = message; }
    try { popup.document.body.textContent = message; } catch (e) {}
  }

  // Is a send that got no answer (status 0) refused by CORS, this page's origin not being in
  // the collector's BROWSERCHECK_CORS_ORIGINS, or is the network down? Both look alike to the
  // page. We read GET /api/v1/build with CORS (governed by that setting as the reports are;
  // not /api/v1/matrix, which every origin may read); where that fails too, we fetch it again
  // with mode "no-cors", whose opaque answer needs no permission: answered that way only, the
  // collector is reachable and refuses this origin. Without fetch (IE 11) the script running
  // here came from the collector a moment ago, so a refused CORS read is taken to mean the
  // same (a network lost in between would look alike: rare, and the user is offered the
  // check page, which works either way once the network is back).
  function refused(base, done) {
    var url = base + "/api/v1/build";
    BC.request("GET", url, null, function (status) {
      if (status) { done(false); return; }
      if (typeof window.fetch !== "function") { done(true); return; }
      try {
        window.fetch(url, { mode: "no-cors", cache: "no-store" }).then(function () { done(true); }, function () { done(false); });
      } catch (e) { done(false); }
    });
  }

  // What the integrator reads in the console when the page's origin is not allowed.
  function warn(base) {
    try {
      window.console.warn("browsercheck: " + window.location.protocol + "//" + window.location.host +
        " may not send reports to " + base + ": add this origin to BROWSERCHECK_CORS_ORIGINS on the" +
        " collector (docs: README, Embedding). Users are offered " + base + "/check instead.");
    } catch (e) {}
  }

  // A report that could not be sent, and the payload, key and time of the one "Try again"
  // sends (the same key: if the first did arrive after all, the collector answers its code).
  var failed = null, again = null;

  // report(options, done[, popup]): options.context prefills the user's context fields;
  // done(error, {code, url, verdict}); a popup opened in the click is pointed at the report.
  // Sending retries as the check page does (the probe's deliver); when the page's origin is
  // not allowed, error.notAllowed is true and the popup shows the collector's check page.
  BC.report = function (options, done, popup) {
    if (typeof options === "function") { done = options; options = {}; }
    options = options || {};
    done = done || function () {};
    var base = BC.collector, lang = BC.lang, resend = again;
    var settings = { base: base, lang: lang, build: BC.build, context: options.context, key: resend && resend.key,
      retrying: function (tries, seconds, error, go) {
        var next = function () { say(word("retrying").replace("{n}", tries).replace("{s}", seconds), popup); go(); };
        if (error.status || tries > 1) { next(); return; }
        refused(base, function (no) {
          if (!no) { next(); return; }
          error.notAllowed = true;
          warn(base);
          go(false);
        });
      } };
    again = null;
    try { popup.opener = null; popup.document.body.appendChild(document.createTextNode(TEXT[lang][1])); } catch (e0) {}
    var sent = function (failure, data, payload, key) {
      if (failure || !data || !data.view_url) {
        failure = failure || { status: 0 };
        failed = { payload: payload, key: key };
        try {
          if (failure.notAllowed && popup && !popup.closed) { popup.location.replace(base + "/check?lang=" + lang); } else { popup.close(); }
        } catch (e) {}
        done(failure, null);
        return;
      }
      failed = null;
      var url = base + data.view_url + "&lang=" + lang;
      try { if (popup && !popup.closed) { popup.location.replace(url); } } catch (e2) {}
      done(null, { code: data.code, url: url, verdict: data.verdict && data.verdict.status });
    };
    if (resend) { BC.deliver(resend.payload, settings, sent); } else { BC.run(settings, sent); }
  };

  // The report text built in the page from the payload, for the user to copy when it could
  // not be sent (as the check page's).
  function summary(payload, status) {
    var screen = payload.screen || {};
    return ["User-Agent: " + (payload.userAgent || window.navigator.userAgent),
      "Screen: " + (screen.width || "?") + "x" + (screen.height || "?"),
      "Languages: " + (payload.languages || []).join(", "),
      "Time zone: " + (payload.timeZone || ""),
      "Page: " + (payload.page || BC.page()),
      "Time: " + new Date().toISOString(),
      "Error: " + (status ? "HTTP " + status : "no answer")].join("\n");
  }

  function node(tag, content, css) {
    var el = document.createElement(tag);
    if (content) { el.appendChild(document.createTextNode(content)); }
    if (css) { el.style.cssText = css; }
    return el;
  }

  // A failed send, said in the button's status line: why, and then either the check page (the
  // origin is not allowed: the popup was pointed there, this link is for a blocked popup) or,
  // below the button, "Try again" with the same payload and the report text to copy.
  function failure(box, status, error) {
    var link, retry, area, label, more, payload = failed && failed.payload;
    if (error.notAllowed) {
      status.textContent = word("embed_not_allowed") + " ";
      link = node("a", word("embed_check_page"));
      link.href = BC.collector + "/check?lang=" + BC.lang;
      link.target = "_blank";
      link.rel = "noopener";
      link.className = "browsercheck-check-page";
      status.appendChild(link);
      return;
    }
    status.textContent = word(error.status === 429 ? "failed_busy" : error.status ? "failed_server" : "failed_offline");
    more = node("div", null, "margin-top:.5em");
    more.className = "browsercheck-failed";
    retry = node("button", word("try_again"), "font:inherit");
    retry.type = "button";
    retry.className = "browsercheck-retry";
    retry.onclick = function () { again = failed; box.removeChild(more); box.firstChild.click(); };
    more.appendChild(retry);
    if (payload) {
      label = node("label", word("report_text"), "display:block;margin-top:.5em");
      area = node("textarea", null, "display:block;width:100%;max-width:40em;font:12px monospace");
      area.readOnly = true;
      area.rows = 7;
      area.className = "browsercheck-text";
      area.value = summary(payload, error.status);
      label.appendChild(area);
      more.appendChild(label);
    }
    box.appendChild(more);
  }

  // Page-load work embed.js asked for: the sampled build beacon (BC.sampled; embed_beacon.js) and
  // the second check of a repair that reloaded the page (embed_repair.js, which reads its
  // "browsercheck-repair" entry in sessionStorage itself).
  BC.resume = function () {
    if (BC.sampled && BC.beacon) { BC.beacon(); }
    if (BC.repairResume) { BC.repairResume(); }
  };

  // The button's answer: a link to the report, and its code on the box for the host to read;
  // or, after a failure, what failure() says.
  BC.shown = function (box, status, result, error) {
    var old = box.querySelector(".browsercheck-failed");
    if (old) { box.removeChild(old); }
    if (error) { failure(box, status, error); return; }
    var link = node("a", TEXT[BC.lang][0] + " " + result.code);
    link.href = result.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.className = "browsercheck-report";
    status.appendChild(link);
    box.setAttribute("data-browsercheck-code", result.code);
  };
}(typeof window !== "undefined" ? window : null, typeof document !== "undefined" ? document : null));
