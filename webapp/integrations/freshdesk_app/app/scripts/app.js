/* browsercheck's Freshdesk ticket sidebar app (Freshworks platform 2.3, ES5).
   Reads the ticket's subject and description with client.data.get("ticket"), asks the
   collector for a short-lived signed sidebar link through the request template "sidebarLink"
   (config/requests.json: Freshworks' proxy puts the secure desk_token installation parameter
   into the Authorization header, so the token never reaches the agent's browser), frames that
   link, and posts the ticket's text to it by postMessage. Without a token (or when the
   collector refuses it) it frames the sidebar for an agent signed in to the desk instead. */
(function (window, document) {
  "use strict";
  var say = browsercheckFrame.say;
  var show = browsercheckFrame.show;
  var lang = "en";

  function start(client) {
    var text = "";
    var base = "";
    client.iparams.get("collector_host").then(function (iparams) {
      var host = String(iparams.collector_host || "").replace(/^https?:\/\//i, "").replace(/\/.*$/, "");
      if (!host) {
        say("no_collector");
        throw new Error("no collector_host");
      }
      base = "https://" + host;
      return client.data.get("loggedInUser").then(function (user) {
        var contact = (user && user.loggedInUser && user.loggedInUser.contact) || {};
        lang = browsercheckFrame.useLocale(contact.language);
      }, function () { return null; });
    }).then(function () {
      say("loading");
      return client.data.get("ticket");
    }).then(function (data) {
      var ticket = (data && data.ticket) || {};
      text = (ticket.subject || "") + "\n" + (ticket.description_text || "");
      return client.request.invokeTemplate("sidebarLink", { body: JSON.stringify({ lang: lang }) });
    }).then(function (answer) {
      var link = JSON.parse(answer.response);
      show(link.url, text);
    }, function () {
      if (base) { show(base + "/support/sidebar?lang=" + lang, text); }
    });
  }

  window.app.initialized().then(function (client) {
    client.events.on("app.activated", function () { start(client); });
  });
}(window, document));
