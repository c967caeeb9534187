"""The staff content list in a real browser: narrow it as you type, open, edit and submit."""

import re

from playwright.sync_api import expect


def test_type_to_narrow_then_edit_and_submit(context, browser_login, make_user, make_document, artifact_path):
    wanted = make_document("article", state="published", title="Payout schedule for marketplaces",
                           body="Payouts go out weekly.")
    make_document("article", title="Refund timeline")
    make_document("macro", title="Billing::Refunds::Partial refund")
    editor = browser_login(make_user("editor"))
    errors = []
    editor.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    editor.get_by_role("link", name="Content", exact=True).click()
    editor.wait_for_url(re.compile(r"/editor/content$"))
    rows = editor.locator("[data-content-results] tbody tr")
    assert rows.count() == 3
    editor.screenshot(path=artifact_path("content-list.png"), full_page=True)
    editor.evaluate("window.kbNotReloaded = true")
    editor.locator("[data-content-search]").press_sequentially("payout sch", delay=40)
    expect(rows).to_have_count(1)
    assert editor.evaluate("window.kbNotReloaded") is True  # narrowed in place, not by a form submit
    assert "q=payout+sch" in editor.url  # the narrowed view can be bookmarked
    assert rows.first.get_attribute("data-document-id") == str(wanted.id)

    rows.first.get_by_role("link", name="Payout schedule for marketplaces").click()
    editor.wait_for_url(re.compile(rf"/editor/articles/{wanted.id}/edit$"))
    editor.fill("#body", "Payouts go out every **Monday**.")
    editor.get_by_role("button", name="Save draft").click()
    editor.wait_for_url(re.compile(rf"/editor/articles/{wanted.id}$"))
    editor.get_by_role("button", name="Submit for review").click()
    assert editor.locator("h1 [data-state]").get_attribute("data-state") == "in_review"

    editor.goto("/editor/content?state=in_review")
    assert editor.locator("[data-content-results] tbody tr").count() == 1
    assert editor.locator("[data-content-results] tbody tr").first.get_attribute("data-document-id") == str(wanted.id)
    assert errors == []
