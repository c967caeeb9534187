"""The macro library and a macro's page, as server-rendered pages (no JavaScript needed)."""

import re

from tests.support import csrf_token


def test_anonymous_visitors_are_sent_to_sign_in(client, make_document):
    macro = make_document("macro", state="published", title="Billing::Refund", body="Refund on its way")
    for path in ("/macros", f"/macros/{macro.id}", "/macros/new", "/macros/flagged", "/macros?q=refund"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login?next=" in response.headers["Location"]


def test_the_library_lists_published_macros_by_their_last_title_segment(client, login, make_user, make_document):
    make_document("macro", state="published", title="Billing::Refunds::Refund timeline", body="Five days.")
    make_document("macro", state="draft", title="Billing::Draft only", body="Not yet.")
    login(make_user("agent"))
    page = client.get("/macros").get_data(as_text=True)
    assert "Refund timeline" in page
    assert "Billing › Refunds" in page
    assert "Draft only" not in page


def test_the_category_tree_is_built_from_the_titles_and_filters_the_list(client, login, make_user, make_document):
    make_document("macro", state="published", title="Billing::Refunds::Refund timeline", body="Five days.")
    make_document("macro", state="published", title="Billing::Invoices::Where is my invoice", body="Settings.")
    make_document("macro", state="published", title="Account::Password reset", body="Use the link.")
    login(make_user("agent"))
    page = client.get("/macros").get_data(as_text=True)
    tree = page[page.index('class="tree"'):page.index("</aside>")]
    assert re.search(r">Billing</a> <span class=\"count\">2</span>", tree)
    assert re.search(r">Refunds</a> <span class=\"count\">1</span>", tree)
    filtered = client.get("/macros?category=Billing::Refunds").get_data(as_text=True)
    listing = filtered[filtered.index('id="lib-results"'):]
    assert "Refund timeline" in listing
    assert "Where is my invoice" not in listing and "Password reset" not in listing


def test_tags_filter_the_library(client, login, make_user, make_document):
    make_document("macro", state="published", title="Refund timeline", body="Five days.", tags=("refunds",))
    make_document("macro", state="published", title="Password reset", body="Use the link.", tags=("account",))
    login(make_user("agent"))
    page = client.get("/macros?tag=refunds").get_data(as_text=True)
    listing = page[page.index('id="lib-results"'):]
    assert "Refund timeline" in listing and "Password reset" not in listing


def test_the_search_form_works_without_javascript(client, login, make_user, make_document):
    make_document("macro", state="published", title="Billing::Refund timeline", body="Refunds take five days.")
    make_document("article", state="published", title="Chargeback runbook", visibility="internal",
                  body="How we answer a refund dispute.")
    make_document("macro", state="published", title="Account::Password reset", body="Use the link.")
    login(make_user("agent"))
    page = client.get("/macros?q=refund").get_data(as_text=True)
    listing = page[page.index('id="lib-results"'):page.index("</ul>", page.index('id="lib-results"'))]
    assert "Refund timeline" in listing
    assert "Chargeback runbook" in listing and "badge-internal" in listing
    assert "Password reset" not in listing


def test_the_library_documents_its_keyboard_shortcuts(client, login, make_user):
    login(make_user("agent"))
    page = client.get("/macros").get_data(as_text=True)
    shortcuts = page[page.index('id="shortcuts"'):]
    for key in ("<kbd>/</kbd>", "<kbd>↓</kbd>", "<kbd>↑</kbd>", "<kbd>Enter</kbd>", "<kbd>c</kbd>"):
        assert key in shortcuts


def test_a_macros_page_offers_its_placeholders_and_a_preview(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Billing::Refund",
                          body="Hi {{ customer.first_name }}, your refund of {{ amount }} is on its way.")
    login(make_user("agent"))
    page = client.get(f"/macros/{macro.id}").get_data(as_text=True)
    assert 'name="customer.first_name"' in page and 'name="amount"' in page
    assert "Still to fill" in page
    filled = client.get(f"/macros/{macro.id}?customer.first_name=Ana&amount=%2410").get_data(as_text=True)
    assert "Hi Ana, your refund of $10 is on its way." in filled


def test_the_macro_page_documents_its_keyboard_shortcuts(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Thanks", body="Thanks!")
    login(make_user("agent"))
    page = client.get(f"/macros/{macro.id}").get_data(as_text=True)
    assert "Keyboard shortcuts" in page and "<kbd>c</kbd>" in page and "Copy as rich text" in page


def test_viewing_or_previewing_a_macro_does_not_count_a_use(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Thanks", body="Thanks {{ name }}!")
    login(make_user("agent"))
    client.get(f"/macros/{macro.id}")
    client.get(f"/macros/{macro.id}?name=Ana")
    assert 'data-use-count>0<' in client.get(f"/macros/{macro.id}").get_data(as_text=True)


def test_an_unpublished_or_missing_macro_is_not_found(client, login, make_user, make_document):
    draft = make_document("macro", state="draft", title="Draft", body="Soon.")
    login(make_user("agent"))
    assert client.get(f"/macros/{draft.id}").status_code == 404
    assert client.get("/macros/999999").status_code == 404


def test_bad_page_arguments_get_a_clear_error_not_a_500(client, login, make_user):
    login(make_user("agent"))
    assert client.get("/macros?page=abc").status_code == 400
    assert client.get("/macros?type=video").status_code == 400


def test_an_agent_stars_and_unstars_a_macro(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Billing::Refund timeline", body="Five days.")
    login(make_user("agent"))
    token = csrf_token(client, f"/macros/{macro.id}")
    client.post(f"/macros/{macro.id}/favourite", data={"favourite": "1", "csrf_token": token})
    page = client.get("/macros").get_data(as_text=True)
    favourites = page[page.index('id="fav-title"'):page.index('id="recent-title"')]
    assert "Refund timeline" in favourites
    client.post(f"/macros/{macro.id}/favourite", data={"favourite": "0", "csrf_token": token})
    page = client.get("/macros").get_data(as_text=True)
    assert "Refund timeline" not in page[page.index('id="fav-title"'):page.index('id="recent-title"')]


def test_favouriting_needs_the_csrf_token(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Refund", body="Five days.")
    login(make_user("agent"))
    assert client.post(f"/macros/{macro.id}/favourite", data={"favourite": "1"}).status_code == 400


def test_the_suggestion_box_works_without_javascript(client, login, make_user, make_document):
    make_document("macro", state="published", title="Billing::Duplicate charge",
                  body="Sorry you were charged twice; we refunded the duplicate charge.", tags=("charges",))
    make_document("macro", state="published", title="Account::Password reset", body="Use the reset link.")
    login(make_user("agent"))
    response = client.post("/macros/suggest", data={
        "text": "Hello, I was charged twice for my membership this month!", "csrf_token": csrf_token(client, "/macros")})
    page = response.get_data(as_text=True)
    suggestions = page[page.index('class="suggestions"'):]
    first = suggestions[suggestions.index("<li"):suggestions.index("</li>")]
    assert "Duplicate charge" in first
    assert re.search(r"Matched: .*<mark>(charged|twice)</mark>", first, re.S)


def test_an_empty_suggestion_request_is_explained(client, login, make_user):
    login(make_user("agent"))
    response = client.post("/macros/suggest", data={"text": "  ", "csrf_token": csrf_token(client, "/macros")})
    assert response.status_code == 400
    assert "Paste the customer" in response.get_data(as_text=True)


def test_a_shared_macro_links_to_the_editor_and_a_personal_one_to_its_own_form(client, login, make_user, make_document):
    shared = make_document("macro", state="published", title="Shared", body="For everyone.")
    login(make_user("agent"))
    assert f'href="/editor/macros/{shared.id}/edit"' in client.get(f"/macros/{shared.id}").get_data(as_text=True)
    created = client.post("/macros/new", data={"title": "Mine", "body": "Just me.",
                                               "csrf_token": csrf_token(client, "/macros/new")})
    personal_url = created.headers["Location"]
    assert f'href="{personal_url}/edit"' in client.get(personal_url).get_data(as_text=True)


def test_with_one_locale_there_is_no_language_to_choose(client, login, make_user):
    login(make_user("agent"))
    assert "Customer's language" not in client.get("/macros").get_data(as_text=True)
    assert "Customer's language" not in client.get("/sidebar").get_data(as_text=True)
