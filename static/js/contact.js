// Contact support: as the person types a subject and description, the articles that may answer
// it appear beside the form (POST /api/v1/contact/suggest, public articles only). The first
// keystroke sends a "start" beacon for the deflection numbers; the links go through the tracked
// /contact/open/... redirect. Without this script the "Show answers first" button does the same
// on the server, and the form posts as it is.

import { plural, t } from "./strings.js";

const form = document.querySelector("[data-contact-form]");
const WAIT_MS = 400;

function csrfToken() {
  return form.querySelector("input[name=csrf_token]").value;
}

function post(url, body) {
  return fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
  });
}

function init() {
  const list = document.querySelector("[data-contact-suggestions]");
  const status = document.querySelector("[data-contact-status]");
  const field = (name) => form.querySelector(`[name=${name}]`);
  const session = field("form_session").value;
  let started = false;
  let timer = null;
  let sequence = 0;
  let lastText = "";

  function show(results) {
    const rows = results.map((result) => {
      const row = document.createElement("li");
      const link = document.createElement("a");
      link.href = result.open_url || result.url;
      link.textContent = result.title;
      link.dataset.contactSuggestion = "";
      row.append(link);
      return row;
    });
    list.replaceChildren(...rows);
    status.textContent = rows.length ? plural("contact.matches", rows.length) : t("contact.no_match");
  }

  async function suggest() {
    const subject = field("subject").value;
    const description = field("description").value;
    const text = `${subject}\n${description}`.trim();
    if (text === lastText) return;
    lastText = text;
    if (text.length < 3) return;
    const mine = ++sequence;
    try {
      const response = await post(form.dataset.suggestUrl,
        { subject, description, form_session: session, topic: field("topic").value,
          ...(form.dataset.locale ? { locale: form.dataset.locale } : {}) });
      if (!response.ok || mine !== sequence) return;
      show((await response.json()).results || []);
    } catch (error) {
      // Suggestions are a help, not a requirement: the form still sends.
    }
  }

  function typed() {
    if (!started) {
      started = true;
      post(form.dataset.startUrl, { form_session: session, topic: field("topic").value }).catch(() => {});
    }
    clearTimeout(timer);
    timer = setTimeout(suggest, WAIT_MS);
  }

  for (const name of ["subject", "description"]) field(name).addEventListener("input", typed);
  form.dataset.contactReady = "true";
}

if (form) init();
