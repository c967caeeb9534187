"""Contact support in a real browser: typing a problem shows an article that answers it;
opening it (and not sending) counts one deflection on the insights page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


@pytest.fixture
def app_config():
    return {"CONTACT_DEFLECTION_MINUTES": 0}


def test_typing_a_problem_suggests_an_article_and_opening_it_counts_a_deflection(
        context, make_document, make_user, browser_login):
    make_document("article", state="published", title="When payouts arrive",
                  body="A payout reaches your bank account within three business days.")
    make_document("article", state="draft", title="Payout draft", body="A payout bank draft.")
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/")
    page.get_by_test_id("footer-contact").click()
    expect(page.locator("form[data-contact-form][data-contact-ready=true]")).to_have_count(1)
    page.fill("#contact-email", "ana@example.com")
    page.locator("#contact-subject").type("Payout missing", delay=20)
    page.locator("#contact-description").type("My payout never reached my bank account", delay=20)
    suggestion = page.locator("[data-contact-suggestions] a")
    expect(suggestion).to_have_text(["When payouts arrive"])
    suggestion.first.click()
    page.wait_for_url("**/articles/**")
    expect(page.locator("h1")).to_have_text("When payouts arrive")
    assert errors == []

    staff = browser_login(make_user("editor"))
    staff.goto("/admin/insights/contact")
    expect(staff.get_by_test_id("started")).to_have_text("1")
    expect(staff.get_by_test_id("deflected")).to_have_text("1")
    expect(staff.get_by_test_id("sent")).to_have_text("0")
    expect(staff.locator("#deflecting-chart [data-chart-table] tbody th")).to_have_text(["When payouts arrive"])
