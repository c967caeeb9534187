"""Archiving in a real browser: a question first, then an undo that puts the article back."""

import re

import pytest


@pytest.fixture
def as_user(browser, live_server):
    contexts = []

    def open_as(user=None):
        ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        if user is not None:
            page.goto("/login")
            page.fill("#email", user.email)
            page.fill("#password", "password123")
            page.click("form.stack-form button[type=submit]")
            page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()


def test_a_reviewer_archives_after_confirming_and_restores(as_user, make_user, make_document, artifact_path):
    document = make_document("article", state="published", title="Payout holidays",
                             body="Payouts wait for bank holidays.")
    reviewer = as_user(make_user("reviewer"))
    reader = as_user(None)
    reviewer.goto(f"/editor/articles/{document.id}")
    assert reviewer.locator(".review-actions").get_by_text("Archive").count() == 0
    reviewer.locator("[data-danger-zone]").get_by_role("link", name="Archive…").click()
    reviewer.wait_for_selector("[data-confirm-archive]")
    assert "Payout holidays" in reviewer.locator("h1").inner_text()
    reviewer.screenshot(path=artifact_path("archive-question.png"), full_page=True)
    reviewer.get_by_role("button", name="Archive “Payout holidays”").click()
    reviewer.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))
    assert reviewer.locator("h1 [data-state]").get_attribute("data-state") == "archived"
    assert reader.goto(f"/en/articles/{document.slug}").status == 404

    reviewer.get_by_role("button", name="Restore from archive").click()
    reviewer.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))
    assert "live again" in reviewer.locator(".flashes").inner_text()
    assert reviewer.locator("h1 [data-state]").get_attribute("data-state") == "published"
    assert reader.goto(f"/en/articles/{document.slug}").status == 200
    assert "bank holidays" in reader.locator("main").inner_text()
