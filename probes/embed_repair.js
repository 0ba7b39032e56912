/*! browsercheck: the one-click repair of a stale build (issue 18). ES5 only.
 * Loaded after probe.js: on the portal's page in /embed/probe.js (after embed_report.js), and on
 * the check page as /repair.js. BC.repair.plan() says what a repair would remove, BC.repair.run()
 * removes it and reloads; BC.repairResume (called by BC.resume on the load after the reload) runs
 * the check again with payload "repair" = {of, build, removed, failed}, linking the new report to
 * the first. Only this origin's service workers and Cache Storage are removed, and only the
 * localStorage/sessionStorage keys the host declares (data-repair-storage="key1,key2"): never
 * anything else, never cookies, so the user stays signed in. */
(function (window, document) {
  "use strict";
  var BC = window && window.BrowserCheck;
  if (!BC || BC.repair || typeof Promise !== "function") { return; }  // no Promise: no workers, no caches
  var nav = window.navigator, KEY = "browsercheck-repair";
  //: Findings whose cause a repair removes (diagnostics/builds.py REPAIRABLE).
  var REPAIRABLE = { stale_build: 1, service_worker_outdated: 1, stale_build_assets: 1 };

  function attempt(fn) { try { return fn(); } catch (e) { return undefined; } }
  function promised(fn) {
    // fn() as a promise that never rejects: a refused API is one "failed" item, not a stop
    return new Promise(function (resolve) {
      try { Promise.resolve(fn()).then(resolve, function () { resolve(null); }); } catch (e) { resolve(null); }
    });
  }

  function declared(keys) {
    var out = [], list = String(keys || "").split(","), i, k;
    for (i = 0; i < list.length && out.length < 20; i++) {
      k = list[i].replace(/^\s+|\s+$/g, "").substring(0, 100);
      if (k && k !== KEY) { out.push(k); }
    }
    return out;
  }

  function storedKeys(keys) {
    // The declared keys that exist now, in either storage (names only, never values).
    var out = [], i;
    for (i = 0; i < keys.length; i++) {
      if (attempt(function () { return window.localStorage.getItem(keys[i]) !== null || window.sessionStorage.getItem(keys[i]) !== null; })) {
        out.push(keys[i]);
      }
    }
    return out;
  }

  function registrations() {
    return promised(function () { return nav.serviceWorker && nav.serviceWorker.getRegistrations ? nav.serviceWorker.getRegistrations() : []; });
  }
  function cacheNames() {
    return promised(function () { return window.caches && window.caches.keys ? window.caches.keys() : []; });
  }

  // The host's declared keys (data-repair-storage) when a caller of the host API names none.
  function hostKeys(keys) { return keys === undefined && BC.attr ? BC.attr("repair-storage") : keys; }

  // plan([keys, ]done): what run() would remove now, {serviceWorkers, caches, storage: [names]}.
  function plan(keys, done) {
    if (typeof keys === "function") { done = keys; keys = undefined; }
    var wanted = declared(hostKeys(keys));
    Promise.all([registrations(), cacheNames()]).then(function (found) {
      done({ serviceWorkers: (found[0] || []).length, caches: (found[1] || []).length, storage: storedKeys(wanted) });
    });
  }

  // run({of, build, keys}): remove, note what was done for the next load, reload.
  function run(info, done) {
    info = info || {};
    var wanted = declared(hostKeys(info.keys)), removed = { serviceWorkers: 0, caches: 0, storage: [] }, failed = [];
    var sw = registrations().then(function (list) {
      if (list === null) { failed.push("serviceWorkers"); return null; }
      return Promise.all((list || []).map(function (reg) {
        return promised(function () { return reg.unregister(); }).then(function (ok) {
          if (ok) { removed.serviceWorkers += 1; } else { failed.push("serviceWorkers"); }
        });
      }));
    });
    var caches = cacheNames().then(function (names) {
      if (names === null) { failed.push("caches"); return null; }
      return Promise.all((names || []).map(function (name) {
        return promised(function () { return window.caches["delete"](name); }).then(function (ok) {
          if (ok) { removed.caches += 1; } else { failed.push("caches"); }
        });
      }));
    });
    Promise.all([sw, caches]).then(function () {
      var i, gone;
      for (i = 0; i < wanted.length; i++) {
        gone = attempt(function () {
          var was = window.localStorage.getItem(wanted[i]) !== null || window.sessionStorage.getItem(wanted[i]) !== null;
          window.localStorage.removeItem(wanted[i]);
          window.sessionStorage.removeItem(wanted[i]);
          return was;
        });
        if (gone) { removed.storage.push(wanted[i]); } else if (gone === undefined) { failed.push("storage"); }
      }
      var entry = { of: String(info.of || "").substring(0, 9), removed: removed }, build = info.build || pageBuild();
      if (build) { entry.build = String(build).substring(0, 200); }
      if (failed.length) { entry.failed = unique(failed); }
      attempt(function () { window.sessionStorage.setItem(KEY, JSON.stringify(entry)); });
      if (done) { done(entry); }
      // The caches and workers are gone, so this load goes to the network. location.reload()
      // revalidates the page itself with the server in Chromium and WebKit (subresources are
      // then served fresh only if their cache entries are stale or gone); Firefox's reload(true)
      // (its non-standard forceGet, ignored by the others) bypasses the HTTP cache entirely.
      // The fetch with cache "reload" first replaces the page's own HTTP cache entry everywhere.
      var reload = function () { window.location.reload(true); };
      promised(function () { return window.fetch ? window.fetch(window.location.href, { cache: "reload", credentials: "same-origin" }) : null; }).then(reload);
    });
  }

  function pageBuild() {
    return BC.build || attempt(function () { return document.querySelector('meta[name="browsercheck-build"]').getAttribute("content"); });
  }

  function unique(list) {
    var out = [], seen = {}, i;
    for (i = 0; i < list.length; i++) { if (!seen[list[i]]) { seen[list[i]] = 1; out.push(list[i]); } }
    return out;
  }

  // pending(): the entry a repair left for this load, removed first: the second check runs once.
  function pending() {
    var entry = attempt(function () { return JSON.parse(window.sessionStorage.getItem(KEY) || "null"); });
    attempt(function () { window.sessionStorage.removeItem(KEY); });
    return entry && typeof entry === "object" && entry.of ? entry : null;
  }

  function repairable(findings) {
    var i;
    for (i = 0; findings && i < findings.length; i++) { if (REPAIRABLE[findings[i].id]) { return true; } }
    return false;
  }

  BC.repair = { plan: plan, run: run, pending: pending, repairable: repairable, declared: declared };

  // --- the embed's part: "Fix it" next to the report link, and the second check -------------
  if (!BC.recorder) { return; }
  var TEXT = {
    uk: { fix: "Виправити", confirm: "Так, видалити й перезавантажити", cancel: "Скасувати",
      remove: "Буде видалено лише збережені дані цього сайту: ", sw: "збережену версію сайту",
      caches: "кеші сайту", keys: "збережені записи", nothing: "нічого збереженого, сторінку буде перезавантажено",
      keep: ". Вхід і файли cookie залишаться.", checking: "Перевіряємо ще раз…" },
    en: { fix: "Fix it", confirm: "Yes, remove and reload", cancel: "Cancel",
      remove: "Only this site's stored data will be removed: ", sw: "the stored copy of the site",
      caches: "the site's caches", keys: "saved entries", nothing: "nothing is stored; the page will be reloaded",
      keep: ". Your sign-in and cookies stay.", checking: "Checking again…" }
  };
  var t = TEXT[BC.lang] || TEXT.en, last = null, resumed = null;

  function pageUrl(url) { return url ? attempt(function () { var a = document.createElement("a"); a.href = url; return a.href; }) : undefined; }

  // Every report the embed makes: the portal's build URL as the reference, the repair entry on
  // the second check, and the 201 answer kept (its findings decide whether to offer a repair).
  var baseRun = BC.run;
  BC.run = function (options, done) {
    options = options || {};
    options.buildUrl = options.buildUrl || pageUrl(BC.attr("build-url"));
    if (resumed) { options.repair = resumed; resumed = null; }
    baseRun(options, function (failure, data) {
      last = failure ? null : data;
      if (done) { done.apply(this, arguments); }  // also the payload and key, for "Try again"
    });
  };

  function button(text, css) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = css;
    b.appendChild(document.createTextNode(text));
    b.style.cssText = "font:inherit;margin-left:.5em";
    return b;
  }

  function describe(found) {
    var parts = [];
    if (found.serviceWorkers) { parts.push(t.sw); }
    if (found.caches) { parts.push(t.caches + " (" + found.caches + ")"); }
    if (found.storage.length) { parts.push(t.keys + " (" + found.storage.join(", ") + ")"); }
    return t.remove + (parts.length ? parts.join(", ") : t.nothing) + t.keep;
  }

  function offer(status, data) {
    var fix = button(t.fix, "browsercheck-repair"), keys = BC.attr("repair-storage");
    status.appendChild(fix);
    fix.onclick = function () {
      fix.disabled = true;
      plan(keys, function (found) {
        var box = document.createElement("span"), say = document.createElement("span");
        var yes = button(t.confirm, "browsercheck-repair-confirm"), no = button(t.cancel, "browsercheck-repair-cancel");
        box.className = "browsercheck-repair-plan";
        box.setAttribute("role", "alert");
        box.style.cssText = "display:block;margin-top:.5em";
        say.appendChild(document.createTextNode(describe(found)));
        box.appendChild(say);
        box.appendChild(yes);
        box.appendChild(no);
        status.appendChild(box);
        yes.onclick = function () {
          yes.disabled = no.disabled = true;
          run({ of: data.code, keys: keys });
        };
        no.onclick = function () { status.removeChild(box); fix.disabled = false; };
        yes.focus();
      });
    };
  }

  // The host API's answer says whether a repair would help (for a host with its own screen,
  // data-button="false": it offers BrowserCheck.repair.run({of: result.code}) itself).
  var baseReport = BC.report;
  BC.report = function (options, done, popup) {
    if (typeof options === "function") { done = options; options = {}; }
    baseReport(options, function (failure, result) {
      if (result) { result.repairable = !!(last && last.code === result.code && repairable(last.findings)); }
      if (done) { done(failure, result); }
    }, popup);
  };

  // The button's answer (embed_report.js) with "Fix it" beside the report link when it helps.
  var baseShown = BC.shown;
  BC.shown = function (box, status, result, error) {
    baseShown(box, status, result, error);
    if (!error && result && last && last.code === result.code && repairable(last.findings)) { offer(status, last); }
  };

  function whenReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // The load after a repair: check again (once) and show the new report, linked to the first.
  BC.repairResume = function () {
    var entry = pending();
    if (!entry) { return; }
    resumed = entry;
    whenReady(function () {
      var box = document.querySelector(".browsercheck"), status = box && box.querySelector(".browsercheck-status");
      if (status) { status.textContent = t.checking; }
      BC.report({}, function (failure, result) {
        var i, f = !failure && last && last.findings || [], text = "";
        for (i = 0; i < f.length; i++) {
          if (f[i].id === "repair") { text += (f[i].title[BC.lang] || f[i].title.en) + " "; }
        }
        // For the host's own screen: BrowserCheck.repaired and a "browsercheck-repaired" event
        // on window, {of, code, url, verdict, said} (code, url and verdict absent when the
        // second report could not be sent).
        var told = { of: entry.of, said: text.replace(/\s+$/, "") }, k;
        for (k in result || {}) { if (result.hasOwnProperty(k)) { told[k] = result[k]; } }
        BC.repaired = told;
        attempt(function () { window.dispatchEvent(new window.CustomEvent("browsercheck-repaired", { detail: told })); });
        if (!status) { return; }
        status.textContent = "";
        if (failure) { return; }
        var said = document.createElement("span");
        said.className = "browsercheck-repaired";
        said.appendChild(document.createTextNode(text));
        status.appendChild(said);
        BC.shown(box, status, result);
      });
    });
  };
}(typeof window !== "undefined" ? window : null, typeof document !== "undefined" ? document : null));
