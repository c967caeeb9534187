// The ticket sidebar's link to the ticketing tool that frames it. Every host is reached the same
// way: the generic postMessage adapter below. A host that has an app SDK (Zendesk's ZAF) runs a
// small bridge in its own app frame that speaks these messages for it (static/js/host-zendesk.js).
// Outside any host the sidebar still works: it signs in with the session cookie, the agent pastes
// the message, and "insert" copies to the clipboard instead.
//
// Messages (docs/sidebar.md has the full description):
//   sidebar -> host  {type: "kb:ready", version: 1}
//   host -> sidebar  {type: "kb:init", host?: "Zendesk", token?: "...", proxy?: true,
//                     ticket: {subject?, description}}
//   host -> sidebar  {type: "kb:ticket", ticket: {subject?, description}}
//   sidebar -> host  {type: "kb:insert", id, text, html}   host -> sidebar {type: "kb:inserted", id, ok, error?}
//   sidebar -> host  {type: "kb:request", id, method, path, body}   (only when the host said proxy)
//   host -> sidebar  {type: "kb:response", id, status, body}

import { postJSON } from "./macro.js";
import { t } from "./strings.js";

const HANDSHAKE_MS = 3000;

async function answer(response) {
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error((data.error && data.error.message) || t("macro.server_answered", { status: response.status }));
  return data;
}

/** Calls the JSON API with the agent's token as a Bearer header: no cookie is sent, none needed. */
function tokenTransport(apiBase, token) {
  return (method, path, body) => fetch(apiBase + path, {
    method,
    credentials: "omit",
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json",
               ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(answer);
}

/** The page opened on its own, in a signed-in tab: the session cookie and the CSRF token. */
function sessionTransport(apiBase) {
  return (method, path, body) => method === "GET"
    ? fetch(apiBase + path, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(answer)
    : postJSON(apiBase + path, body);
}

function standalone(apiBase) {
  return {
    name: null,
    ticket: null,
    onTicket() {},
    api: sessionTransport(apiBase),
    async insert(text) {
      await navigator.clipboard.writeText(text);
      return "copied";
    },
  };
}

/**
 * Wait for a host on one of ``origins`` to answer the handshake; resolve with the host, or with
 * the stand-alone fallback when the page is not framed or nobody answers in time.
 */
export function connectHost(origins, apiBase) {
  return new Promise((resolve) => {
    if (window.parent === window || !origins.length) {
      resolve(standalone(apiBase));
      return;
    }
    let hostOrigin = null;
    let sequence = 0;
    const pending = new Map();
    const ticketListeners = [];

    const call = (message) => new Promise((done, fail) => {
      const id = ++sequence;
      pending.set(id, { done, fail });
      window.parent.postMessage({ ...message, id }, hostOrigin);
    });

    function start(init) {
      hostOrigin = init.origin;
      const data = init.data;
      const api = data.proxy
        ? (method, path, body) => call({ type: "kb:request", method, path, body }).then((reply) => {
          if (reply.status >= 400 || !reply.status) {
            const error = reply.body && reply.body.error;
            throw new Error((error && error.message) || t("macro.server_answered", { status: reply.status }));
          }
          return reply.body;
        })
        : data.token ? tokenTransport(apiBase, String(data.token)) : sessionTransport(apiBase);
      resolve({
        name: typeof data.host === "string" ? data.host : t("sidebar.host_default"),
        ticket: data.ticket || null,
        onTicket: (listener) => ticketListeners.push(listener),
        api,
        async insert(text, html) {
          const reply = await call({ type: "kb:insert", text, html });
          if (!reply.ok) throw new Error(reply.error || t("sidebar.host_refused"));
          return "inserted";
        },
      });
    }

    window.addEventListener("message", (event) => {
      if (event.source !== window.parent || !origins.includes(event.origin)) return;
      const message = event.data || {};
      if (message.type === "kb:init" && hostOrigin === null) {
        start(event);
      } else if (event.origin !== hostOrigin) {
        return;
      } else if (message.type === "kb:ticket" && message.ticket) {
        ticketListeners.forEach((listener) => listener(message.ticket));
      } else if ((message.type === "kb:inserted" || message.type === "kb:response") && pending.has(message.id)) {
        pending.get(message.id).done(message);
        pending.delete(message.id);
      }
    });
    // A target origin that is not the parent's drops the message, so only the real host hears it.
    for (const origin of origins) window.parent.postMessage({ type: "kb:ready", version: 1 }, origin);
    setTimeout(() => { if (hostOrigin === null) { hostOrigin = ""; resolve(standalone(apiBase)); } }, HANDSHAKE_MS);
  });
}
