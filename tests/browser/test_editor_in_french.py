"""The editor's page scripts speak French to a French editor: the image upload's status line,
the alt-text question and the live preview's words come from the catalogs (issue 29)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 140, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_editor_scripts_write_french(make_user, browser_login, context):
    context.set_extra_http_headers({"Accept-Language": "fr"})
    page = browser_login(make_user("editor"))
    asked = []

    def on_dialog(dialog):
        asked.append(dialog.message)
        dialog.accept("Écran des réglages")

    page.on("dialog", on_dialog)
    page.goto("/editor/articles/new")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel article")

    page.fill("#body", "Texte.")
    page.set_input_files("[data-image-file]", files=[
        {"name": "evil.png", "mimeType": "image/png", "buffer": b"<html>not an image</html>"}])
    expect(page.locator("[data-image-status]")).to_contain_text("evil.png n'a pas été ajoutée : ")

    page.set_input_files("[data-image-file]", files=[
        {"name": "reglages.png", "mimeType": "image/png", "buffer": png()}])
    expect(page.locator("[data-image-status]")).to_have_text("reglages.png ajoutée (40×30).")
    assert asked == ["Décrivez l'image pour les lecteurs qui ne peuvent pas la voir (texte alternatif) :"]
    assert re.search(r"!\[Écran des réglages\]\(/media/[0-9a-f]{64}\.png\)", page.input_value("#body"))

    page.fill("#body", "")
    expect(page.locator("[data-preview]")).to_have_text("Rien à prévisualiser pour l'instant.")
