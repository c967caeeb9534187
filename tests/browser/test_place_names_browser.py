"""Category and section names follow the language the reader picks, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kb import transfer_sections
from tests.browser.test_language_picker import translated  # noqa: F401 - the fixture


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def named(translated):  # noqa: F811 - the imported fixture
    transfer_sections.apply_entries([{
        "slug": "payments", "title": "Payments", "translations": {"fr": {"title": "Paiements"}},
        "sections": [{"slug": "payouts", "title": "Payouts",
                      "translations": {"fr": {"title": "Virements", "description": "Quand vous êtes payé"}}}],
    }])
    return translated


def test_picking_french_names_categories_and_sections_in_french(page, named):
    page.goto("/en/articles/payout-schedule")
    breadcrumbs = page.locator(".breadcrumbs")  # its label may be translated
    expect(breadcrumbs.get_by_role("link", name="Payouts")).to_be_visible()
    page.get_by_role("button", name="Français").click()
    page.wait_for_url("**/fr/articles/calendrier-des-virements")
    expect(breadcrumbs.get_by_role("link", name="Paiements")).to_be_visible()
    breadcrumbs.get_by_role("link", name="Virements").click()
    page.wait_for_url("**/categories/payments/payouts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Virements")
    expect(page.locator(".lead")).to_have_text("Quand vous êtes payé")

    page.get_by_role("button", name="English").click()
    page.goto("/categories/payments/payouts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Payouts")
