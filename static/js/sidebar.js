// The ticket sidebar: suggestions for the ticket's text, a macro search, the fill-in form, and
// "Insert into ticket" through the host (static/js/host.js), or a copy when there is no host.

import { MissingPlaceholders, absoluteHTML, checkedRender, copyRendered, rememberedValues } from "./macro.js";
import { connectHost } from "./host.js";
import { t } from "./strings.js";

const SEPARATOR = "::";
const SEARCH_DELAY_MS = 150;
const PREVIEW_DELAY_MS = 150;
const MAX_TICKET = 20000;

const root = document.querySelector("[data-sidebar]");
const $ = (selector) => root.querySelector(selector);

function note(container, text) {
  const p = document.createElement("p");
  p.className = "empty";
  p.textContent = text;
  container.replaceChildren(p);
}

function macroName(title) {
  const parts = title.split(SEPARATOR).map((p) => p.trim()).filter(Boolean);
  return parts.pop() || title;
}

async function init() {
  const apiBase = root.dataset.api;
  let origins = [];
  try {
    origins = JSON.parse(root.dataset.origins || "[]");
  } catch {
    origins = [];
  }
  const host = await connectHost(origins, apiBase);
  const status = $("[data-sidebar-status]");
  const suggestions = $("[data-sidebar-suggestions]");
  const results = $("[data-sidebar-results]");
  const fill = $("[data-sidebar-fill]");
  const fillForm = $("[data-sidebar-fill-form]");
  const preview = $("[data-sidebar-preview]");
  const missing = $("[data-sidebar-missing]");
  const insertStatus = $("[data-sidebar-insert-status]");
  const ticketForm = $("[data-sidebar-ticket]");
  let ticketText = "";
  let current = null; // {id, title}
  let previewSequence = 0;

  const post = (url, body) => host.api("POST", url.slice(apiBase.length), body);
  const renderUrl = (id) => `${apiBase}/macros/${id}/render`;
  const values = () => {
    const found = {};
    for (const input of fillForm.querySelectorAll("[data-placeholder]")) {
      if (input.value.trim()) found[input.dataset.placeholder] = input.value;
    }
    return found;
  };

  function row(result) {
    const item = document.createElement("li");
    Object.assign(item.dataset, { kind: result.type, id: String(result.id) });
    if (result.type === "macro") {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = macroName(result.title);
      button.addEventListener("click", () => openMacro(result.id, result.title));
      item.append(button);
    } else {
      const link = document.createElement("a");
      link.href = result.url;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = result.title;
      item.append(link, ` (${t("sidebar.article")})`);
    }
    return item;
  }

  function list(container, found, empty) {
    if (!found.length) {
      note(container, empty);
      return;
    }
    const ol = document.createElement("ol");
    ol.append(...found.map(row));
    container.replaceChildren(ol);
  }

  // The customer's language (when the help center has several), kept for this tab's session:
  // suggestions and the macro search answer in it, or in the default language.
  const localeSelect = $("[data-customer-locale]");
  const LOCALE_KEY = "kb.customerLocale";
  const withLocale = (values) => (localeSelect && localeSelect.value ? { ...values, locale: localeSelect.value } : values);
  if (localeSelect) {
    const remembered = sessionStorage.getItem(LOCALE_KEY);
    if ([...localeSelect.options].some((o) => o.value === remembered)) localeSelect.value = remembered;
    localeSelect.addEventListener("change", () => {
      sessionStorage.setItem(LOCALE_KEY, localeSelect.value);
      if (ticketText) suggest(ticketText);
      $("#sidebar-q").dispatchEvent(new Event("input"));
    });
  }

  async function suggest(text) {
    ticketText = text.trim().slice(0, MAX_TICKET);
    if (!ticketText) {
      note(suggestions, t("sidebar.no_text"));
      return;
    }
    suggestions.setAttribute("aria-busy", "true");
    try {
      const body = await host.api("POST", "/suggest", withLocale({ text: ticketText, limit: 6 }));
      list(suggestions, body.results, t("sidebar.no_match"));
    } catch (error) {
      note(suggestions, t("sidebar.suggestions_failed", { reason: error.message }));
    } finally {
      suggestions.removeAttribute("aria-busy");
    }
  }

  let searchTimer = null;
  let searchSequence = 0;
  $("[data-sidebar-search]").addEventListener("submit", (event) => event.preventDefault());
  $("#sidebar-q").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    const q = event.target.value.trim();
    searchTimer = setTimeout(async () => {
      const mine = ++searchSequence;
      if (!q) {
        results.replaceChildren();
        return;
      }
      try {
        const params = new URLSearchParams(withLocale({ q, type: "macro", limit: "8" }));
        const body = await host.api("GET", `/search?${params}`);
        if (mine === searchSequence) list(results, body.results, t("sidebar.no_macro"));
      } catch (error) {
        if (mine === searchSequence) note(results, t("sidebar.search_failed", { reason: error.message }));
      }
    }, SEARCH_DELAY_MS);
  });

  function showPreview(result) {
    preview.textContent = result.text;
    missing.textContent = result.missing.length ? t("sidebar.still_to_fill", { names: result.missing.join(", ") }) : "";
  }

  async function refreshPreview() {
    const mine = ++previewSequence;
    try {
      const result = await post(`${apiBase}/macros/${current.id}/preview`, { values: values() });
      if (mine === previewSequence) showPreview(result);
    } catch (error) {
      if (mine === previewSequence) insertStatus.textContent = t("sidebar.preview_failed", { reason: error.message });
    }
  }

  async function openMacro(id, title) {
    current = { id, title };
    insertStatus.textContent = "";
    $("[data-sidebar-macro-title]").textContent = macroName(title);
    fillForm.replaceChildren();
    fill.hidden = false;
    let first;
    try {
      first = await post(`${apiBase}/macros/${id}/preview`, { values: {} });
    } catch (error) {
      insertStatus.textContent = t("sidebar.open_failed", { reason: error.message });
      return;
    }
    const remembered = rememberedValues();
    for (const name of first.missing) {
      const label = document.createElement("label");
      label.textContent = name;
      const input = document.createElement("input");
      input.dataset.placeholder = name;
      input.name = name;
      if (typeof remembered[name] === "string") input.value = remembered[name];
      let timer = null;
      input.addEventListener("input", () => {
        clearTimeout(timer);
        timer = setTimeout(refreshPreview, PREVIEW_DELAY_MS);
      });
      label.append(input);
      fillForm.append(label);
    }
    showPreview(first);
    if (Object.keys(values()).length) refreshPreview();
    fill.dataset.macroId = String(id);
    const field = fillForm.querySelector("input");
    if (field) field.focus();
  }

  function failed(error) {
    insertStatus.textContent = error instanceof MissingPlaceholders
      ? t("sidebar.not_inserted", { names: error.missing.join(", ") })
      : t("sidebar.failed", { reason: error.message });
  }

  $("[data-sidebar-insert]").addEventListener("click", async () => {
    if (!current) return;
    insertStatus.textContent = "";
    try {
      const result = await checkedRender(renderUrl(current.id), values(), post, { ticket: ticketText });
      const how = await host.insert(result.text, absoluteHTML(result.html));
      insertStatus.textContent = how === "copied" ? t("sidebar.copied_paste") : t("sidebar.inserted");
    } catch (error) {
      failed(error);
    }
  });

  $("[data-sidebar-copy]").addEventListener("click", async () => {
    if (!current) return;
    insertStatus.textContent = "";
    try {
      await copyRendered(renderUrl(current.id), values(), "text", post, { ticket: ticketText });
      insertStatus.textContent = t("sidebar.copied");
    } catch (error) {
      failed(error);
    }
  });

  if (host.name) {
    status.textContent = t("sidebar.connected", { host: host.name });
    host.onTicket((ticket) => suggest(ticket.description || ""));
    await suggest((host.ticket && host.ticket.description) || "");
  } else {
    status.textContent = t("sidebar.no_host");
    ticketForm.hidden = false;
    note(suggestions, t("sidebar.paste"));
    ticketForm.addEventListener("submit", (event) => {
      event.preventDefault();
      suggest(ticketForm.elements.text.value);
    });
  }
  root.dataset.ready = "true";
}

if (root) init();
