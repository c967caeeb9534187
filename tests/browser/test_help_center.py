"""The public help center in a real browser: search, suggestion, article, TOC, vote, keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kb.auth import services as auth_services
from kb.extensions import db
from kb.models import Feedback
from kb.transfer import import_paths
from tests.support import REPO

ARTICLE = "/en/articles/chargebacks-for-creators"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sample_content(app):
    """The bundled sample help center, as a real instance starts with."""
    report = import_paths([REPO / "articles"], auth_services.system_user())
    assert report.failed == 0
    return report


@pytest.fixture
def reader(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.errors = errors
    return page


def focused(page) -> dict:
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {tag: el.tagName, text: (el.textContent || el.value || '').trim(), id: el.id,
                href: el.getAttribute('href') || '', cls: el.className || '',
                inToc: !!el.closest('.toc'), inResults: !!el.closest('.results'),
                outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth)};
    }""")


def tab_until(page, predicate, limit: int = 60) -> list[dict]:
    """Press Tab until ``predicate(focused)`` holds; every stop has a visible focus outline."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        stops.append(state)
        assert state["outline"] != "none" and state["outlineWidth"] >= 2, f"no visible focus on {state}"
        if predicate(state):
            return stops
    raise AssertionError(f"never reached the target by Tab; stops: {[s['text'][:30] for s in stops]}")


def test_search_from_home_follow_the_suggestion_and_open_an_article(reader, sample_content):
    reader.goto("/")
    # A combobox: the box suggests titles while typing (tests/browser/test_typeahead_combobox.py).
    reader.get_by_role("combobox", name="Search the help center").fill("refnd")
    reader.keyboard.press("Enter")
    reader.wait_for_url("**/search?q=refnd")
    suggestion = reader.get_by_test_id("suggestion")
    expect(suggestion).to_have_text("refund")
    suggestion.click()
    reader.wait_for_url("**/search?q=refund")
    expect(reader.locator(".result mark").first).to_be_visible()
    reader.locator(".result h2 a", has_text="Requesting a refund").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Requesting a refund")
    assert reader.errors == []


def test_table_of_contents_scrolls_the_heading_into_view(reader, sample_content):
    reader.goto(ARTICLE)
    toc = reader.get_by_role("navigation", name="On this page")
    toc.get_by_role("link", name="Reducing disputes").click()
    reader.wait_for_url(f"**{ARTICLE}#h-reducing-disputes")
    heading = reader.locator("#h-reducing-disputes")
    expect(heading).to_be_in_viewport()
    assert reader.evaluate("window.scrollY") > 100


def test_voting_records_the_answer_and_thanks_the_reader(reader, sample_content):
    reader.goto(ARTICLE)
    reader.get_by_role("button", name="No").click()
    expect(reader.get_by_text("Thanks for your feedback")).to_be_visible()
    expect(reader.get_by_role("button", name="No")).to_have_attribute("aria-pressed", "true")
    reader.get_by_label("What were you looking for").fill("How long do I have to add evidence?")
    reader.get_by_role("button", name="Send comment").click()
    expect(reader.get_by_label("What were you looking for")).to_have_value("How long do I have to add evidence?")
    db.session.rollback()
    [vote] = db.session.execute(select(Feedback)).scalars().all()
    assert vote.helpful is False and vote.comment == "How long do I have to add evidence?"


def test_keyboard_reaches_search_results_toc_and_vote_buttons(reader, sample_content):
    reader.goto("/")
    tab_until(reader, lambda s: s["tag"] == "INPUT" and s["id"] == "q-big")
    reader.keyboard.type("payout")
    reader.keyboard.press("Enter")
    reader.wait_for_url("**/search?q=payout")
    tab_until(reader, lambda s: s["inResults"])
    reader.goto(ARTICLE)
    stops = tab_until(reader, lambda s: s["inToc"])
    assert stops[0]["text"] == "Skip to content"
    tab_until(reader, lambda s: s["tag"] == "BUTTON" and s["text"] == "Yes", limit=80)
    reader.keyboard.press("Enter")
    expect(reader.get_by_text("Thanks for your feedback")).to_be_visible()


def test_skip_link_moves_focus_to_the_main_content(reader, sample_content):
    reader.goto(ARTICLE)
    reader.keyboard.press("Tab")
    reader.keyboard.press("Enter")
    assert reader.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_screenshots_of_home_search_and_article(reader, sample_content, artifact_path, name, viewport):
    reader.set_viewport_size(viewport)
    for page_name, path in (("home", "/"), ("search", "/search?q=refund+payout"), ("article", ARTICLE)):
        reader.goto(path)
        overflow = reader.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{page_name} scrolls sideways at {viewport['width']}px"
        reader.screenshot(path=artifact_path(f"help-{page_name}-{name}.png"), full_page=True)
    assert reader.errors == []
