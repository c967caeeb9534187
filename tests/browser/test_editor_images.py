"""Images in the editor, in a real browser: drop, pick or paste an image into the body (issue 27)."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image

MARKDOWN_IMAGE = re.compile(r"!\[Settings screen\]\((/media/[0-9a-f]{64}\.png)\)")


def png(size=(320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 140, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def answer_alt_text(page, text: str, asked: list):
    def on_dialog(dialog):
        asked.append(dialog.message)
        dialog.accept(text)

    page.on("dialog", on_dialog)


DROP = """([selector, data, name]) => {
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const transfer = new DataTransfer();
  transfer.items.add(new File([bytes], name, { type: "image/png" }));
  const target = document.querySelector(selector);
  target.dispatchEvent(new DragEvent("dragover", { dataTransfer: transfer, bubbles: true, cancelable: true }));
  target.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }));
}"""


def test_dropping_an_image_uploads_it_and_inserts_the_markdown(make_user, browser_login, app):
    page = browser_login(make_user("editor"))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    asked = []
    answer_alt_text(page, "Settings screen", asked)
    page.goto("/editor/articles/new")
    page.fill("#title", "Where settings live")
    page.fill("#body", "Open the menu.\n\nThen pick Settings.")
    page.eval_on_selector("#body", "(body) => body.setSelectionRange(14, 14)")  # after "menu."
    page.evaluate(DROP, ["#body", base64.b64encode(png()).decode(), "settings.png"])
    page.wait_for_function("() => /!\\[Settings screen\\]\\(\\/media\\//.test(document.querySelector('#body').value)")
    body = page.input_value("#body")
    url = MARKDOWN_IMAGE.search(body)[1]
    assert body == f"Open the menu.\n\n![Settings screen]({url})\n\nThen pick Settings."
    assert asked and "alt text" in asked[0]
    # The live preview shows it: staff may load an image no published article uses yet.
    image = page.wait_for_selector(f"[data-preview] img[src='{url}']")
    page.wait_for_function("(img) => img.complete && img.naturalWidth === 320", arg=image)
    assert "Added settings.png" in page.inner_text("[data-image-status]")
    page.get_by_role("button", name="Create draft").click()
    page.wait_for_url(re.compile(r"/editor/articles/\d+$"))
    assert errors == []


def test_the_file_picker_in_the_macro_editor_inserts_at_the_cursor(make_user, browser_login):
    page = browser_login(make_user("agent"))
    answer_alt_text(page, "Settings screen", [])
    page.goto("/editor/macros/new")
    page.fill("#body", "Hi {{ customer.first_name }},")
    page.set_input_files("[data-image-file]", files=[
        {"name": "settings.png", "mimeType": "image/png", "buffer": png()}])
    page.wait_for_function("() => /\\/media\\//.test(document.querySelector('#body').value)")
    assert MARKDOWN_IMAGE.search(page.input_value("#body"))


def test_a_file_that_is_not_an_image_is_refused_with_the_reason(make_user, browser_login):
    page = browser_login(make_user("editor"))
    answer_alt_text(page, "never asked", [])
    page.goto("/editor/articles/new")
    page.fill("#body", "Text.")
    page.set_input_files("[data-image-file]", files=[
        {"name": "evil.png", "mimeType": "image/png", "buffer": b"<html><script>alert(1)</script>"}])
    page.wait_for_function("() => document.querySelector('[data-image-status]').textContent.includes('not added')")
    assert "only PNG, JPEG, GIF and WebP" in page.inner_text("[data-image-status]")
    assert page.input_value("#body") == "Text."
