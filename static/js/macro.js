// A macro's page: fill its placeholders, watch the live preview, copy the reply into a ticket.
// Also exports the helpers the library page shares (values kept for the session, copying).

import { plural, t } from "./strings.js";

const STORAGE_KEY = "kb.macro.values";
const TICKET_KEY = "kb.macro.ticket";
const MAX_TICKET = 20000;
const PREVIEW_DELAY_MS = 120;

export const isTyping = (el) =>
  !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** Placeholder values typed during this browser tab's session, shared by every macro. */
export function rememberedValues() {
  try {
    const stored = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "{}");
    return stored && typeof stored === "object" ? stored : {};
  } catch {
    return {};
  }
}

function remember(name, value) {
  const values = rememberedValues();
  if (value.trim()) values[name] = value;
  else delete values[name];
  try {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(values));
  } catch {
    // Storage full or disabled: the form still works, it just forgets.
  }
}

/** The customer's message pasted into the library's suggestion box in this tab: copies made
 * while it is there send it along, as the ticket sidebar does, so the use teaches suggest. */
export function rememberedTicket() {
  try {
    return sessionStorage.getItem(TICKET_KEY) || "";
  } catch {
    return "";
  }
}

export function rememberTicket(text) {
  try {
    if (text.trim()) sessionStorage.setItem(TICKET_KEY, text.trim().slice(0, MAX_TICKET));
    else sessionStorage.removeItem(TICKET_KEY);
  } catch {
    // Storage disabled: uses are still counted, only without the ticket's terms.
  }
}

/** The render request's extra fields for the remembered ticket, if there is one. */
export const ticketExtra = () => (rememberedTicket() ? { ticket: rememberedTicket() } : {});

export async function postJSON(url, body, signal) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
    body: JSON.stringify(body),
    signal,
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error((data.error && data.error.message) || t("macro.server_answered", { status: response.status }));
  }
  return data;
}

/** A copy refused because the reply still has placeholders with no value and no default. */
export class MissingPlaceholders extends Error {
  constructor(names) {
    super(t("macro.not_copied", { names: names.join(", ") }));
    this.name = "MissingPlaceholders";
    this.missing = names;
  }
}

/** Links in a macro are site-relative; a customer reading the reply needs the full address
 * (the server's plain text already has full addresses). */
export function absoluteHTML(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  for (const link of template.content.querySelectorAll("a[href^='/']")) {
    link.setAttribute("href", new URL(link.getAttribute("href"), location.origin).href);
  }
  return template.innerHTML;
}

/**
 * Preview first (which counts no use) and refuse with MissingPlaceholders while a placeholder has
 * no value and no default; otherwise render, which counts one use. ``post`` sends the JSON (the
 * ticket sidebar sends it with the agent's token instead of the session cookie); ``extra`` goes
 * into the render request only (the ticket's text, for past uses).
 */
export function checkedRender(renderUrl, values, post = postJSON, extra = {}) {
  const previewUrl = renderUrl.replace(/\/render$/, "/preview");
  return post(previewUrl, { values }).then((checked) => {
    if (checked.missing.length) throw new MissingPlaceholders(checked.missing);
    return post(renderUrl, { values, ...extra });
  });
}

/**
 * Render (which counts one use) and put the result on the clipboard, as plain text or as rich
 * text with a plain-text alternative. The ClipboardItem gets promises, so the write starts inside
 * the key press or click even though the text is still on its way (Safari insists on that).
 *
 * A reply with unfilled placeholders is never copied: a preview (which counts no use) checks
 * first, and the promise rejects with MissingPlaceholders before anything reaches the clipboard.
 */
export async function copyRendered(renderUrl, values, format, post = postJSON, extra = {}) {
  const rendered = checkedRender(renderUrl, values, post, extra);
  rendered.catch(() => {});
  const blob = (type, pick) => rendered.then((r) => new Blob([pick(r)], { type }));
  const plain = (r) => r.text;
  if (window.ClipboardItem && navigator.clipboard && navigator.clipboard.write) {
    const parts = { "text/plain": blob("text/plain", plain) };
    if (format === "html") parts["text/html"] = blob("text/html", (r) => absoluteHTML(r.html));
    try {
      await navigator.clipboard.write([new ClipboardItem(parts)]);
      return await rendered;
    } catch (error) {
      await rendered; // a refusal or a failed render is the real error; otherwise plain text
    }
  }
  const result = await rendered;
  await navigator.clipboard.writeText(plain(result));
  return result;
}

