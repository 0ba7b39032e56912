/* browsercheck's Zendesk ticket sidebar app (Zendesk Apps framework 2.0, ES5).
   Reads the ticket's subject and description through ZAFClient, asks the collector for a
   short-lived signed sidebar link (POST /api/v1/desk/sidebar-links; Zendesk's proxy puts the
   secure desk_token setting into the Authorization header, so the token never reaches the
   agent's browser), frames that link, and posts the ticket's text to it by postMessage.
   Without a token (or when the collector refuses it) it frames the sidebar for an agent
   signed in to the desk instead. */
(function (window, document) {
  "use strict";
  var say = browsercheckFrame.say;
  var show = browsercheckFrame.show;
  var lang = "en";

  var client = window.ZAFClient && window.ZAFClient.init();
  if (!client) {
    say("no_client");
    return;
  }
  client.invoke("resize", { width: "100%", height: "440px" });
  client.metadata().then(function (metadata) {
    var settings = (metadata && metadata.settings) || {};
    var base = String(settings.collector_url || "").replace(/\/+$/, "");
    return client.get(["ticket.subject", "ticket.description", "currentUser.locale"]).then(
      function (data) {
        lang = browsercheckFrame.useLocale(data["currentUser.locale"]);
        if (!/^https?:\/\//i.test(base)) {
          say("no_collector");
          return;
        }
        say("loading");
        var text = (data["ticket.subject"] || "") + "\n" + (data["ticket.description"] || "");
        var agent = base + "/support/sidebar?lang=" + lang;
        return client.request({
          url: base + "/api/v1/desk/sidebar-links",
          type: "POST",
          contentType: "application/json",
          dataType: "json",
          data: JSON.stringify({ lang: lang }),
          headers: { Authorization: "Bearer {{setting.desk_token}}" },
          secure: true,
          cors: false
        }).then(
          function (answer) {
            var link = typeof answer === "string" ? JSON.parse(answer) : answer;
            show(link && link.url ? link.url : agent, text);
          },
          function () { show(agent, text); }
        );
      }
    );
  }).then(null, function () { say("failed"); });
}(window, document));
