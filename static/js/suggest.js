// "Suggest from the ticket": paste the customer's message, see the macros and articles that answer
// it and the words that matched. Without this script the form posts to the server instead.

import { Burst } from "./burst.js";
import { postJSON, rememberTicket, rememberedTicket } from "./macro.js";
import { t } from "./strings.js";

const SEPARATOR = "::";
const form = document.querySelector("[data-suggest-form]");
const output = document.querySelector("[data-suggest-results]");

function badge(text, extra) {
  const span = document.createElement("span");
  span.className = `badge${extra ? ` ${extra}` : ""}`;
  span.textContent = text;
  return span;
}

function suggestionRow(result) {
  const isMacro = result.type === "macro";
  const parts = isMacro ? result.title.split(SEPARATOR).map((p) => p.trim()).filter(Boolean) : [result.title];
  const name = parts.pop() || result.title;
  const row = document.createElement("li");
  Object.assign(row.dataset, { kind: result.type, id: String(result.id) });
  const link = document.createElement("a");
  link.href = isMacro ? `${form.dataset.macroBase}/${result.id}` : result.url;
  link.textContent = name;
  row.append(link, " ");
  if (!isMacro) row.append(badge(t("suggest.article")), " ");
  if (!isMacro && result.internal) row.append(badge(t("suggest.internal"), "badge-internal"), " ");
  if (result.personal) row.append(badge(t("suggest.personal"), "badge-personal"), " ");
  if (parts.length) {
    const crumbs = document.createElement("span");
    crumbs.className = "crumbs";
    crumbs.textContent = parts.join(" › ");
    row.append(crumbs, " ");
  }
  const matched = document.createElement("span");
  matched.className = "matched";
  matched.append(`${t("suggest.matched")} `);
  (result.matched || []).forEach((word, i) => {
    const mark = document.createElement("mark");
    mark.textContent = word;
    matched.append(mark, i < result.matched.length - 1 ? ", " : "");
  });
  row.append(matched);
  return row;
}

function message(text) {
  const p = document.createElement("p");
  p.className = "empty";
  p.textContent = text;
  output.replaceChildren(p);
}

function initSuggest() {
  const textarea = form.querySelector("textarea[name=text]");
  let sequence = 0;
  const burst = new Burst();

  async function suggest() {
    const text = textarea.value.trim();
    rememberTicket(text); // copies in this tab now go with this ticket (see macro.js)
    if (!text) {
      message(t("suggest.paste"));
      return;
    }
    const mine = ++sequence;
    output.setAttribute("aria-busy", "true");
    try {
      // The customer's language chosen in the library's search form, when there is a choice.
      const locale = document.querySelector("[data-customer-locale]")?.value;
      const body = await postJSON(form.dataset.api,
        { text: text.slice(0, 20000), limit: 8, burst: burst.id(), ...(locale ? { locale } : {}) });
      if (mine !== sequence) return;
      if (!body.results.length) {
        message(t("suggest.no_match"));
        return;
      }
      const list = document.createElement("ol");
      list.className = "suggestions";
      list.append(...body.results.map(suggestionRow));
      output.replaceChildren(list);
    } catch (error) {
      if (mine === sequence) message(t("suggest.failed", { reason: error.message }));
    } finally {
      if (mine === sequence) output.removeAttribute("aria-busy");
    }
  }

  // The box shows the ticket copies are recorded for; emptying it stops that.
  if (!textarea.value.trim() && rememberedTicket()) textarea.value = rememberedTicket();
  textarea.addEventListener("input", () => {
    if (!textarea.value.trim()) rememberTicket("");
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    suggest();
  });
  // Pasting is the usual way a message arrives: suggest at once.
  textarea.addEventListener("paste", () => setTimeout(suggest, 0));
  form.dataset.ready = "true";
}

if (form && output) initSuggest();
