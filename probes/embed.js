/*! browsercheck embed: one script tag gives a host site a "Check my browser" button and, optionally,
 * the "your browser is outdated" banner. Served after probe.js as /embed.js. ES5 only.
 *   <script src="https://collector/embed.js" data-collector="https://collector" data-lang="uk"
 *           data-banner="true" data-button="true" data-target="#where" data-build="..."></script>
 * Nothing is sent until the user clicks the button or the host calls BrowserCheck.open(); the banner
 * is decided here, in the browser, from the collector's public policy (GET /api/v1/matrix), and nothing is stored. */
(function (window, document) {
  "use strict";
  var BC = window.BrowserCheck;
  if (!BC || BC.embedded) { return; }
  BC.embedded = true;

  var TEXT = {
    uk: { button: "Перевірити браузер", checking: "Перевіряємо ваш браузер…", open: "Відкрити звіт",
      failed: "Не вдалося перевірити браузер. Спробуйте ще раз.", update: "Оновити браузер", close: "Закрити" },
    en: { button: "Check my browser", checking: "Checking your browser…", open: "Open the report",
      failed: "The check failed. Please try again.", update: "Update browser", close: "Close" }
  };

  var script = document.currentScript || (function () {
    var all = document.getElementsByTagName("script"), i;
    for (i = all.length - 1; i >= 0; i--) { if (/\/embed\.js(\?|#|$)/.test(all[i].src)) { return all[i]; } }
    return null;
  }());
  function attr(name) { return script ? script.getAttribute("data-" + name) : null; }
  var collector = (attr("collector") || (script && /^https?:\/\/[^\/]+/.exec(script.src) || [""])[0]).replace(/\/+$/, "");
  var lang = attr("lang") || document.documentElement.lang || "uk";
  lang = lang.substring(0, 2) === "en" ? "en" : "uk";
  var t = TEXT[lang];

  function el(tag, text, css) {
    var node = document.createElement(tag);
    if (text) { node.appendChild(document.createTextNode(text)); }
    if (css) { node.style.cssText = css; }
    return node;
  }

  // --- the report: run the probe, open the private view -------------------------------------
  function open(done) {
    done = done || function () {};
    var popup = null;
    // Opened now, inside the click, so that popup blockers allow it; pointed at the report later.
    try { popup = window.open("", "_blank"); } catch (e) {}
    try { popup.opener = null; popup.document.title = t.checking; popup.document.body.appendChild(el("p", t.checking)); } catch (e2) {}
    BC.run({ base: collector, lang: lang, build: attr("build") }, function (error, data) {
      if (error || !data || !data.view_url) {
        try { popup.close(); } catch (e3) {}
        done(error || { status: 0 }, null);
        return;
      }
      var url = collector + data.view_url + "&lang=" + lang;
      try { if (popup && !popup.closed) { popup.location.replace(url); } } catch (e4) {}
      done(null, { code: data.code, url: url, verdict: data.verdict && data.verdict.status });
    });
  }

  function button(where) {
    var box = el("span", null, "display:inline-block;font:inherit");
    var btn = el("button", t.button, "font:inherit;padding:.5em 1em;border:0;border-radius:.25em;background:#0b57d0;color:#fff;cursor:pointer");
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
      status.textContent = t.checking;
      open(function (error, result) {
        btn.disabled = false;
        status.textContent = "";
        if (error) { status.textContent = t.failed; return; }
        var link = el("a", t.open + " " + result.code);
        link.href = result.url;
        link.target = "_blank";
        link.rel = "noopener";
        link.className = "browsercheck-report";
        status.appendChild(link);
        box.setAttribute("data-browsercheck-code", result.code);
      });
    };
    if (where) { where.appendChild(box); } else if (script && script.parentNode && script.parentNode !== document.head) {
      script.parentNode.insertBefore(box, script.nextSibling);
    } else { document.body.appendChild(box); }
  }

  // --- the banner: the public policy evaluated here ----------------------------------------
  function major(re, ua) { var m = re.exec(ua); return m ? parseInt(m[1], 10) : undefined; }

  function detect(ua, data) {
    var env = { family: "Other" }, brands = data && data.brands, i, names = {}, m;
    var rules = [["Opera Mini", /Opera Mini\/(\d+)/], ["IE", /(?:MSIE |Trident\/.*rv:)(\d+)/],
      ["Edge", /Edg(?:e|A|iOS)?\/(\d+)/], ["Samsung Internet", /SamsungBrowser\/(\d+)/],
      ["Opera", /(?:OPR|OPT)\/(\d+)/], ["Yandex Browser", /YaBrowser\/(\d+)/], ["Firefox", /(?:Firefox|FxiOS)\/(\d+)/],
      ["Chrome", /CriOS\/(\d+)/], ["Chromium", /(?:HeadlessChrome|Chromium)\/(\d+)/], ["Chrome", /Chrome\/(\d+)/],
      ["Safari", /Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//]];
    for (i = 0; i < rules.length; i++) {
      if (rules[i][1].test(ua)) { env.family = rules[i][0]; env.major = major(rules[i][1], ua); break; }
    }
    // Chromium browsers name themselves in userAgentData.brands better than in the UA string.
    for (i = 0; brands && i < brands.length; i++) { names[brands[i].brand] = parseInt(brands[i].version, 10); }
    var brandFamilies = [["Microsoft Edge", "Edge"], ["Opera GX", "Opera"], ["Opera", "Opera"], ["YaBrowser", "Yandex Browser"],
      ["Yandex", "Yandex Browser"], ["Samsung Internet", "Samsung Internet"], ["Brave", "Brave"], ["Vivaldi", "Vivaldi"],
      ["Google Chrome", "Chrome"], ["Chromium", "Chromium"]];
    for (i = 0; i < brandFamilies.length; i++) {
      if (names[brandFamilies[i][0]]) { env.family = brandFamilies[i][1]; env.major = names[brandFamilies[i][0]]; break; }
    }
    var ios = /(?:iPhone|iPad|iPod).* OS (\d+)(?:_(\d+))?/.exec(ua);
    env.engine = ios ? major(/AppleWebKit\/(\d+)/, ua) : major(/Chrom(?:e|ium)\/(\d+)/, ua);
    if (ios) { env.os = "iOS"; env.osVersion = ios[1] + "." + (ios[2] || "0"); } else if ((m = /Android (\d+(?:\.\d+)?)/.exec(ua))) {
      env.os = "Android"; env.osVersion = m[1]; env.frozen = /Android 10; K\)/.test(ua);
    } else if ((m = /Windows NT (\d+\.\d+)/.exec(ua))) {
      env.os = "Windows"; env.osVersion = { "10.0": "10", "6.3": "8.1", "6.2": "8", "6.1": "7" }[m[1]];
    } else if ((m = /Mac OS X (\d+)[_.](\d+)/.exec(ua))) { env.os = "macOS"; env.osVersion = m[1] + "." + m[2]; }
    return env;
  }

  function compare(version, bound) {
    // Compared over the bound's parts only: "8.1" is within "8", "10.15.7" below "11".
    var a = String(version).split("."), b = String(bound).split("."), i, x, y;
    for (i = 0; i < b.length; i++) {
      x = parseInt(a[i] || "0", 10); y = parseInt(b[i], 10);
      if (x !== y) { return x < y ? -1 : 1; }
    }
    return 0;
  }

  // Mirrors matrix.rules.evaluate_policy for GET /api/v1/matrix (matrix.policy_summary): the worse
  // of browser and OS; what the summary cannot decide here (limited ranges, devices) is not "unsupported".
  function verdict(policy, ua, data) {
    var env = detect(ua || "", data), rule = policy.browsers[env.family], status = "supported", sys, i, limited = false;
    if (!rule) { status = "unknown"; } else if (rule.status) { status = rule.status; } else if (rule.engine_min !== undefined) {
      status = env.engine === undefined ? "unknown" : env.engine < rule.engine_min ? "unsupported" : "supported";
    } else if (rule.min !== undefined) {
      status = env.major === undefined ? "unknown" : env.major < rule.min ? "unsupported" : "supported";
    }
    sys = env.os && policy.systems[env.os];
    if (status !== "unsupported" && sys && env.osVersion && !env.frozen && !(sys.frozen && !compare(env.osVersion, sys.frozen))) {
      for (i = 0; sys.limited && sys.limited.versions && i < sys.limited.versions.length; i++) { if (!compare(env.osVersion, sys.limited.versions[i])) { limited = true; } }
      if (limited) { status = status === "supported" || status === "unknown" ? "limited" : status; } else if (sys.min && compare(env.osVersion, sys.min) < 0) {
        status = "unsupported";
      }
    }
    return { status: status, family: env.family, major: env.major, download: rule && rule.download };
  }

  function banner(policy) {
    var result = verdict(policy, navigator.userAgent, navigator.userAgentData), message, box, link, close;
    if (result.status !== "unsupported") { return result; }
    message = policy.messages && policy.messages.unsupported;
    box = el("div", null, "position:relative;z-index:2147483647;padding:.75em 3em .75em 1em;background:#fff4e5;color:#111;border-bottom:2px solid #b3261e;font:16px/1.4 sans-serif");
    box.className = "browsercheck-banner";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", t.update);
    box.appendChild(el("span", message ? message[lang] : t.update));
    link = el("a", t.update, "margin-left:1em;padding:.3em .8em;background:#0b57d0;color:#fff;border-radius:.25em;text-decoration:none");
    link.href = result.download || collector + "/check?lang=" + lang;
    link.target = "_blank";
    link.rel = "noopener";
    box.appendChild(link);
    close = el("button", "×", "position:absolute;right:.5em;top:.4em;font-size:1.4em;background:none;border:0;cursor:pointer");
    close.type = "button";
    close.setAttribute("aria-label", t.close);
    close.onclick = function () { box.parentNode.removeChild(box); };
    box.appendChild(close);
    document.body.insertBefore(box, document.body.firstChild);
    return result;
  }

  function policy(done) {
    BC.request("GET", collector + "/api/v1/matrix", null, function (status, text) {
      var data = status === 200 && BC.parse(text);
      done(data && data.browsers ? data : null);
    });
  }

  function start() {
    var target = attr("target");
    if (attr("button") !== "false") { button(target ? document.querySelector(target) : null); }
    if (attr("banner") === "true") {
      policy(function (data) { BC.bannerResult = data ? banner(data) : { status: "error" }; });
    }
  }

  BC.open = open;
  BC.verdict = verdict;
  BC.collector = collector;
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
}(window, document));
