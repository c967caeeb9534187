// The macro library: search as you type, move with the arrow keys, open with Enter, copy with "c".
// Without this script the page still works: a server-rendered list and a GET search form.

import { Burst } from "./burst.js";
import { plural, t } from "./strings.js";
import {
  MissingPlaceholders, copyLink, copyRendered, isTyping, postJSON, rememberedValues, ticketExtra,
} from "./macro.js";

const burst = new Burst();

const TYPING_DELAY_MS = 30;
const SEPARATOR = "::";

const form = document.querySelector("[data-library-search]");
const input = form && form.querySelector("input[name=q]");
const typeSelect = form && form.querySelector("select[name=type]");
// The customer's language (only when the help center has several): kept for this tab's
// session, so every search and suggestion after the choice is in that language.
const localeSelect = form && form.querySelector("select[name=locale]");
const LOCALE_KEY = "kb.customerLocale";
const list = document.querySelector("[data-results]");
const status = document.querySelector("[data-result-status]");
const copyStatus = document.querySelector("[data-copy-status]");
const didYouMean = document.querySelector("[data-did-you-mean]");

function makeBadge(text, extra) {
  const badge = document.createElement("span");
  badge.className = `badge${extra ? ` ${extra}` : ""}`;
  badge.textContent = text;
  return badge;
}

/** One result row, the same markup the server renders (text via textContent; the snippet is
 * escaped HTML from the server with only <mark> in it). */
function option(result, macroBase) {
  const isMacro = result.type === "macro";
  const parts = isMacro ? result.title.split(SEPARATOR).map((p) => p.trim()).filter(Boolean) : [result.title];
  const name = parts.pop() || result.title;
  const url = isMacro ? `${macroBase}/${result.id}` : result.url;
  const item = document.createElement("li");
  Object.assign(item, { id: `opt-${result.type}-${result.id}`, className: "lib-item" });
  item.setAttribute("role", "option");
  item.setAttribute("aria-selected", "false");
  // Opening goes through the search's click address when it has one, so insights count the
  // click for this search and rank; ``url`` stays the result's own address (copied links).
  const opens = result.click_url || url;
  Object.assign(item.dataset, { kind: result.type, id: String(result.id), url, open: opens });
  const link = document.createElement("a");
  link.href = opens;
  link.tabIndex = -1;
  const label = document.createElement("span");
  label.className = "lib-name";
  label.textContent = name;
  link.append(label);
  item.append(link, " ");
  if (parts.length) {
    const crumbs = document.createElement("span");
    crumbs.className = "crumbs";
    crumbs.textContent = parts.join(" › ");
    item.append(crumbs, " ");
  }
  if (!isMacro) item.append(makeBadge(t("library.article")), " ");
  if (!isMacro && result.internal) item.append(makeBadge(t("library.internal"), "badge-internal"), " ");
  if (result.personal) item.append(makeBadge(t("library.personal"), "badge-personal"), " ");
  const snippet = document.createElement("span");
  snippet.className = "lib-summary snippet";
  snippet.innerHTML = result.snippet;
  item.append(snippet);
  return item;
}

