"""The review workflow in a real browser: write, review, revise, publish, read; and a save conflict."""

import re

import pytest


@pytest.fixture
def sign_in(browser, live_server):
    """A separate browser context per person (own cookies, own localStorage), signed in."""
    contexts = []

    def open_as(user=None):
        ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(10_000)
        contexts.append(ctx)
        page = ctx.new_page()
        errors = []
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.console_errors = errors
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


def test_write_review_revise_publish_and_read(sign_in, make_user, artifact_path):
    editor = sign_in(make_user("editor", name="Eddie Editor"))
    editor.goto("/editor/")
    editor.get_by_role("link", name="New article").click()
    editor.fill("#title", "Payout timeline")
    editor.fill("#body", "Payouts arrive in **seven** days.")
    editor.wait_for_selector("[data-preview] strong:text('seven')")  # the live preview
    editor.get_by_role("button", name="Create draft").click()
    editor.wait_for_url(re.compile(r"/editor/articles/\d+$"))
    review_url = editor.url
    editor.get_by_role("button", name="Submit for review").click()
    assert editor.locator("h1 [data-state]").get_attribute("data-state") == "in_review"

    reviewer = sign_in(make_user("reviewer", name="Rita Reviewer"))
    reviewer.goto("/editor/")
    reviewer.locator("#awaiting-review").get_by_role("link", name="Payout timeline").click()
    assert "seven" in reviewer.locator("[data-rendered-diff] ins").first.inner_text()
    reviewer.fill("#changes-comment", "Payouts take five business days, not seven.")
    reviewer.get_by_role("button", name="Request changes").click()
    assert reviewer.locator("h1 [data-state]").get_attribute("data-state") == "changes_requested"

    editor.goto("/editor/")
    editor.locator("#changes-requested").get_by_role("link", name="Payout timeline").click()
    assert "five business days" in editor.locator(".thread-request_changes").inner_text()
    editor.get_by_role("link", name="Edit", exact=True).click()
    editor.fill("#body", "Payouts arrive in **five business** days.")
    editor.fill("#message", "Five business days, as Rita said")
    editor.get_by_role("button", name="Save draft").click()
    editor.get_by_role("button", name="Submit for review").click()
    assert editor.locator("h1 [data-state]").get_attribute("data-state") == "in_review"

    reviewer.goto(review_url)
    diff = reviewer.locator("[data-rendered-diff]")
    assert "seven" in diff.locator("del").first.inner_text()
    assert "five business" in diff.locator("ins").first.inner_text()
    reviewer.screenshot(path=artifact_path("review-screen.png"), full_page=True)
    reviewer.get_by_role("button", name="Approve").click()
    reviewer.get_by_role("button", name="Publish now").click()
    assert reviewer.locator("h1 [data-state]").get_attribute("data-state") == "published"

    reader = sign_in(None)
    reader.goto("/en/articles/payout-timeline")
    assert "five business days" in reader.locator("main").inner_text()
    assert editor.console_errors == [] and reviewer.console_errors == []


def test_two_editors_save_from_the_same_revision_and_the_merge_keeps_both(sign_in, make_user, make_document,
                                                                          artifact_path):
    body = "Refunds take ten days.\n\nContact support by e-mail.\n"
    document = make_document("article", state="published", title="Refund timeline", body=body)
    first, second = sign_in(make_user("editor")), sign_in(make_user("editor"))
    edit_path = f"/editor/articles/{document.id}/edit"
    first.goto(edit_path)
    second.goto(edit_path)
    first.fill("#body", "Refunds take five days.\n\nContact support by e-mail.\n")
    first.get_by_role("button", name="Save draft").click()
    first.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))

    second.fill("#body", "Refunds take ten days.\n\nContact support by chat.\n")
    second.get_by_role("button", name="Save draft").click()
    second.wait_for_selector("[data-conflict]")
    assert second.locator("[data-merge-clean]").is_visible()
    assert second.get_by_role("button", name="Save anyway (on top of theirs)").count() == 0
    merged = second.locator("#body").input_value()
    assert "five days" in merged and "by chat" in merged
    second.screenshot(path=artifact_path("merge-screen.png"), full_page=True)

    second.get_by_role("button", name="Save merged text").click()
    second.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))
    assert "Saved revision 3" in second.locator(".flashes").inner_text()
    latest = second.locator("[data-latest-body]").inner_text()
    assert "five days" in latest and "by chat" in latest


def test_overlapping_edits_must_be_resolved_before_saving(sign_in, make_user, make_document):
    document = make_document("article", state="published", title="Refund timeline",
                             body="Refunds take ten days.\n")
    first, second = sign_in(make_user("editor")), sign_in(make_user("editor"))
    edit_path = f"/editor/articles/{document.id}/edit"
    first.goto(edit_path)
    second.goto(edit_path)
    first.fill("#body", "Refunds take five days.\n")
    first.get_by_role("button", name="Save draft").click()
    first.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))
    second.fill("#body", "Refunds take ten business days.\n")
    second.get_by_role("button", name="Save draft").click()
    second.wait_for_selector("[data-merge-conflicts='1']")
    assert "<<<<<<< yours" in second.locator("#body").input_value()

    second.get_by_role("button", name="Save merged text").click()  # markers left: refused
    second.wait_for_selector("text=conflict marker")
    second.fill("#body", "Refunds take five business days.\n")
    second.get_by_role("button", name="Save draft").click()
    second.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))
    assert "five business days" in second.locator("[data-latest-body]").inner_text()


def test_unsaved_text_survives_a_closed_tab(sign_in, make_user, make_document):
    document = make_document("article", body="Original text.")
    page = sign_in(make_user("editor"))
    page.goto(f"/editor/articles/{document.id}/edit")
    page.fill("#body", "Half-written improvement")
    # Chromium hands a page's localStorage writes to other pages asynchronously: wait until
    # another page sees the draft, then close the first (closing at once sometimes lost the race).
    later = page.context.new_page()
    later.goto("/")
    later.wait_for_function(
        "Object.keys(localStorage).some(key => key.startsWith('kb.draft.'))")
    page.close()
    page = later
    page.goto(f"/editor/articles/{document.id}/edit")
    page.get_by_role("button", name="Restore my unsaved text").click()
    assert page.locator("#body").input_value() == "Half-written improvement"
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(rf"/editor/articles/{document.id}$"))
    page.goto(f"/editor/articles/{document.id}/edit")
    assert page.locator("[data-draft-offer]").is_hidden()
