// Suggestions while typing in the public search box: the titles of matching articles, after two
// letters, as a WAI-ARIA 1.2 combobox (an input with role=combobox controlling a listbox).
// Up/Down move through the titles, Enter opens the chosen article (or searches when none is
// chosen), Escape closes the list (and clears the box when the list is already closed).
// Without this script the box is a plain search field that submits to /search.
// The requests of one run of typing carry a burst id, so insights count them as one search.

import { Burst } from "./burst.js";
import { plural, t } from "./strings.js";

const MIN_CHARACTERS = 2;
const DELAY_MS = 120;
let boxes = 0;

const letters = (text) => text.replace(/[^\p{L}\p{N}]+/gu, "");

function attach(input) {
  const url = input.dataset.typeahead;
  const burst = new Burst();
  const id = `typeahead-${++boxes}`;
  const list = document.createElement("ul");
  list.id = `${id}-list`;
  list.className = "typeahead-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", t("typeahead.label"));
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  // The list hangs under the box: both go in a wrapper that takes the box's place in the form.
  const wrapper = document.createElement("div");
  wrapper.className = "typeahead";
  input.before(wrapper);
  wrapper.append(input, list, status);

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  const cache = new Map();
  let items = [];
  let active = -1;
  let timer = 0;
  let sequence = 0;
  let controller = null;

  function options() {
    return Array.from(list.children);
  }

  function setActive(index) {
    active = index;
    options().forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
    if (active >= 0) {
      const option = options()[active];
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    setActive(-1);
  }

  function open() {
    if (!items.length) return;
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function show(results) {
    items = results;
    list.replaceChildren(...results.map((result, i) => {
      const option = document.createElement("li");
      option.id = `${id}-option-${i}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.className = result.pinned ? "typeahead-option pinned" : "typeahead-option";
      option.dataset.url = result.url;
      option.textContent = result.title;
      return option;
    }));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    status.textContent = results.length ? plural("typeahead.count", results.length) : "";
    if (results.length) open();
    else close();
  }

  async function fetchSuggestions(query) {
    if (cache.has(query)) return cache.get(query);
    if (controller) controller.abort();
    controller = new AbortController();
    const response = await fetch(`${url}?q=${encodeURIComponent(query)}&burst=${burst.id()}`, {
      headers: { Accept: "application/json" },
      signal: controller.signal,
    });
    if (!response.ok) throw new Error(`suggestions answered ${response.status}`);
    const body = await response.json();
    cache.set(query, body.results);
    return body.results;
  }

  async function update() {
    const query = input.value.trim();
    const mine = ++sequence;
    if (letters(query).length < MIN_CHARACTERS) {
      show([]);
      return;
    }
    try {
      const results = await fetchSuggestions(query);
      if (mine === sequence) show(results);
    } catch (error) {
      // A suggestion that fails (rate limit, network, aborted by the next keystroke) leaves
      // the search box working as a plain search box.
      if (mine === sequence && error.name !== "AbortError") show([]);
    }
  }

  function choose(index) {
    const item = items[index];
    if (!item) return;
    burst.end();
    window.location.assign(item.url);
  }

  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, DELAY_MS);
  });

  input.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const count = items.length;
    switch (event.key) {
      case "ArrowDown":
        if (!count) return;
        event.preventDefault();
        open();
        setActive(active + 1 >= count ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!count) return;
        event.preventDefault();
        open();
        setActive(active <= 0 ? count - 1 : active - 1);
        break;
      case "Enter":
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(active);
        }
        break;
      case "Escape":
        if (!list.hidden) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          show([]);
        }
        break;
      case "Tab":
        close();
        break;
      default:
    }
  });

  // Keep the focus in the box while the pointer picks a title, then open it.
  list.addEventListener("mousedown", (event) => event.preventDefault());
  list.addEventListener("click", (event) => {
    const option = event.target.closest("[role=option]");
    if (option) choose(options().indexOf(option));
  });
  input.addEventListener("blur", close);
  input.addEventListener("focus", () => {
    if (items.length && letters(input.value.trim()).length >= MIN_CHARACTERS) open();
  });
  input.dataset.typeaheadReady = "true";
}

document.querySelectorAll("input[data-typeahead]").forEach(attach);
