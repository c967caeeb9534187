"""The public help center pages render the right content for the right reader."""

from __future__ import annotations

import re

import pytest

from kb.content import services as content_services
from kb.database import transaction
from kb.extensions import db
from kb.review import services as review_services
from tests.support import csrf_token


def body(response) -> str:
    return response.get_data(as_text=True)


def main_of(response) -> str:
    html = body(response)
    return html[html.index("<main"):html.index("</main>")]


def test_home_lists_categories_sections_and_articles(client, site):
    html = main_of(client.get("/"))
    assert 'href="/categories/payouts"' in html
    assert 'href="/categories/payouts/schedule"' in html
    assert "How payouts work" in html and "Updating your card" in html
    assert 'role="search"' in html


def test_home_puts_the_most_helpful_articles_first(client, site):
    token = csrf_token(client, f"/en/articles/{site.last.slug}")
    client.post(f"/en/articles/{site.last.slug}/feedback", data={"helpful": "yes", "csrf_token": token})
    html = main_of(client.get("/"))
    assert html.index("Payout holidays") < html.index("Adding a bank account")


def test_home_shows_a_see_all_link_when_a_section_has_many_articles(client, make_document):
    for n in range(6):
        make_document(state="published", title=f"Tax form {n}", section="tax/forms")
    html = main_of(client.get("/"))
    assert "See all 6 articles" in html
    assert "Tax form 5" not in html


def test_category_page_lists_its_sections_and_articles(client, site):
    html = main_of(client.get("/categories/payouts"))
    assert "<h1>Payouts</h1>" in html
    assert 'href="/categories/payouts/schedule"' in html
    assert "Adding a bank account" in html and "How payouts work" in html
    assert "Updating your card" not in html


def test_section_page_lists_its_articles_with_a_summary(client, site):
    html = main_of(client.get("/categories/payouts/schedule"))
    assert "<h1>Schedule</h1>" in html
    assert html.index("Adding a bank account") < html.index("How payouts work") < html.index("Payout holidays")
    assert "Add a bank account to receive payouts." in html
    assert 'href="/categories/payouts"' in html  # breadcrumb back to the category


@pytest.mark.parametrize("path", ["/categories/nothing-here", "/categories/payouts/nothing-here",
                                  "/categories/nothing/schedule"])
def test_unknown_categories_and_sections_answer_404(client, site, path):
    assert client.get(path).status_code == 404


def test_article_page_has_linked_breadcrumbs(client, site):
    html = main_of(client.get(f"/en/articles/{site.long.slug}"))
    crumbs = html[html.index('aria-label="Breadcrumb"'):html.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', crumbs) == ["/", "/categories/payouts", "/categories/payouts/schedule"]


def test_long_article_has_a_table_of_contents_from_its_headings(client, site):
    html = main_of(client.get(f"/en/articles/{site.long.slug}"))
    toc = html[html.index('class="toc"'):html.index("</nav>", html.index('class="toc"'))]
    assert "On this page" in toc
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) == 4
    for target in targets:
        assert f'id="{target}"' in html


def test_short_article_has_no_table_of_contents(client, site):
    assert 'class="toc"' not in body(client.get(f"/en/articles/{site.first.slug}"))


def test_article_page_links_previous_and_next_in_its_section(client, site):
    html = main_of(client.get(f"/en/articles/{site.long.slug}"))
    assert re.search(rf'rel="prev" href="/en/articles/{site.first.slug}"', html)
    assert re.search(rf'rel="next" href="/en/articles/{site.last.slug}"', html)
    first = main_of(client.get(f"/en/articles/{site.first.slug}"))
    assert 'rel="prev"' not in first and 'rel="next"' in first


def test_article_page_lists_related_articles(client, site):
    html = main_of(client.get(f"/en/articles/{site.long.slug}"))
    related = html[html.index('id="related-title"'):]
    assert "/en/articles/" in related
    assert f'href="/en/articles/{site.long.slug}"' not in related


def test_article_page_shows_the_date_it_was_last_updated(client, site):
    revision = site.long.published
    html = main_of(client.get(f"/en/articles/{site.long.slug}"))
    assert f'<time datetime="{revision.created_at:%Y-%m-%d}">' in html


def test_article_page_serves_the_stored_html_without_rendering_markdown(client, site, monkeypatch):
    def no_rendering(*_args, **_kwargs):
        raise AssertionError("Markdown was rendered during a page request")

    monkeypatch.setattr("kb.content.markdown.render", no_rendering)
    monkeypatch.setattr("kb.content.markdown.render_html", no_rendering)
    monkeypatch.setattr("kb.content.services.markdown.render", no_rendering)
    response = client.get(f"/en/articles/{site.long.slug}")
    assert response.status_code == 200
    assert "<strong>Settings</strong>" in body(response)


def test_internal_article_shows_a_badge_to_staff(client, make_document, make_user, login):
    document = make_document(state="published", title="Escalation runbook", visibility="internal")
    login(make_user("agent"))
    html = main_of(client.get(f"/en/articles/{document.slug}"))
    assert "Escalation runbook" in html
    assert "badge-internal" in html and "Internal" in html


def test_internal_article_is_a_404_for_anonymous_readers(client, make_document):
    document = make_document(state="published", title="Escalation runbook", visibility="internal")
    assert client.get(f"/en/articles/{document.slug}").status_code == 404


