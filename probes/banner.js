/*! browsercheck embed: the outdated-browser banner (GET /embed/banner.js). ES5 only.
 * /embed.js loads it only for a browser the collector's policy calls outdated, with
 * data-banner="true"; the collector puts its {status, download, message} for the requesting
 * browser (User-Agent and client hints, as for /embed.js) in place of OUTDATED, or null. Closed,
 * it stays away for this tab's session and for DAYS days (a time in the host origin's
 * localStorage); where storage is blocked (some private modes) the close lasts for this page. */
(function (window, document) {
  "use strict";
  var BC = window.BrowserCheck, outdated = "__BROWSERCHECK_OUTDATED__";
  var KEY = "browsercheck-banner-closed", DAYS = 7;
  if (!BC || !outdated || BC.bannerResult) { return; }
  BC.bannerResult = outdated;

  function closedAt(store) {
    try { return +window[store].getItem(KEY) || 0; } catch (e) { return 0; }
  }
  if (closedAt("sessionStorage") || new Date().getTime() - closedAt("localStorage") < DAYS * 864e5) {
    return;
  }

  var lang = BC.lang, text = { uk: ["Оновити браузер", "Закрити"], en: ["Update browser", "Close"] }[lang];
  function el(tag, content, css) {
    var node = document.createElement(tag);
    if (content) { node.appendChild(document.createTextNode(content)); }
    node.style.cssText = css;
    return node;
  }
  var box = el("div", null, "position:relative;padding:.75em 3em .75em 1em;background:#fff4e5;color:#111;border-bottom:2px solid #b3261e;font:16px sans-serif");
  var link = el("a", text[0], "margin-left:1em;padding:.3em .8em;background:#0b57d0;color:#fff;border-radius:.25em;text-decoration:none");
  var close = el("button", "\u00d7", "position:absolute;right:.5em;top:.4em;font-size:1.4em;background:none;border:0;cursor:pointer");
  box.className = "browsercheck-banner";
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", text[0]);
  box.appendChild(el("span", outdated.message ? outdated.message[lang] : text[0], ""));
  link.href = outdated.download || BC.collector + "/check?lang=" + lang;
  link.target = "_blank";
  link.rel = "noopener";
  box.appendChild(link);
  close.type = "button";
  close.setAttribute("aria-label", text[1]);
  close.onclick = function () {
    var at = String(new Date().getTime());
    box.parentNode.removeChild(box);
    try { window.localStorage.setItem(KEY, at); } catch (e) {}
    try { window.sessionStorage.setItem(KEY, at); } catch (e2) {}
  };
  box.appendChild(close);
  function show() { document.body.insertBefore(box, document.body.firstChild); }
  if (document.body) { show(); } else { document.addEventListener("DOMContentLoaded", show); }
}(window, document));
