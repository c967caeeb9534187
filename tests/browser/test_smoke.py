"""The browser set-up itself: pages load under the Content-Security-Policy without errors."""


def test_the_home_page_loads_without_console_errors(page, make_document):
    make_document(state="published", title="How payouts work", section="payouts/schedule")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/")
    assert page.get_by_role("link", name="How payouts work").is_visible()
    assert errors == []


def test_slash_focuses_the_search_box(page):
    page.goto("/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.type") == "search"
