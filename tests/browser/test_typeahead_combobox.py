"""Suggestions while typing in the public search box, in a real browser: the WAI-ARIA combobox
is driven with the keyboard alone, and axe-core finds nothing wrong with it."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect


@pytest.fixture
def articles(make_document):
    return {
        "reset": make_document(state="published", title="Reset your password",
                               body="Use the link on the sign-in page.", section="account/security"),
        "rules": make_document(state="published", title="Password rules",
                               body="At least twelve characters.", section="account/security"),
        "payouts": make_document(state="published", title="How payouts work",
                                 body="Payouts go to your bank.", section="payments/payouts"),
        "draft": make_document(state="draft", title="Password recovery codes",
                               body="Not ready.", section="account/security"),
        "internal": make_document(state="published", title="Password resets for VIP accounts",
                                  body="Staff runbook.", visibility="internal",
                                  section="account/security"),
    }


@pytest.fixture
def reader(page):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return page


def options(page) -> list[str]:
    return page.locator("[role=listbox] [role=option]").all_inner_texts()


def test_type_two_letters_choose_a_title_with_the_keyboard_and_open_it(reader, articles):
    page = reader
    page.goto("/")
    box = page.locator("#q-big")
    expect(box).to_have_attribute("data-typeahead-ready", "true")
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-autocomplete", "list")
    expect(box).to_have_attribute("aria-expanded", "false")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    expect(listbox).to_have_attribute("role", "listbox")

    box.focus()
    page.keyboard.type("p")
    expect(box).to_have_attribute("aria-expanded", "false")  # one letter: nothing yet
    page.keyboard.type("assw")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.locator("[role=option]")).to_have_count(2)
    assert set(options(page)) == {"Reset your password", "Password rules"}  # no draft, no internal

    # Down twice, Up once: the first title again; the box tells assistive technology which one.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    first = listbox.locator("[role=option]").first
    expect(first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    assert listbox.locator("[aria-selected=true]").count() == 1
    chosen = first.inner_text()

    # Escape closes the list and keeps what was typed; Down opens it again.
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    assert box.input_value() == "passw"
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(first).to_have_attribute("aria-selected", "true")

    page.keyboard.press("Enter")
    slug = articles["reset"].slug if chosen == "Reset your password" else articles["rules"].slug
    page.wait_for_url(f"**/articles/{slug}")
    expect(page.locator("h1")).to_have_text(chosen)
    assert page.errors == []


def test_enter_without_a_chosen_title_searches_as_before(reader, articles):
    page = reader
    page.goto("/search")
    box = page.locator("#q")
    expect(box).to_have_attribute("data-typeahead-ready", "true")
    box.focus()
    page.keyboard.type("payouts")
    expect(page.locator("[role=listbox] [role=option]")).to_have_count(1)
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=payouts*")
    expect(page.locator(".results .result")).to_have_count(1)
    assert page.errors == []


def test_axe_finds_no_violation_on_the_open_combobox(reader, articles):
    page = reader
    page.goto("/")
    box = page.locator("#q-big")
    expect(box).to_have_attribute("data-typeahead-ready", "true")
    box.focus()
    page.keyboard.type("password")
    expect(page.locator("[role=listbox] [role=option]")).to_have_count(2)
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "typeahead-1-option-0")
    results = Axe().run(page, context="form[role=search]")
    assert results.violations_count == 0, results.generate_report()
    # The whole page as it stands with the list open, too.
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