def test_search_page_highlights_why_a_result_matched(client, site):
    html = main_of(client.get("/search?q=holidays"))
    assert "Payout holidays" in html
    assert "<mark>" in html.split('class="snippet"', 1)[1]
    assert 'class="matched"' in html


def test_search_results_show_the_section_each_article_sits_in(client, make_document):
    make_document(state="published", title="Refund timelines", body="How refunds work.",
                  section="billing/refunds")
    html = main_of(client.get("/search?q=timelines"))
    assert re.search(r'<p class="result-path">Billing › Refunds</p>', html), html


def test_search_results_mark_internal_articles_for_staff(client, make_document, make_user, login):
    make_document(state="published", title="Escalation runbook", visibility="internal")
    login(make_user("agent"))
    html = main_of(client.get("/search?q=escalation"))
    assert "Escalation runbook" in html and "badge-internal" in html


def test_search_page_offers_a_typo_suggestion(client, site):
    html = main_of(client.get("/search?q=payuots"))
    match = re.search(r'Did you mean <a href="([^"]+)"[^>]*>([^<]+)</a>', html)
    assert match and match.group(2) == "payouts"
    followed = main_of(client.get(match.group(1).replace("&amp;", "&")))
    assert "How payouts work" in followed


def test_search_page_filters_by_category(client, site):
    everything = main_of(client.get("/search?q=card+OR+payouts"))
    assert "Updating your card" in everything
    only_payouts = main_of(client.get("/search?q=card+OR+payouts&category=payouts"))
    assert "Updating your card" not in only_payouts and "How payouts work" in only_payouts


def test_search_page_shows_the_category_filter_with_readable_categories(client, site):
    html = main_of(client.get("/search?q=payouts"))
    assert '<option value="payouts"' in html and '<option value="billing"' in html


def test_type_filter_is_for_staff_only(client, site, make_document, make_user, login):
    macro = make_document("macro", state="published", title="Payouts delayed reply", body="Your payouts are late.")
    anonymous = main_of(client.get("/search?q=payouts&type=macro"))
    assert 'name="type"' not in anonymous and macro.published.title not in anonymous
    login(make_user("agent"))
    staff = main_of(client.get("/search?q=payouts&type=macro"))
    assert 'name="type"' in staff and "Payouts delayed reply" in staff and "How payouts work" not in staff


def test_search_page_paginates(client, make_document):
    for n in range(12):
        make_document(state="published", title=f"Refund case {n:02d}", body="How refunds are handled.")
    first = main_of(client.get("/search?q=refunds"))
    second = main_of(client.get("/search?q=refunds&page=2"))
    assert "12 results" in first
    assert first.count('class="result"') == 10 and second.count('class="result"') == 2
    assert 'rel="next" href="/search?q=refunds&amp;page=2"' in first
    assert 'rel="prev"' in second


@pytest.mark.parametrize("page", ["x", "0", "-1", "99999"])
def test_bad_page_numbers_get_a_clear_400_page(client, site, page):
    response = client.get(f"/search?q=payouts&page={page}")
    assert response.status_code == 400
    assert "page must" in body(response)


def test_search_page_without_a_query_invites_a_search(client):
    response = client.get("/search")
    assert response.status_code == 200
    assert "browse all topics" in body(response)


def test_renamed_article_redirects_permanently_from_its_old_slug(client, site, make_user):
    old = site.first.slug
    with transaction():
        content_services.change_slug(db.session.merge(site.first), "connect-your-bank", make_user("editor"))
    response = client.get(f"/en/articles/{old}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/en/articles/connect-your-bank")
    assert client.get("/en/articles/connect-your-bank").status_code == 200


@pytest.mark.parametrize("path", ["/", "/categories/payouts", "/categories/payouts/schedule",
                                  "/en/articles/{slug}", "/search?q=payouts", "/search"])
def test_every_public_page_has_description_canonical_and_open_graph(client, site, path):
    html = body(client.get(path.format(slug=site.long.slug)))
    head = html[:html.index("</head>")]
    description = re.search(r'<meta name="description" content="([^"]*)"', head)
    assert description and len(description.group(1)) > 20
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', head)
    assert canonical and canonical.group(1).startswith("http://kb.test/")
    for prop in ("og:title", "og:type", "og:url", "og:description"):
        assert f'property="{prop}"' in head


def test_article_canonical_url_is_its_current_address(client, site):
    html = body(client.get(f"/en/articles/{site.long.slug}"))
    assert f'<link rel="canonical" href="http://kb.test/en/articles/{site.long.slug}">' in html



def test_previous_and_next_follow_newly_published_and_archived_articles(client, site, make_document, make_user):
    assert f'rel="next" href="/en/articles/{site.last.slug}"' in main_of(client.get(f"/en/articles/{site.long.slug}"))
    newcomer = make_document(state="published", title="Pausing payouts", section="payouts/schedule")
    assert f'rel="next" href="/en/articles/{newcomer.slug}"' in main_of(client.get(f"/en/articles/{site.long.slug}"))
    review_services.archive("article", newcomer.id, make_user("reviewer"))
    assert f'rel="next" href="/en/articles/{site.last.slug}"' in main_of(client.get(f"/en/articles/{site.long.slug}"))