export function copyLink(url) {
  return navigator.clipboard.writeText(new URL(url, location.origin).href);
}

function initMacroPage(root) {
  const form = root.querySelector("[data-placeholder-form]");
  const inputs = form ? [...form.querySelectorAll("[data-placeholder]")] : [];
  const preview = root.querySelector("[data-preview]");
  const previewText = root.querySelector("[data-preview-text]");
  const missing = root.querySelector("[data-missing]");
  const status = root.querySelector("[data-copy-status]");
  const useCount = root.querySelector("[data-use-count]");
  const buttons = [...root.querySelectorAll("[data-copy]")];
  let sequence = 0;
  let controller = null;
  let timer = null;

  const values = () => {
    const found = {};
    for (const input of inputs) if (input.value.trim()) found[input.dataset.placeholder] = input.value;
    return found;
  };

  const showMissing = (names) => {
    missing.replaceChildren();
    if (!names.length) return;
    const line = document.createElement("p");
    line.append(`${t("macro.still_to_fill")} `);
    names.forEach((name, i) => {
      const code = document.createElement("code");
      code.textContent = name;
      line.append(code, i < names.length - 1 ? ", " : "");
    });
    missing.append(line);
  };

  async function refresh() {
    const mine = ++sequence;
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const result = await postJSON(root.dataset.previewApi, { values: values() }, controller.signal);
      if (mine !== sequence) return; // a newer keystroke's answer is coming
      preview.innerHTML = result.html; // sanitised by the server, values escaped
      previewText.textContent = result.text;
      showMissing(result.missing);
    } catch (error) {
      if (error.name !== "AbortError" && mine === sequence) status.textContent = t("macro.preview_failed", { reason: error.message });
    }
  }

  async function copy(format) {
    status.textContent = t("macro.copying");
    try {
      const result = await copyRendered(root.dataset.renderApi, values(), format, postJSON, ticketExtra());
      if (useCount && Number.isInteger(result.use_count)) {
        useCount.textContent = String(result.use_count);
        const label = root.querySelector("[data-use-label]");
        if (label) label.textContent = plural("macro.times", result.use_count);
      }
      status.textContent = t(format === "html" ? "macro.copied_rich" : "macro.copied_text");
    } catch (error) {
      if (error instanceof MissingPlaceholders) {
        showMissing(error.missing);
        status.textContent = error.message;
      } else {
        status.textContent = t("macro.copy_failed", { reason: error.message });
      }
    }
  }

  const stored = rememberedValues();
  let restored = false;
  for (const input of inputs) {
    if (!input.value && stored[input.dataset.placeholder]) {
      input.value = stored[input.dataset.placeholder];
      restored = true;
    }
    input.addEventListener("input", () => {
      remember(input.dataset.placeholder, input.value);
      clearTimeout(timer);
      timer = setTimeout(refresh, PREVIEW_DELAY_MS);
    });
  }
  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      refresh();
    });
    const noJsButton = form.querySelector("[data-no-js-preview]");
    if (noJsButton) noJsButton.hidden = true;
  }
  for (const button of buttons) {
    button.disabled = false;
    button.addEventListener("click", () => copy(button.dataset.copy));
  }
  if (restored) refresh();
  const ticketNote = root.querySelector("[data-ticket-note]");
  if (ticketNote && rememberedTicket()) {
    ticketNote.hidden = false;
    ticketNote.querySelector("[data-forget-ticket]").addEventListener("click", () => {
      rememberTicket("");
      ticketNote.hidden = true;
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      copy(event.shiftKey ? "html" : "text");
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(document.activeElement)) {
      if (event.key === "Escape") document.activeElement.blur();
      return;
    }
    if (event.key === "c") {
      event.preventDefault();
      copy("text");
    } else if (event.key === "r") {
      event.preventDefault();
      copy("html");
    } else if (event.key === "f" && inputs.length) {
      event.preventDefault();
      (inputs.find((input) => !input.value.trim()) || inputs[0]).focus();
    } else if (event.key === "Escape") {
      const back = document.querySelector(".breadcrumbs a");
      if (back) location.href = back.href;
    }
  });
  root.dataset.ready = "true";
}

const page = document.querySelector("[data-macro-page]");
if (page) initMacroPage(page);

// Forms that destroy something ask first (the server needs no second step).
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
