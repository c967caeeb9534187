// The editor: a live preview rendered by the server's own Markdown function, and unsaved text
// kept in this browser (localStorage) so a closed tab or a failed save loses nothing.
//
// Drafts are keyed "kb.draft.<kind>.<document id|new>.<base revision>". The editor offers to
// restore one on load; restoring a draft that started from an older revision puts that
// revision back in the form, so saving shows the conflict screen instead of overwriting.
// The review screen names the key a successful save made obsolete (data-saved-draft).

import { setupImages } from "./images.js";
import { t } from "./strings.js";

const PREVIEW_DELAY_MS = 300;
const FIELDS = ["title", "body", "tags", "section", "visibility", "position", "slug", "review_by", "message"];

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

const storage = {
  get(key) {
    try {
      const value = JSON.parse(localStorage.getItem(key) || "null");
      return value && typeof value === "object" && value.values ? value : null;
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // Storage full or disabled: the form still saves normally, it just cannot remember.
    }
  },
  remove(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      // Nothing to forget.
    }
  },
  keys(prefix) {
    const found = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) {
        const key = localStorage.key(i);
        if (key && key.startsWith(prefix)) found.push(key);
      }
    } catch {
      // Storage disabled.
    }
    return found;
  },
};

const keyPrefix = (key) => key.slice(0, key.lastIndexOf(".") + 1);

function readValues(form) {
  const values = {};
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name);
    if (field) values[name] = field.value;
  }
  return values;
}

function writeValues(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (field && FIELDS.includes(name) && typeof value === "string") field.value = value;
  }
}

const sameValues = (a, b) => FIELDS.every((name) => (a[name] ?? "") === (b[name] ?? ""));

function setupPreview(form) {
  const body = form.querySelector("[data-editor-body]");
  const target = form.querySelector("[data-preview]");
  const url = form.dataset.previewUrl;
  if (!body || !target || !url) return () => {};
  let timer = null;
  let inFlight = null;

  async function render() {
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    try {
      const response = await fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ body: body.value }),
        signal: inFlight.signal,
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((data.error && data.error.message) || t("editor.preview.status", { status: response.status }));
      // The server sanitised this HTML with the same allow-list as saved revisions.
      if (data.html) {
        target.innerHTML = data.html;
      } else {
        const empty = document.createElement("p");
        empty.className = "empty";
        empty.textContent = t("editor.preview.empty");
        target.replaceChildren(empty);
      }
      target.classList.remove("preview-failed");
    } catch (error) {
      if (error.name === "AbortError") return;
      target.classList.add("preview-failed");
      const note = document.createElement("p");
      note.className = "empty";
      note.textContent = t("editor.preview.unavailable", { reason: error.message });
      target.replaceChildren(note);
    }
  }

  body.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(render, PREVIEW_DELAY_MS);
  });
  render();
  return render;
}

function setupDrafts(form, refreshPreview) {
  let key = form.dataset.draftKey;
  if (!key) return;
  const base = form.querySelector("[data-base-revision]");
  const stale = form.dataset.staleDraftKey;
  const initial = readValues(form);
  // On the conflict screen the form already holds the person's own text: keep it, under the new base.
  const keepAlways = Boolean(stale);

  function remember() {
    const values = readValues(form);
    if (!keepAlways && sameValues(values, initial)) {
      storage.remove(key);
      return;
    }
    storage.set(key, { values, base: base ? base.value : "0", savedAt: new Date().toISOString() });
  }

  form.addEventListener("input", remember);
  form.addEventListener("change", remember);

  if (stale) {
    storage.remove(stale);
    remember();
  } else {
    offerRestore(form, key, initial, (restoredKey, draft) => {
      writeValues(form, draft.values);
      if (base && draft.base) base.value = draft.base;
      if (restoredKey !== key) storage.remove(key);
      key = restoredKey;
      form.dataset.draftKey = key;
      refreshPreview();
    });
  }

  const discard = form.querySelector("[data-discard-mine]");
  if (discard) {
    discard.addEventListener("click", () => {
      storage.remove(key);
      if (stale) storage.remove(stale);
    });
  }
}

/** Offer the newest stored draft of this document that differs from what the form shows. */
function offerRestore(form, key, initial, restore) {
  const offer = document.querySelector("[data-draft-offer]");
  const candidates = storage.keys(keyPrefix(key))
    .map((k) => [k, storage.get(k)])
    .filter(([k, draft]) => {
      if (draft && !sameValues(draft.values, initial)) return true;
      storage.remove(k);
      return false;
    })
    .sort((a, b) => String(b[1].savedAt).localeCompare(String(a[1].savedAt)));
  if (!offer || candidates.length === 0) return;
  const [draftKey, draft] = candidates[0];
  const time = offer.querySelector("[data-draft-time]");
  if (time) time.textContent = new Date(draft.savedAt).toLocaleString(document.documentElement.lang || undefined);
  const staleNote = offer.querySelector("[data-draft-stale]");
  if (staleNote) staleNote.hidden = draftKey === key;
  offer.hidden = false;
  offer.querySelector("[data-draft-restore]").addEventListener("click", () => {
    restore(draftKey, draft);
    offer.hidden = true;
    form.querySelector("[data-editor-body]")?.focus();
  });
  offer.querySelector("[data-draft-discard]").addEventListener("click", () => {
    storage.remove(draftKey);
    offer.hidden = true;
  });
}

function forgetSavedDraft() {
  const holder = document.querySelector("[data-saved-draft]");
  if (holder) storage.remove(holder.dataset.savedDraft);
}

forgetSavedDraft();
for (const form of document.querySelectorAll("[data-editor-form]")) {
  const refresh = setupPreview(form);
  setupDrafts(form, refresh);
  setupImages(form);
}
