/* The check page: runs the probe on load and shows the report. ES5, no dependencies. */
(function (window, document) {
  "use strict";
  var root = document.getElementById("check");
  if (!root || !window.BrowserCheck) { return; }
  var $ = function (id) { return document.getElementById(id); };
  var msg = function (name) { return root.getAttribute("data-msg-" + name) || ""; };
  var progress = $("progress");
  var lang = root.getAttribute("data-lang");
  var spans = progress.getElementsByTagName("span");
  if (spans.length) { spans[0].hidden = false; }

  function setProgress(text) {
    while (progress.firstChild) { progress.removeChild(progress.firstChild); }
    progress.appendChild(document.createTextNode(text));
  }

  function text(id, value) { $(id).textContent = value === null || value === undefined ? "" : String(value); }

  function blobLink(id, content, type, name) {
    var link = $(id);
    try {
      link.href = window.URL.createObjectURL(new window.Blob([content], { type: type }));
    } catch (e) {
      link.href = "data:" + type + "," + encodeURIComponent(content);
    }
    link.setAttribute("download", name);
  }

  // A remedy's web address (the download or update link) as a link; the rest as text.
  var URL_PATTERN = /https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

  function appendLinkified(parent, value) {
    var last = 0, match, link;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(value)) !== null) {
      parent.appendChild(document.createTextNode(value.slice(last, match.index)));
      link = document.createElement("a");
      link.href = match[0];
      link.rel = "noopener";
      link.appendChild(document.createTextNode(match[0]));
      parent.appendChild(link);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(value.slice(last)));
  }

  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  function showBlocking(blocking) {
    // The one or two things that stand against the user, each with its remedy, first.
    var list = $("r-blocking"), i, item, title;
    clear(list);
    for (i = 0; i < blocking.length; i++) {
      item = document.createElement("li");
      item.setAttribute("data-blocking", blocking[i].id);
      title = document.createElement("strong");
      title.appendChild(document.createTextNode(blocking[i].title[lang] || blocking[i].title.en));
      item.appendChild(title);
      item.appendChild(document.createElement("br"));
      appendLinkified(item, blocking[i].remedy[lang] || blocking[i].remedy.en);
      list.appendChild(item);
    }
    list.hidden = !blocking.length;
  }

  function emailHref(email) {
    return email.mailto || "mailto:" + encodeURIComponent(email.to) + "?subject=" +
      encodeURIComponent(email.subject) + "&body=" + encodeURIComponent(email.body);
  }

  function show(data) {
    // Worded by the server in the page's language ("10.15.7 or later", "смартфон (Apple iPhone)").
    text("r-outcome-label", data.display.outcome + ".");
    text("r-headline", data.display.headline);
    showBlocking(data.blocking || []);
    root.setAttribute("data-outcome", data.outcome);
    text("r-status", data.display.status + ".");
    // "The cabinet should work fully" is the verdict's message for a supported browser: the
    // outcome above says whether it will, so the message stands only for the other verdicts.
    text("r-message", data.verdict.status === "supported" ? "" : data.display.message);
    text("r-browser", data.display.browser);
    text("r-os", data.display.os);
    text("r-device", data.display.device);
    text("r-code", data.code);
    text("r-text", data.text);
    blobLink("download-txt", data.text, "text/plain;charset=utf-8", "browsercheck-" + data.code + ".txt");
    $("download-json").href = data.json_url; // the report's JSON view: same origin, downloaded
    $("download-json").setAttribute("download", "browsercheck-" + data.code + ".json");
    $("email").href = emailHref(data.email);
    $("private-link").href = data.view_url + "&lang=" + lang;
    showFindings(data.findings || []);
    offerRepair(data);
    urls = { context: data.context_url + "&lang=" + lang, screenshot: data.screenshot_url };
    root.setAttribute("data-status", data.verdict.status);
    $("send-failed").hidden = true;
    $("result").hidden = false;
    restoreFields();
    setProgress(announcement());
    try { window.performance.mark("browsercheck:shown"); } catch (e) {}
  }

  function announcement() {
    // The live region (#progress) says the result itself, not only "done": a screen reader
    // hears the headline and the code without hunting for them ([data-announce] marks them).
    var parts = [msg("done")], marked = root.querySelectorAll("[data-announce]"), i, said;
    for (i = 0; i < marked.length; i++) {
      said = (marked[i].textContent || "").replace(/\s+/g, " ").replace(/^\s+|\s+$/g, "");
      if (said) { parts.push(said); }
    }
    return parts.join(" ");
  }

  function showFindings(findings) {
    // Each finding's title and remedy in the page's language, as text (never as HTML).
    var list = $("r-findings"), i, item, title;
    if (!list) { return; }
    clear(list);
    for (i = 0; i < findings.length; i++) {
      item = document.createElement("li");
      item.className = "finding severity-" + findings[i].severity;
      item.setAttribute("data-finding", findings[i].id);
      title = document.createElement("strong");
      title.appendChild(document.createTextNode(findings[i].title[lang] || findings[i].title.en));
      item.appendChild(title);
      item.appendChild(document.createElement("br"));
      item.appendChild(document.createTextNode(findings[i].remedy[lang] || findings[i].remedy.en));
      list.appendChild(item);
    }
    list.hidden = !findings.length;
  }

  // --- the one-click repair of a stale page (probes/embed_repair.js, served as /repair.js) -----
  // This tab's report (VISIT_KEY) is the one key of this origin's storage it removes, so that
  // the reload checks anew; the new report names the first (payload "repair").
  var repairBox = $("repair"), repairApi = window.BrowserCheck.repair, repairOf = null;

  function repairMsg(name) { return repairBox.getAttribute("data-msg-" + name) || ""; }

  function offerRepair(data) {
    if (!repairBox) { return; }
    repairBox.hidden = !(repairApi && repairApi.repairable(data.findings));
    repairBox.querySelector(".repair-plan").hidden = true;
    repairBox.querySelector(".browsercheck-repair").disabled = false;
    repairOf = data.code;
  }

  if (repairBox) {
    repairBox.querySelector(".browsercheck-repair").onclick = function () {
      var fix = this, planBox = repairBox.querySelector(".repair-plan");
      fix.disabled = true;
      repairApi.plan(VISIT_KEY, function (found) {
        var parts = [];
        if (found.serviceWorkers) { parts.push(repairMsg("sw")); }
        if (found.caches) { parts.push(repairMsg("caches").replace("{n}", found.caches)); }
        // this tab's report (VISIT_KEY) goes too, unnamed: the reload must check anew
        var keys = found.storage.filter(function (k) { return k !== VISIT_KEY; });
        if (keys.length) { parts.push(repairMsg("keys").replace("{names}", keys.join(", "))); }
        planBox.querySelector(".repair-what").textContent = repairMsg("remove").replace("{what}", parts.length ? parts.join(", ") : repairMsg("nothing"));
        planBox.hidden = false;
        planBox.querySelector(".browsercheck-repair-confirm").focus();
      });
    };
    repairBox.querySelector(".browsercheck-repair-confirm").onclick = function () {
      this.disabled = true;
      var meta = document.querySelector('meta[name="browsercheck-build"]');
      repairApi.run({ of: repairOf, build: meta ? meta.getAttribute("content") : "", keys: VISIT_KEY });
    };
    repairBox.querySelector(".browsercheck-repair-cancel").onclick = function () {
      repairBox.querySelector(".repair-plan").hidden = true;
      repairBox.querySelector(".browsercheck-repair").disabled = false;
    };
  }

  // --- the optional "tell support more" form: context fields and one screenshot -------------
  var form = $("context-form"), urls = null;

  function formMsg(name) { return form.getAttribute("data-msg-" + name) || ""; }

  function setFormStatus(text, failed) {
    var status = $("ctx-status");
    status.textContent = text;
    status.className = failed ? "error" : "";
  }

  function xhr(url, body, contentType, done) {
    try {
      var req = new XMLHttpRequest();
      req.open("POST", url, true);
      if (contentType) { req.setRequestHeader("Content-Type", contentType); }
      req.onreadystatechange = function () {
        if (req.readyState !== 4) { return; }
        var data = null;
        try { data = JSON.parse(req.responseText); } catch (e) {}
        done(req.status, data);
      };
      req.send(body);
    } catch (e) { done(0, null); }
  }

  function fieldName(path) {
    // "$.error_text" -> the form's own label of that field, as the user read it
    var key = String(path || "").replace(/^\$\.?/, "").split(".")[0];
    var label = key ? form.querySelector("label[for='ctx-" + key.replace(/[^a-z_]/g, "") + "']") : null;
    return label ? label.textContent : key;
  }

  function failure(status, data) {
    // In the page's language by the error's code: the API's own message is for integrators.
    var error = data && data.error ? data.error : {}, code = String(error.code || ""), reason;
    if (!status) { reason = formMsg("network"); }
    else if (formMsg(code)) { reason = formMsg(code); }
    else if (code.indexOf("schema_") === 0) { reason = formMsg("field").replace("{field}", fieldName(error.field)); }
    else if (status >= 500) { reason = formMsg("server"); }
    else { reason = formMsg("server") + " (HTTP " + status + ")"; }
    setFormStatus(formMsg("failed").replace("{reason}", reason), true);
  }

  function updateShareable(data) {
    text("r-text", data.text);
    blobLink("download-txt", data.text, "text/plain;charset=utf-8", "browsercheck-" + data.code + ".txt");
    $("email").href = emailHref(data.email);
    var saved = visit.load();
    if (saved && saved.answer) {  // a reload shows the text with what the user added
      saved.answer.text = data.text;
      saved.answer.email = data.email;
      visit.save(saved);
    }
  }

  function contextFields() {
    var fields = {}, inputs = form.querySelectorAll("[data-ctx]"), i, value;
    for (i = 0; i < inputs.length; i++) {
      value = inputs[i].value.replace(/^\s+|\s+$/g, "");
      if (value) { fields[inputs[i].getAttribute("data-ctx")] = value; }
    }
    return fields;
  }

  function uploadScreenshot(file) {
    var body = new window.FormData();
    body.append("screenshot", file);
    xhr(urls.screenshot, body, null, function (status, data) {
      if (status === 200) { setFormStatus(formMsg("saved"), false); } else { failure(status, data); }
    });
  }

  form.onsubmit = function (event) {
    if (event && event.preventDefault) { event.preventDefault(); }
    if (!urls) { return false; }
    var picker = $("ctx-screenshot"), file = picker.files && picker.files.length ? picker.files[0] : null;
    if (file && file.size > parseInt(form.getAttribute("data-max-bytes"), 10)) {
      setFormStatus(formMsg("failed").replace("{reason}", formMsg("too-big")), true);
      return false;
    }
    setFormStatus(formMsg("saving"), false);
    xhr(urls.context, JSON.stringify(contextFields()), "application/json", function (status, data) {
      if (status !== 200 || !data) { failure(status, data); return; }
      updateShareable(data);
      if (file && window.FormData) { uploadScreenshot(file); } else { setFormStatus(formMsg("saved"), false); }
    });
    return false;
  };

  $("copy").onclick = function () {
    var done = function () { setProgress(msg("copied")); };
    var fallback = function () {
      try { $("r-text").select(); if (document.execCommand("copy")) { done(); return; } } catch (e) {}
      setProgress(msg("copy-failed"));
    };
    try {
      if (window.navigator.clipboard && window.navigator.clipboard.writeText) {
        window.navigator.clipboard.writeText($("r-text").value).then(done, fallback);
        return;
      }
    } catch (e) {}
    fallback();
  };

  // --- one report per visit: reload, Back and the language switch show the same report ------
  // This tab's report lives in sessionStorage (this tab only, gone with it), with what the user
  // typed in the form; "Check again" is the one way to a new report.
  var VISIT_KEY = "browsercheck:visit", VISIT_MS = 30 * 60 * 1000;
  var visit = {
    load: function () {
      try {
        var saved = JSON.parse(window.sessionStorage.getItem(VISIT_KEY) || "null");
        return saved && saved.at && new Date().getTime() - saved.at < VISIT_MS ? saved : null;
      } catch (e) { return null; }  // storage blocked or unreadable: every load checks anew
    },
    save: function (saved) {
      try { window.sessionStorage.setItem(VISIT_KEY, JSON.stringify(saved)); } catch (e) {}
    },
    drop: function () {
      try { window.sessionStorage.removeItem(VISIT_KEY); } catch (e) {}
    }
  };

  function restoreFields() {
    var saved = visit.load(), inputs = form.querySelectorAll("[data-ctx]"), i, key;
    var fields = saved && saved.fields;
    if (!fields) { return; }
    for (i = 0; i < inputs.length; i++) {
      key = inputs[i].getAttribute("data-ctx");
      if (fields[key] && !inputs[i].value) { inputs[i].value = fields[key]; }
    }
    if ($("context-details")) { $("context-details").open = true; }
  }

  function rememberFields() {
    var saved = visit.load();
    if (!saved) { return; }
    saved.fields = contextFields();
    visit.save(saved);
  }
  form.oninput = rememberFields;
  form.onchange = rememberFields;

  function get(url, done) {
    try {
      var req = new XMLHttpRequest();
      req.open("GET", url, true);
      req.onreadystatechange = function () {
        if (req.readyState !== 4) { return; }
        var data = null;
        try { data = JSON.parse(req.responseText); } catch (e) {}
        done(req.status, data);
      };
      req.send(null);
    } catch (e) { done(0, null); }
  }

  // --- a failed send: why, "Try again" with the same payload, and the text built here --------
  var failedBox = $("send-failed"), lastPayload = null, lastKey = null;

  function failedMsg(name) { return failedBox.getAttribute("data-msg-" + name) || ""; }

  function payloadText(payload, status) {
    var screen = payload.screen || {}, lines = [
      "User-Agent: " + (payload.userAgent || window.navigator.userAgent),
      "Screen: " + (screen.width || "?") + "x" + (screen.height || "?"),
      "Languages: " + (payload.languages || []).join(", "),
      "Time zone: " + (payload.timeZone || ""),
      "Cookies: " + (payload.cookieEnabled === false ? "no" : "yes"),
      "Page: " + window.location.pathname,
      "Time: " + new Date().toISOString(),
      "Error: " + (status ? "HTTP " + status : "no answer")
    ];
    return lines.join("\n");
  }

  function showFailure(error, payload) {
    var status = error && error.status ? error.status : 0;
    var reason = status === 429 ? failedMsg("busy") : status === 0 ? failedMsg("offline") :
      failedMsg("server");
    text("failed-reason", reason);
    text("failed-text", payloadText(payload || {}, status));
    failedBox.hidden = false;
    root.setAttribute("data-status", "error");
    setProgress(reason);
  }

  function send(payload) {
    // The probe's deliver() retries a dropped connection, 429 and 503 (Retry-After, at most three
    // times within 30 s) with one Idempotency-Key (a retry never stores a second report); the
    // page says so, and only then shows why sending failed. "Try again" keeps the key.
    var options = { lang: lang, endpoint: root.getAttribute("data-endpoint"), key: lastKey,
      retrying: function (tries, seconds, error, go) {
        setProgress(msg("retrying").replace("{n}", tries).replace("{s}", seconds));
        go();
      } };
    lastPayload = payload;
    setProgress(msg("sending"));
    window.BrowserCheck.deliver(payload, options, function (error, data, sent, key) {
      if (!error && data) {
        visit.save({ at: new Date().getTime(), lang: lang, answer: data });
        show(data);
        return;
      }
      lastKey = key;
      showFailure(error || {}, payload);
    });
  }

  function checkAnew(repaired) {
    visit.drop();
    lastKey = null;
    $("result").hidden = true;
    failedBox.hidden = true;
    setProgress(msg("sending"));
    window.BrowserCheck.collect({ lang: lang, endpoint: root.getAttribute("data-endpoint"), repair: repaired }, send);
  }

  $("try-again").onclick = function () { failedBox.hidden = true; send(lastPayload || {}); };
  $("check-again").onclick = function () {
    var inputs = form.querySelectorAll("[data-ctx]"), i;
    for (i = 0; i < inputs.length; i++) { inputs[i].value = ""; }
    checkAnew();
  };

  (function start() {
    var saved = visit.load(), repaired = repairApi && repairApi.pending();
    if (repaired || !saved || !saved.answer) { checkAnew(repaired || undefined); return; }
    if (saved.lang === lang) { show(saved.answer); return; }
    // The language switch: the same report, worded in this page's language.
    get(saved.answer.answer_url + "&lang=" + lang, function (status, data) {
      if (status === 200 && data) {
        saved.lang = lang;
        saved.answer = data;
        visit.save(saved);
        show(data);
      } else if (status === 404) {
        checkAnew();  // the report is gone (retention): a new one
      } else {
        show(saved.answer);  // offline: the same report in the language it was made in
      }
    });
  }());
}(window, document));
