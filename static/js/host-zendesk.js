// The Zendesk bridge for kb's ticket sidebar. `kb sidebar-app zendesk DIR` copies this script into
// the app's assets/iframe.html, which Zendesk shows in the ticket sidebar with its Apps framework
// (ZAF) SDK. It frames kb's /sidebar page and speaks the sidebar's postMessage protocol
// (static/js/host.js) for it:
//   - the ticket's subject and description come from client.get(...);
//   - API calls go through client.request with secure: true, so Zendesk's proxy adds the agent's
//     token from the app's secure setting ({{setting.api_token}}): the token never reaches a browser;
//   - "insert" appends the reply to the ticket's comment with client.invoke("ticket.comment.appendText").
(function () {
  "use strict";
  var frame = document.getElementById("kb-sidebar");
  var client = window.ZAFClient && window.ZAFClient.init();
  if (!frame || !client) return;
  // The app's kb_url setting wins over the address the package was written with.
  var kbUrl = frame.getAttribute("data-kb-url").replace(/\/+$/, "");
  var kbOrigin = new URL(kbUrl).origin;

  function send(message) {
    frame.contentWindow.postMessage(message, kbOrigin);
  }

  function ticket() {
    return client.get(["ticket.subject", "ticket.description"]).then(function (data) {
      return { subject: data["ticket.subject"] || "", description: data["ticket.description"] || "" };
    });
  }

  function request(message) {
    var options = {
      url: kbUrl + "/api/v1" + message.path,
      type: message.method,
      headers: { Authorization: "Bearer {{setting.api_token}}", Accept: "application/json" },
      secure: true,
      httpCompleteResponse: true,
    };
    if (message.body !== undefined) {
      options.contentType = "application/json";
      options.data = JSON.stringify(message.body);
    }
    function reply(response) {
      var body = response.responseJSON;
      if (body === undefined) {
        try { body = JSON.parse(response.responseText || "{}"); } catch (e) { body = {}; }
      }
      send({ type: "kb:response", id: message.id, status: response.status || 0, body: body });
    }
    client.request(options).then(reply, reply);
  }

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== kbOrigin) return;
    var message = event.data || {};
    if (message.type === "kb:ready") {
      ticket().then(function (t) { send({ type: "kb:init", host: "Zendesk", proxy: true, ticket: t }); });
    } else if (message.type === "kb:request") {
      request(message);
    } else if (message.type === "kb:insert") {
      client.invoke("ticket.comment.appendText", message.text).then(function () {
        send({ type: "kb:inserted", id: message.id, ok: true });
      }, function (error) {
        send({ type: "kb:inserted", id: message.id, ok: false, error: String((error && error.message) || error) });
      });
    }
  });

  client.on("ticket.description.changed", function () {
    ticket().then(function (t) { send({ type: "kb:ticket", ticket: t }); });
  });
  client.invoke("resize", { width: "100%", height: "640px" });
  client.metadata().then(function (metadata) {
    var configured = metadata && metadata.settings && metadata.settings.kb_url;
    if (configured) {
      kbUrl = String(configured).replace(/\/+$/, "");
      kbOrigin = new URL(kbUrl).origin;
    }
    frame.src = kbUrl + "/sidebar";
  }, function () {
    frame.src = kbUrl + "/sidebar";
  });
})();
