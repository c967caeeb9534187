"""Readers get their language: locale URLs, negotiation, the picker, fallbacks, hreflang, the
sitemap, and no draft or internal translation leaking in any locale."""

from __future__ import annotations

import re

from kb.content import services, translating
from kb.content.services import DocumentInput
from kb.extensions import db
from kb.models import Document


def test_a_reader_with_accept_language_fr_lands_on_the_french_page(client, french):
    response = client.get("/articles/payout-schedule", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/fr/articles/calendrier-des-virements")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    page = client.get("/fr/articles/calendrier-des-virements").get_data(as_text=True)
    assert '<html lang="fr">' in page and "Les virements partent chaque vendredi." in page


def test_without_a_preference_the_default_locale_is_used(client, french):
    response = client.get("/articles/payout-schedule", headers={"Accept-Language": "ja"})
    assert response.headers["Location"].endswith("/en/articles/payout-schedule")
    assert client.get("/articles/payout-schedule").headers["Location"].endswith("/en/articles/payout-schedule")


def test_the_saved_choice_wins_over_accept_language(client, french):
    chosen = client.post("/language", data={"locale": "fr", "next": "/en/articles/payout-schedule"})
    assert chosen.status_code == 303
    assert chosen.headers["Location"].endswith("/fr/articles/calendrier-des-virements")
    assert "kb_locale=fr" in chosen.headers["Set-Cookie"]
    response = client.get("/articles/payout-schedule", headers={"Accept-Language": "en"})
    assert response.headers["Location"].endswith("/fr/articles/calendrier-des-virements")


def test_the_picker_refuses_unknown_locales_and_other_sites(client, french):
    assert client.post("/language", data={"locale": "xx", "next": "/"}).status_code == 400
    away = client.post("/language", data={"locale": "de", "next": "//evil.example/x"})
    assert away.headers["Location"] == "/" or away.headers["Location"].endswith("kb.test/")


def test_a_missing_translation_falls_back_to_the_default_locale_with_a_notice(client, source):
    page = client.get("/de/articles/payout-schedule")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "data-fallback-notice" in html and "Payouts go out every Friday." in html
    assert '<html lang="de">' in html and '<article class="article" aria-labelledby="article-title" lang="en">' in html
    english = client.get("/en/articles/payout-schedule").get_data(as_text=True)
    assert "data-fallback-notice" not in english


def test_the_french_address_of_the_english_slug_goes_to_the_translation(client, french):
    response = client.get("/fr/articles/payout-schedule")
    assert response.status_code in (301, 302)  # 301 here: the translation began at that slug
    assert response.headers["Location"].endswith("/fr/articles/calendrier-des-virements")


def test_unknown_locales_and_slugs_answer_404(client, french):
    assert client.get("/xx/articles/payout-schedule").status_code == 404
    assert client.get("/FR/articles/calendrier-des-virements").status_code == 404
    assert client.get("/fr/articles/nothing-here").status_code == 404
    assert client.get("/articles/nothing-here").status_code == 404


def test_pages_carry_hreflang_alternates(client, french):
    html = client.get("/en/articles/payout-schedule").get_data(as_text=True)
    assert '<link rel="alternate" hreflang="en" href="http://kb.test/en/articles/payout-schedule">' in html
    assert '<link rel="alternate" hreflang="fr" href="http://kb.test/fr/articles/calendrier-des-virements">' in html
    assert '<link rel="alternate" hreflang="x-default" href="http://kb.test/en/articles/payout-schedule">' in html
    assert 'hreflang="de"' not in html


def test_the_sitemap_lists_every_published_translation_with_hreflang(client, french):
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert locs == ["http://kb.test/fr/articles/calendrier-des-virements", "http://kb.test/en/articles/payout-schedule"] \
        or sorted(locs) == sorted(["http://kb.test/en/articles/payout-schedule",
                                   "http://kb.test/fr/articles/calendrier-des-virements"])
    assert xml.count('<xhtml:link rel="alternate" hreflang="fr" '
                     'href="http://kb.test/fr/articles/calendrier-des-virements"/>') == 2
    assert xml.count('<xhtml:link rel="alternate" hreflang="en" href="http://kb.test/en/articles/payout-schedule"/>') == 2


def test_old_slugs_still_answer_301_now_into_the_locale_address(client, source, edit, publish):
    edit(source, slug="when-payouts-go-out")
    publish(source)
    moved = client.get("/articles/payout-schedule")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/en/articles/when-payouts-go-out")
    prefixed = client.get("/en/articles/payout-schedule")
    assert prefixed.status_code == 301 and prefixed.headers["Location"].endswith("/en/articles/when-payouts-go-out")


def test_drafts_and_internal_translations_never_leak(client, api_as, source, people, edit, publish):
    draft = translating.start_translation("article", source.id, "fr", people["editor"])
    edit(draft, title="Brouillon secret", body="Texte brouillon introuvable.", slug="brouillon-secret")
    internal = translating.start_translation("article", source.id, "de", people["editor"])
    edit(internal, title="Interne Auszahlung", body="Interner Text geheim.", slug="interne-auszahlung",
         visibility="internal")
    publish(internal)

    assert client.get("/fr/articles/brouillon-secret").status_code == 404
    assert client.get("/de/articles/interne-auszahlung").status_code == 404
    for locale in ("fr", "de"):
        page = client.get(f"/{locale}/articles/payout-schedule").get_data(as_text=True)
        assert "data-fallback-notice" in page and "Brouillon" not in page and "Interne" not in page
        assert f'hreflang="{locale}"' not in page
        redirect = client.get("/articles/payout-schedule", headers={"Accept-Language": locale})
        assert redirect.headers["Location"].endswith(f"/{locale}/articles/payout-schedule")
    xml = client.get("/sitemap.xml").get_data(as_text=True)
    assert "brouillon" not in xml and "interne" not in xml and "/de/" not in xml
    for query in ("brouillon", "geheim"):
        for locale in ("fr", "de"):
            found = client.get(f"/api/v1/search?q={query}&locale={locale}").get_json()
            assert found["total"] == 0, found
            page = client.get(f"/search?q={query}", headers={"Accept-Language": locale}).get_data(as_text=True)
            assert "Brouillon secret" not in page and "Interne Auszahlung" not in page
    anonymous, _ = api_as(None)
    body = anonymous.get(f"/articles/{source.id}").get_json()
    assert body["translations"] == []
    assert anonymous.get(f"/articles/{source.id}?locale=fr").status_code == 404
    assert anonymous.get(f"/articles/{draft.id}").status_code == 404


def test_home_lists_the_readers_language_and_falls_back_for_the_rest(client, french, people, publish):
    other = services.create_document("article", DocumentInput(title="Bank accounts", body="Add one.",
                                                              section="payments/payouts"), people["editor"])
    publish(other)
    french_home = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Calendrier des virements" in french_home and "Payout schedule" not in french_home
    assert "Bank accounts" in french_home
    english_home = client.get("/").get_data(as_text=True)
    assert "Payout schedule" in english_home and "Calendrier" not in english_home


def test_search_keeps_to_the_readers_locale_and_falls_back_to_the_default(client, french):
    french_hits = client.get("/api/v1/search?q=virements&locale=fr").get_json()
    assert [r["slug"] for r in french_hits["results"]] == ["calendrier-des-virements"]
    assert french_hits["results"][0]["url"] == "/fr/articles/calendrier-des-virements"
    english_only = client.get("/api/v1/search?q=payouts&locale=en").get_json()
    assert [r["slug"] for r in english_only["results"]] == ["payout-schedule"]
    assert client.get("/api/v1/search?q=virements&locale=en").get_json()["total"] == 0
    fallback = client.get("/api/v1/search?q=payouts&locale=de").get_json()
    assert [r["url"] for r in fallback["results"]] == ["/en/articles/payout-schedule"]
    assert client.get("/api/v1/search?q=payouts&locale=xx").status_code == 400
    typed = client.get("/search/suggestions?q=calend", headers={"Accept-Language": "fr"}).get_json()
    assert [r["url"] for r in typed["results"]] == ["/fr/articles/calendrier-des-virements"]
    assert client.get("/search/suggestions?q=calend", headers={"Accept-Language": "en"}).get_json()["results"] == []
    page = client.get("/search?q=virements", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Calendrier des virements" in page


def test_feedback_on_a_translation_is_recorded_on_it(client, french):
    from tests.support import csrf_token
    token = csrf_token(client, "/fr/articles/calendrier-des-virements")
    response = client.post("/fr/articles/calendrier-des-virements/feedback",
                           data={"helpful": "yes", "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/fr/articles/calendrier-des-virements#feedback")
    assert db.session.get(Document, french.id).locale == "fr"
