  // Spliced into embed.js (in place of `var banner = null;`) for a browser the collector's
  // policy calls outdated; OUTDATED is the collector's {status, download, message} for it.
  var banner = function () {
    var text = { uk: ["Оновити браузер", "Закрити"], en: ["Update browser", "Close"] }[lang];
    var outdated = "__BROWSERCHECK_OUTDATED__";
    var box = el("div", null, "position:relative;padding:.75em 3em .75em 1em;background:#fff4e5;color:#111;border-bottom:2px solid #b3261e;font:16px sans-serif");
    var link = el("a", text[0], "margin-left:1em;padding:.3em .8em;background:#0b57d0;color:#fff;border-radius:.25em;text-decoration:none");
    var close = el("button", "\u00d7", "position:absolute;right:.5em;top:.4em;font-size:1.4em;background:none;border:0;cursor:pointer");
    box.className = "browsercheck-banner";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", text[0]);
    box.appendChild(el("span", outdated.message ? outdated.message[lang] : text[0]));
    link.href = outdated.download || collector + "/check?lang=" + lang;
    link.target = "_blank";
    link.rel = "noopener";
    box.appendChild(link);
    close.type = "button";
    close.setAttribute("aria-label", text[1]);
    close.onclick = function () { box.parentNode.removeChild(box); };
    box.appendChild(close);
    document.body.insertBefore(box, document.body.firstChild);
    BC.bannerResult = outdated;
  };
