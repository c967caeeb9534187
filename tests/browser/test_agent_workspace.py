"""The agent workspace in a real browser: search as you type, keyboard, fill, copy, suggest."""

import pytest
from playwright.sync_api import expect

from kb.extensions import db
from kb.models import Document


@pytest.fixture
def library(make_document):
    """A small macro library and one internal article."""
    return {
        "password": make_document("macro", state="published", title="Account::Password reset",
                                  body="Use the reset link to change your password."),
        "payout": make_document("macro", state="published", title="Payouts::Payout schedule",
                                body="Payouts arrive on the first of each month."),
        "refund": make_document("macro", state="published", title="Billing::Refunds::Refund timeline",
                                body="Hi {{ customer.first_name }}, your refund of {{ amount }} is on its way."),
        "duplicate": make_document("macro", state="published", title="Billing::Duplicate charge",
                                   body="Sorry you were charged twice this month: we refunded the duplicate "
                                        "charge to your card.", tags=("charges",)),
        "runbook": make_document("article", state="published", title="Chargeback runbook",
                                 visibility="internal", body="What to do when a member disputes a charge."),
    }


@pytest.fixture
def agent_page(page, make_user, browser_login):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_login(make_user("agent"), page=page)
    page.errors = errors
    return page


def names(page):
    return page.locator("#lib-results [role=option] .lib-name")


def type_in_search(page, text):
    page.goto("/macros")
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    page.keyboard.press("/")
    page.keyboard.type(text)


def test_results_update_on_each_keystroke(agent_page, library):
    page = agent_page
    type_in_search(page, "pa")
    expect(names(page)).to_contain_text(["Password reset", "Payout schedule"], ignore_case=True)
    page.keyboard.type("s")
    expect(names(page)).to_have_text(["Password reset"])
    page.keyboard.press("Backspace")
    page.keyboard.type("y")
    expect(names(page)).to_have_text(["Payout schedule"])
    assert page.errors == []


def test_internal_articles_appear_beside_macros_marked_internal(agent_page, library):
    type_in_search(agent_page, "charge")
    row = agent_page.locator("#lib-results [role=option]", has_text="Chargeback runbook")
    expect(row.locator(".badge-internal")).to_have_text("Internal")
    expect(agent_page.locator("#lib-results [role=option]", has_text="Duplicate charge")).to_have_count(1)


def test_arrow_keys_move_the_selection(agent_page, library):
    page = agent_page
    type_in_search(page, "pa")
    expect(names(page)).to_have_count(2)
    options = page.locator("#lib-results [role=option]")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    assert page.get_attribute("#macro-q", "aria-activedescendant") == options.nth(1).get_attribute("id")
    page.keyboard.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")


