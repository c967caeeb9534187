"""Nothing unpublished or internal ever reaches an anonymous reader, on any public surface.

Each hidden document carries a made-up word found nowhere else; the tests crawl every public
response (pages, search, suggestions, related lists, the sitemap, the API) and look for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from urllib.parse import urlencode

import pytest

from kb.content import services as content_services
from kb.content.services import copy_input

HIDDEN_WORDS = {
    "draft": "zanzibarquux",
    "in_review": "marzipanrun",
    "archived": "quokkaberry",
    "internal": "xylophonic",
    "pending_edit": "nimbostratus",
}
#: Categories that only hold hidden articles must not appear either.
HIDDEN_SECTIONS = {"draft": "secretcat/hiddensec", "internal": "vaultcat/vaultsec"}


@pytest.fixture
def hidden(site, make_document, make_user):
    """One document per way of being hidden, each sharing words with the public ones."""
    docs = {}
    for state in ("draft", "in_review", "archived"):
        word = HIDDEN_WORDS[state]
        docs[state] = make_document(
            state=state, title=f"Payouts {word} guide", tags=(word,),
            body=f"How payouts work with {word}.\n\n## {word} steps\n\nPayouts and {word} again.",
            section=HIDDEN_SECTIONS.get(state, "payouts/schedule"))
    word = HIDDEN_WORDS["internal"]
    docs["internal"] = make_document(
        state="published", title=f"Payouts {word} runbook", visibility="internal", tags=(word,),
        body=f"Internal payouts notes: {word}.", section=HIDDEN_SECTIONS["internal"])
    # A published article whose newer, unpublished revision must stay unseen.
    data = replace(copy_input(site.long.published), body=site.long.published.body + f"\n\nPayouts {HIDDEN_WORDS['pending_edit']}.")
    content_services.save_revision("article", site.long.id, data, site.long.latest.number, make_user("editor"))
    return docs


def public_paths(client, site) -> list[str]:
    """Every page an anonymous reader can reach from the home page and the sitemap."""
    home = client.get("/").get_data(as_text=True)
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    linked = set(re.findall(r'href="(/(?:categories|articles)/[^"#]*)"', home))
    linked |= {url.removeprefix("http://kb.test") for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    for path in list(linked):
        linked |= set(re.findall(r'href="(/(?:categories|articles)/[^"#]*)"', client.get(path).get_data(as_text=True)))
    return sorted(linked)


def searches() -> list[tuple[str, str]]:
    """(path, query): each hidden word as typed, misspelt (to tempt a suggestion), as a prefix."""
    queries = []
    for word in HIDDEN_WORDS.values():
        for query in (word, f"{word[:-2]}ux", word[:6], f"payouts {word}"):
            queries += [(f"/search?{urlencode({'q': query})}", query),
                        (f"/search?{urlencode({'q': query, 'type': 'article'})}", query),
                        (f"/api/v1/search?{urlencode({'q': query})}", query)]
    return queries + [("/search?q=payouts", "payouts"), ("/search?q=payouts&page=2", "payouts"),
                      ("/api/v1/search?q=payouts&limit=50", "payouts")]


def without_query_echo(response, query: str) -> str:
    """The response minus the places that repeat the reader's own query back to them."""
    if response.is_json:
        payload = response.get_json()
        payload.pop("query")
        return json.dumps(payload)
    text = response.get_data(as_text=True)
    for echo in (f'value="{query}"', f"<title>{query} ·", f"“{query}”", urlencode({"q": query})):
        text = text.replace(echo, "")
    return text


def assert_no_hidden_word(text: str, where: str) -> None:
    lowered = text.lower()
    for state, word in HIDDEN_WORDS.items():
        assert word not in lowered, f"the {state} word {word!r} leaked on {where}"
    for path in HIDDEN_SECTIONS.values():
        category = path.split("/")[0]
        assert category not in lowered, f"the hidden category {category!r} leaked on {where}"


def test_no_public_page_shows_hidden_content(app, client, site, hidden):
    app.config["RATE_LIMIT_PER_MINUTE"] = 0
    paths = public_paths(client, site)
    assert f"/en/articles/{site.long.slug}" in paths and "/categories/payouts/schedule" in paths
    for path in ["/", "/sitemap.xml", "/search", "/api/v1/articles", *paths]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_hidden_word(response.get_data(as_text=True), path)


def test_no_search_result_or_suggestion_shows_hidden_content(app, client, site, hidden):
    app.config["RATE_LIMIT_PER_MINUTE"] = 0
    for path, query in searches():
        response = client.get(path)
        assert response.status_code == 200, path
        assert_no_hidden_word(without_query_echo(response, query), path)


def test_related_articles_never_list_hidden_documents(client, site, hidden):
    for document in (site.long, site.first, site.last):
        html = client.get(f"/en/articles/{document.slug}").get_data(as_text=True)
        for hidden_document in hidden.values():
            assert f'/articles/{hidden_document.slug}"' not in html


def test_hidden_articles_and_unknown_urls_all_get_the_identical_404_page(client, site, hidden):
    pages = {}
    for name, document in hidden.items():
        pages[name] = client.get(f"/en/articles/{document.slug}")
    pages["never existed"] = client.get("/en/articles/never-existed")
    pages["unknown url"] = client.get("/there/is/nothing/here")
    pages["hidden category"] = client.get(f"/categories/{HIDDEN_SECTIONS['draft'].split('/')[0]}")
    pages["hidden section"] = client.get(f"/categories/{HIDDEN_SECTIONS['internal']}")
    statuses = {name: response.status_code for name, response in pages.items()}
    assert set(statuses.values()) == {404}, statuses
    bodies = {response.get_data(as_text=True) for response in pages.values()}
    assert len(bodies) == 1
    [page] = bodies
    assert "We couldn't find that page" in page and 'role="search"' in page
    assert_no_hidden_word(page, "the 404 page")


def test_the_published_article_shows_its_published_text_not_the_pending_edit(client, site, hidden):
    html = client.get(f"/en/articles/{site.long.slug}").get_data(as_text=True)
    assert "There is no fee for bank transfers." in html
    assert HIDDEN_WORDS["pending_edit"] not in html


def test_staff_do_see_internal_articles_in_listings_and_search(client, site, hidden, make_user, login):
    login(make_user("agent"))
    internal = client.get(f"/search?q={HIDDEN_WORDS['internal']}").get_data(as_text=True)
    assert hidden["internal"].published.title in internal and "1 result " in internal
    assert "Vaultcat" in client.get("/").get_data(as_text=True)
    draft = client.get(f"/search?q={HIDDEN_WORDS['draft']}").get_data(as_text=True)
    assert "0 results" in draft and hidden["draft"].latest.title not in draft
