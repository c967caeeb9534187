"""The insights reports in a real browser: every chart has a text alternative and a table, the
pages load under the Content-Security-Policy without errors, and a search-as-you-type burst typed
in the macro library is one search on the report."""

import re

import pytest
from playwright.sync_api import expect

REPORTS = ["searches", "articles", "macros", "contact", "health"]


@pytest.fixture
def editor_page(page, make_user, browser_login):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_login(make_user("editor"), page=page)
    page.errors = errors
    return page


def test_a_typing_burst_in_the_library_is_one_search_on_the_report(editor_page, make_document):
    page = editor_page
    make_document("macro", state="published", title="Billing::Refund timeline",
                  body="Your refund is on its way.")
    page.goto("/macros")
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    page.keyboard.press("/")
    page.keyboard.type("refund", delay=80)
    expect(page.locator("#lib-results [role=option] .lib-name")).to_have_text(["Refund timeline"])
    page.goto("/admin/insights/searches")
    rows = page.locator("#top tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td").nth(0)).to_have_text("refund")
    expect(rows.first.locator("td").nth(1)).to_have_text("1")
    expect(page.get_by_test_id("total")).to_have_text("1")
    assert page.errors == []


@pytest.mark.parametrize("report", REPORTS)
def test_every_chart_has_a_text_alternative_and_a_table(editor_page, make_document, report):
    page = editor_page
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.")
    page.goto("/search?q=refund")
    page.goto(f"/admin/insights/{report}")
    charts = page.locator("figure[data-chart]")
    assert charts.count() >= 1
    for n in range(charts.count()):
        figure = charts.nth(n)
        svg = figure.locator("svg[role=img]")
        expect(svg).to_be_visible()
        label = svg.get_attribute("aria-labelledby")
        title_id, desc_id = label.split()
        title = figure.locator(f"#{title_id}").text_content().strip()
        description = figure.locator(f"#{desc_id}").text_content().strip()
        assert title and description
        # The accessible name the browser computes is the chart's title and description.
        expect(figure.get_by_role("img", name=re.compile(re.escape(title)))).to_have_count(1)
        table = figure.locator("table[data-chart-table]")
        expect(table).to_have_count(1)
        expect(table.locator("caption")).to_contain_text(title)
        assert table.locator("tbody tr").count() >= 1
    assert figure.locator("script").count() == 0
    assert page.errors == []


def test_a_result_opened_from_the_library_with_the_keyboard_counts_as_a_click(editor_page,
                                                                             make_document):
    page = editor_page
    make_document("macro", state="published", title="Billing::Refund timeline",
                  body="Your refund is on its way.")
    page.goto("/macros")
    expect(page.locator("form[data-library-search][data-ready=true]")).to_have_count(1)
    page.keyboard.press("/")
    page.keyboard.type("refund", delay=80)
    expect(page.locator("#lib-results [role=option] .lib-name")).to_have_text(["Refund timeline"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/macros/[0-9]+$"))
    expect(page.locator("h1")).to_contain_text("Refund timeline")
    page.goto("/admin/insights/searches")
    row = page.locator("#top tbody tr")
    expect(row).to_have_count(1)
    # query, searches, zero results, clicked searches, click-through
    expect(row.first.locator("td").nth(3)).to_have_text("1")
    expect(row.first.locator("td").nth(4)).to_have_text("100%")
    assert page.errors == []
