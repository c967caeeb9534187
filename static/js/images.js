// Images in the editor: pick, drag and drop or paste an image into the body; it is uploaded
// (POST /api/v1/media with the page's CSRF token), the author is asked for its alt text, and
// ![alt](/media/<sha256>.<ext>) goes in at the cursor. The server decides what is an image.

import { t } from "./strings.js";

const ACCEPTED = ["image/png", "image/jpeg", "image/gif", "image/webp"];

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** Alt text as Markdown takes it: one line, brackets and backslashes escaped. */
function markdownAlt(text) {
  return text.replace(/\s+/g, " ").trim().replace(/[\\[\]]/g, "\\$&");
}

function altFromName(name) {
  return (name || "").replace(/\.[a-z0-9]+$/i, "").replace(/[-_]+/g, " ").trim();
}

function insertAtCursor(textarea, text) {
  const start = textarea.selectionStart ?? textarea.value.length;
  const end = textarea.selectionEnd ?? start;
  const before = textarea.value.slice(0, start);
  const after = textarea.value.slice(end);
  const lead = before && !before.endsWith("\n") ? "\n\n" : "";
  const trail = after && !after.startsWith("\n") ? "\n\n" : "";
  textarea.value = before + lead + text + trail + after;
  const caret = (before + lead + text).length;
  textarea.setSelectionRange(caret, caret);
  // The preview and the locally kept draft follow the body's input events.
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
}

async function upload(url, file) {
  const data = new FormData();
  data.append("file", file, file.name || "pasted-image");
  const response = await fetch(url, {
    method: "POST",
    body: data,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
  });
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (response.status !== 201 || !payload || !payload.url) {
    const message = payload?.error?.message || t("images.failed", { status: response.status });
    throw new Error(message);
  }
  return payload;
}

export function setupImages(form) {
  const body = form.querySelector("[data-editor-body]");
  const holder = form.querySelector("[data-image-upload]");
  if (!body || !holder) return;
  const url = holder.dataset.mediaUrl;
  const picker = holder.querySelector("[data-image-file]");
  const status = holder.querySelector("[data-image-status]");
  const say = (text) => {
    if (status) status.textContent = text;
  };

  async function add(files) {
    for (const file of files) {
      say(file.name ? t("images.uploading", { name: file.name }) : t("images.uploading.unnamed"));
      let stored;
      try {
        stored = await upload(url, file);
      } catch (error) {
        say(file.name ? t("images.not_added", { name: file.name, reason: error.message })
          : t("images.not_added.unnamed", { reason: error.message }));
        continue;
      }
      // Cancelling the question still inserts the image, with an empty alt (decorative).
      const alt = window.prompt(
        t("images.alt_prompt"), altFromName(file.name));
      insertAtCursor(body, `![${markdownAlt(alt ?? "")}](${stored.url})`);
      const size = { width: stored.width, height: stored.height };
      say(file.name ? t("images.added", { name: file.name, ...size }) : t("images.added.unnamed", size));
    }
    body.focus();
  }

  // Files a browser calls images (the server checks the content); a pasted text is left alone.
  const imagesIn = (list) => Array.from(list || [])
    .filter((f) => !f.type || ACCEPTED.includes(f.type) || f.type.startsWith("image/"));

  picker?.addEventListener("change", () => {
    const files = Array.from(picker.files || []);
    picker.value = "";
    if (files.length) add(files);
  });
  body.addEventListener("dragover", (event) => {
    if (Array.from(event.dataTransfer?.types || []).includes("Files")) event.preventDefault();
  });
  body.addEventListener("drop", (event) => {
    const files = imagesIn(event.dataTransfer?.files);
    if (!files.length) return;
    event.preventDefault();  // the browser would open the file instead
    add(files);
  });
  body.addEventListener("paste", (event) => {
    const files = imagesIn(event.clipboardData?.files);
    if (!files.length) return;
    event.preventDefault();
    add(files);
  });
}