function initLibrary() {
  const browseRows = [...list.children];
  const browseStatus = status.textContent;
  const renderTemplate = form.dataset.renderApi;
  let selected = -1;
  let sequence = 0;
  let controller = null;
  let timer = null;

  const options = () => [...list.querySelectorAll("[role=option]")];

  function select(index) {
    const all = options();
    if (!all.length) {
      selected = -1;
      input.removeAttribute("aria-activedescendant");
      return;
    }
    selected = Math.max(0, Math.min(index, all.length - 1));
    all.forEach((row, i) => row.setAttribute("aria-selected", i === selected ? "true" : "false"));
    input.setAttribute("aria-activedescendant", all[selected].id);
    all[selected].scrollIntoView({ block: "nearest" });
  }

  /** Where a search for ``query`` leads on this page (same category, tag and type). */
  function searchUrl(query) {
    const params = new URLSearchParams({ q: query });
    if (form.dataset.category) params.set("category", form.dataset.category);
    if (form.dataset.tag) params.set("tag", form.dataset.tag);
    if (typeSelect.value) params.set("type", typeSelect.value);
    if (localeSelect && localeSelect.value) params.set("locale", localeSelect.value);
    return `${form.action}?${params}`;
  }

  function link(text, href, marker) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    if (marker) a.setAttribute(marker, "");
    return a;
  }

  /** The corrected query above the results ("Did you mean refund?"), or nothing. */
  function showSuggestion(suggestion, found) {
    if (!didYouMean) return;
    didYouMean.hidden = !(suggestion && found);
    const a = didYouMean.querySelector("[data-suggestion]");
    if (a && suggestion) Object.assign(a, { textContent: suggestion, href: searchUrl(suggestion) });
  }

  /** Up to three help-center articles for a macro search that found nothing (the server page
   * lists the same ones); added to the empty state unless a newer search replaced it. */
  async function offerArticles(box, query, mine) {
    const params = new URLSearchParams({ q: query, type: "article", limit: "3" });
    if (localeSelect && localeSelect.value) params.set("locale", localeSelect.value);
    try {
      const response = await fetch(`${form.dataset.api}?${params}`, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      const body = await response.json();
      if (mine !== sequence || !response.ok || !body.results.length || !box.isConnected) return;
      const intro = document.createElement("p");
      intro.textContent = t("library.articles_match");
      const articles = document.createElement("ul");
      articles.className = "no-results-articles";
      articles.setAttribute("data-empty-articles", "");
      articles.append(...body.results.map((r) => {
        const item = document.createElement("li");
        item.append(link(r.title, r.url));
        return item;
      }));
      box.lastElementChild.before(intro, articles);
    } catch (error) {
      // the offer is a convenience: the empty state stands without it
    }
  }

  /** The no-results state, as the server renders it: the corrected query, matching
   * help-center articles and a way to write the missing answer as a personal macro. */
  function emptyState(query, suggestion) {
    const box = document.createElement("div");
    box.className = "empty no-results";
    box.setAttribute("data-empty", "");
    const line = document.createElement("p");
    line.textContent = t("library.nothing_matches", { query });
    box.append(line);
    if (suggestion) {
      const offer = document.createElement("p");
      offer.append(`${t("library.search_for")} `, link(suggestion, searchUrl(suggestion), "data-suggestion"),
      ` ${t("library.instead")}`);
      box.append(offer);
    }
    const create = document.createElement("p");
    create.append(link(t("library.create_personal"), form.dataset.newMacro, "data-create-macro"),
      ` ${t("library.for_this_answer")}`);
    box.append(create);
    return box;
  }

  function show(rows, message, query = "", suggestion = null) {
    list.replaceChildren(...rows);
    status.textContent = message;
    document.querySelectorAll("[data-empty]").forEach((old) => old.remove());
    if (!rows.length && query) {
      const box = emptyState(query, suggestion);
      list.after(box);
      if (form.dataset.category || typeSelect.value === "macro") offerArticles(box, suggestion || query, sequence);
    }
    showSuggestion(suggestion, rows.length > 0);
    select(0);
  }

  async function search() {
    const query = input.value.trim();
    const mine = ++sequence;
    if (controller) controller.abort();
    if (!query) {
      burst.end();
      show(browseRows, browseStatus);
      return;
    }
    controller = new AbortController();
    const category = form.dataset.category;
    const kind = category ? "macro" : typeSelect.value;
    const params = new URLSearchParams({ q: input.value, prefix: "true", limit: "20", burst: burst.id() });
    if (kind) params.set("type", kind);
    if (category) params.set("category", category); // filtered by the server, at any depth
    if (form.dataset.tag) params.set("tag", form.dataset.tag);
    if (localeSelect && localeSelect.value) params.set("locale", localeSelect.value);
    try {
      const response = await fetch(`${form.dataset.api}?${params}`, {
        credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller.signal,
      });
      const body = await response.json();
      if (mine !== sequence) return; // an answer to an older keystroke: ignore it
      if (!response.ok) {
        status.textContent = body.error ? body.error.message : t("library.search_failed");
        return;
      }
      const rows = body.results.map((r) => option(r, form.dataset.macroBase));
      show(rows, plural("library.results", rows.length, { query }), query, body.suggestion);
    } catch (error) {
      if (error.name !== "AbortError" && mine === sequence) status.textContent = t("library.not_answering");
    }
  }

  function open() {
    const row = options()[selected];
    burst.end();
    if (row) location.href = row.dataset.open || row.dataset.url;
    return !!row;
  }

  /** A copied result counts as a click on it, as opening it would (the request records it;
   * its redirect is not followed). */
  function countClick(row) {
    if (!row.dataset.open || row.dataset.open === row.dataset.url) return;
    fetch(row.dataset.open, { credentials: "same-origin", redirect: "manual" }).catch(() => {});
  }

  async function copySelected() {
    const row = options()[selected];
    if (!row) return;
    const name = row.querySelector(".lib-name").textContent;
    copyStatus.textContent = t("macro.copying");
    countClick(row);
    try {
      if (row.dataset.kind === "macro") {
        const url = renderTemplate.replace("/0/", `/${row.dataset.id}/`);
        await copyRendered(url, rememberedValues(), "text", postJSON, ticketExtra());
        copyStatus.textContent = t("library.copied", { name });
      } else {
        await copyLink(row.dataset.url);
        copyStatus.textContent = t("library.copied_link", { name });
      }
    } catch (error) {
      copyStatus.textContent = error instanceof MissingPlaceholders
        ? t("library.not_copied", { name, names: error.missing.join(", ") })
        : t("macro.copy_failed", { reason: error.message });
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, TYPING_DELAY_MS);
  });
  typeSelect.addEventListener("change", search);
  if (localeSelect) {
    const chosen = new URLSearchParams(location.search).get("locale");
    const remembered = sessionStorage.getItem(LOCALE_KEY);
    const known = [...localeSelect.options].some((o) => o.value === remembered);
    if (chosen === null && remembered !== null && known && remembered !== localeSelect.value) {
      localeSelect.value = remembered; // the page came without a choice: this session's
      if (input.value.trim()) search();
    }
    const keep = () => {
      sessionStorage.setItem(LOCALE_KEY, localeSelect.value);
      const hidden = document.querySelector("[data-suggest-locale]");
      if (hidden) hidden.value = localeSelect.value;
    };
    keep();
    localeSelect.addEventListener("change", () => {
      keep();
      search();
    });
  }
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!open()) search();
  });
  list.addEventListener("click", (event) => {
    const row = event.target.closest("[role=option]");
    if (row && !event.target.closest("a")) select(options().indexOf(row));
  });

  document.addEventListener("keydown", (event) => {
    const inSearch = document.activeElement === input;
    if (!inSearch && isTyping(document.activeElement)) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      select(selected + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      copySelected();
    } else if (event.key === "Enter" && !inSearch && !event.target.closest("a, button")) {
      event.preventDefault();
      open();
    } else if (event.key === "c" && !inSearch && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      copySelected();
    } else if (event.key === "Escape" && inSearch && input.value) {
      input.value = "";
      search();
    }
  });

  select(0);
  form.dataset.ready = "true";
}

if (form && input && list) initLibrary();