def test_enter_opens_a_macro_and_the_filled_reply_is_copied(agent_page, library, app):
    page = agent_page
    type_in_search(page, "refund timel")
    expect(names(page).first).to_have_text("Refund timeline")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/macros/{library['refund'].id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    page.fill("#ph-customer-first-name", "Ana")
    page.fill("#ph-amount", "$10")
    expect(page.locator("[data-preview]")).to_contain_text("Hi Ana, your refund of $10 is on its way.")
    page.get_by_role("button", name="Copy as text").click()
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied as text")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "Hi Ana, your refund of $10 is on its way."
    expect(page.locator("[data-use-count]")).to_have_text("1")
    db.session.rollback()  # end the test thread's read snapshot
    assert db.session.get(Document, library["refund"].id).use_count == 1
    assert page.errors == []


def test_rich_text_copy_puts_html_on_the_clipboard(agent_page, library):
    page = agent_page
    page.goto(f"/macros/{library['refund'].id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    page.fill("#ph-customer-first-name", "Bea")
    page.fill("#ph-amount", "$4")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied as rich text")
    html = page.evaluate("""async () => {
        const [item] = await navigator.clipboard.read();
        return await (await item.getType('text/html')).text();
    }""")
    assert "<p>Hi Bea, your refund of" in html


def test_placeholder_values_are_remembered_for_the_next_macro(agent_page, make_document, library):
    page = agent_page
    other = make_document("macro", state="published", title="Thanks", body="Thanks {{ customer.first_name }}!")
    page.goto(f"/macros/{library['refund'].id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    page.fill("#ph-customer-first-name", "Chloe")
    page.goto(f"/macros/{other.id}")
    expect(page.locator("#ph-customer-first-name")).to_have_value("Chloe")
    expect(page.locator("[data-preview]")).to_contain_text("Thanks Chloe!")


def test_c_copies_the_selected_macro_from_the_library(agent_page, library):
    page = agent_page
    type_in_search(page, "payout sched")
    expect(names(page).first).to_have_text("Payout schedule")
    page.locator("#macro-q").blur()
    page.keyboard.press("c")
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied “Payout schedule”")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == "Payouts arrive on the first of each month."


def test_keyboard_only_an_agent_fills_and_copies_plain_text(agent_page, make_document):
    page = agent_page
    macro = make_document("macro", state="published", title="Billing::Refund sent",
                          body="## Refund sent\n\nHi {{ customer.first_name }}, the charge from "
                               "**FANLANE** of *{{ amount }}* is refunded.\n\n"
                               "- See [refunds](https://help.example/r)\n- Reply to reopen\n\n"
                               "| Item | Amount |\n|---|---|\n| Refund | {{ amount }} |")
    type_in_search(page, "refund sent")
    expect(names(page).first).to_have_text("Refund sent")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/macros/{macro.id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    page.keyboard.press("f")
    page.keyboard.type("Ana")
    page.keyboard.press("Tab")
    page.keyboard.type("$10")
    expect(page.locator("[data-missing]")).to_have_text("")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied as text")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == ("Refund sent\n\nHi Ana, the charge from FANLANE of $10 is refunded.\n\n"
                      "- See refunds (https://help.example/r)\n- Reply to reopen\n\n"
                      "Item    Amount\n------  ------\nRefund  $10")
    for syntax in ("**", "__", "](", "#", "{", "}"):
        assert syntax not in copied
    assert page.errors == []


def test_a_reply_with_unfilled_placeholders_is_not_copied(agent_page, library):
    page = agent_page
    page.goto(f"/macros/{library['refund'].id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    page.evaluate("navigator.clipboard.writeText('before')")
    page.keyboard.press("f")
    page.keyboard.type("Ana")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-copy-status]")).to_have_text("Not copied. Still to fill: amount.")
    expect(page.locator("[data-missing]")).to_have_text("Still to fill: amount")
    page.keyboard.press("Escape")
    page.keyboard.press("r")
    expect(page.locator("[data-copy-status]")).to_have_text("Not copied. Still to fill: amount.")
    assert page.evaluate("navigator.clipboard.readText()") == "before"
    expect(page.locator("[data-use-count]")).to_have_text("0")


def test_quick_copy_from_the_library_refuses_unfilled_placeholders(agent_page, library):
    page = agent_page
    type_in_search(page, "refund timel")
    expect(names(page).first).to_have_text("Refund timeline")
    page.evaluate("navigator.clipboard.writeText('before')")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-copy-status]")).to_have_text(
        "“Refund timeline” was not copied. Still to fill: customer.first_name, amount. "
        "Open it to fill them.")
    assert page.evaluate("navigator.clipboard.readText()") == "before"
    db.session.rollback()
    assert db.session.get(Document, library["refund"].id).use_count == 0


def test_the_suggestion_box_ranks_the_right_macro_first(agent_page, library):
    page = agent_page
    page.goto("/macros")
    expect(page.locator("form[data-suggest-form][data-ready=true]")).to_have_count(1)
    page.fill("#ticket-text", "Hello! I think I was charged twice for my membership this month, "
                              "can you check my card please?")
    page.get_by_role("button", name="Suggest replies").click()
    first = page.locator(".suggestions li").first
    expect(first.locator("a")).to_have_text("Duplicate charge")
    expect(first.locator(".matched mark").first).to_be_visible()
    assert page.errors == []


def test_deleting_a_personal_macro_asks_first(agent_page):
    page = agent_page
    page.goto("/macros/new")
    page.fill("input[name=title]", "Mine::Sign-off")
    page.fill("textarea[name=body]", "Cheers")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    macro_url = page.url
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete").click()
    assert page.goto(macro_url).status == 200  # said no: still there
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url("**/macros")
    expect(page.locator("body")).to_contain_text("Your personal macro is deleted.")
    assert page.errors == []


def test_a_misspelled_query_typed_with_the_keyboard_finds_the_corrected_results(agent_page, library):
    page = agent_page
    type_in_search(page, "refnd")
    expect(names(page)).to_contain_text(["Refund timeline"])
    suggestion = page.locator("[data-did-you-mean]")
    expect(suggestion).to_be_visible()
    expect(suggestion.locator("[data-suggestion]")).to_have_text("refund")
    options = page.locator("#lib-results [role=option]")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    refund_row = options.filter(has_text="Refund timeline")
    for _ in range(options.count()):
        if refund_row.get_attribute("aria-selected") == "true":
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/macros')[0]}/macros/{library['refund'].id}")
    assert page.errors == []


def test_a_deep_category_searches_as_you_type_and_offers_a_way_on_when_empty(agent_page, library):
    page = agent_page
    page.goto("/macros?category=Billing::Refunds")
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    page.keyboard.press("/")
    page.keyboard.type("refund")
    expect(names(page)).to_have_text(["Refund timeline"])  # not Duplicate charge, a level up
    page.keyboard.press("Escape")
    page.keyboard.type("chargeback")
    empty = page.locator("[data-empty]")
    expect(empty).to_contain_text("Nothing matches “chargeback”.")
    expect(empty.locator("[data-empty-articles] a")).to_have_text(["Chargeback runbook"])
    expect(empty.locator("[data-create-macro]")).to_have_attribute("href", "/macros/new")
    expect(names(page)).to_have_count(0)
    assert page.errors == []


def test_a_copy_after_suggest_from_the_library_keeps_the_tickets_terms(agent_page, library):
    from sqlalchemy import select

    from kb.models import MacroUse

    page = agent_page
    page.goto("/macros")
    expect(page.locator("form[data-suggest-form][data-ready=true]")).to_have_count(1)
    page.fill("#ticket-text", "I was charged twice for my membership this month, please check my card.")
    page.get_by_role("button", name="Suggest replies").click()
    page.locator(".suggestions li").first.locator("a").click()
    page.wait_for_url(f"**/macros/{library['duplicate'].id}")
    expect(page.locator("[data-macro-page][data-ready=true]")).to_have_count(1)
    expect(page.locator("[data-ticket-note]")).to_be_visible()
    page.get_by_role("button", name="Copy as text").click()
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied as text")
    db.session.rollback()  # end the test thread's read snapshot
    terms = db.session.scalars(select(MacroUse.ticket_terms)).all()
    assert len(terms) == 1 and terms[0] and "twice" in terms[0].split()
    # back in the library the box still shows that message; "Not for that message" forgets it
    page.goto("/macros")
    expect(page.locator("#ticket-text")).to_have_value(
        "I was charged twice for my membership this month, please check my card.")
    page.goto(f"/macros/{library['password'].id}")
    page.get_by_role("button", name="Not for that message").click()
    expect(page.locator("[data-ticket-note]")).to_be_hidden()
    page.get_by_role("button", name="Copy as text").click()
    expect(page.locator("[data-copy-status]")).to_contain_text("Copied as text")
    db.session.rollback()
    assert db.session.scalars(select(MacroUse.ticket_terms).where(
        MacroUse.document_id == library["password"].id)).all() == [None]
    assert page.errors == []
