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

  function show(data) {
    // Worded by the server in the page's language ("10.15.7 or later", "смартфон (Apple iPhone)").
    text("r-status", data.display.status + ".");
    text("r-message", data.display.message);
    text("r-browser", data.display.browser);
    text("r-os", data.display.os);
    text("r-device", data.display.device);
    text("r-code", data.code);
    text("r-text", data.text);
    blobLink("download-txt", data.text, "text/plain;charset=utf-8", "browsercheck-" + data.code + ".txt");
    blobLink("download-json", JSON.stringify(data.report, null, 2), "application/json", "browsercheck-" + data.code + ".json");
    $("email").href = "mailto:" + encodeURIComponent(data.email.to) + "?subject=" +
      encodeURIComponent(data.email.subject) + "&body=" + encodeURIComponent(data.email.body);
    $("private-link").href = data.view_url + "&lang=" + lang;
    showFindings(data.findings || []);
    urls = { context: data.context_url + "&lang=" + lang, screenshot: data.screenshot_url };
    root.setAttribute("data-status", data.verdict.status);
    $("result").hidden = false;
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
    $("email").href = "mailto:" + encodeURIComponent(data.email.to) + "?subject=" +
      encodeURIComponent(data.email.subject) + "&body=" + encodeURIComponent(data.email.body);
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

  setProgress(msg("sending"));
  window.BrowserCheck.run({ lang: lang, endpoint: root.getAttribute("data-endpoint") }, function (error, data) {
    if (error || !data) { setProgress(msg("failed")); root.setAttribute("data-status", "error"); return; }
    show(data);
  });
}(window, document));
