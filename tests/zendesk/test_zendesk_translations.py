"""``kb import-zendesk`` of article translations, in a help center in English and French: the
translations files of tests/data/zendesk, rows of another locale in articles.json, a second run,
and ``kb export-zendesk`` writing them back."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support import another_app
from tests.zendesk.test_import_zendesk import FIXTURE, last_line, zid

#: The fixture's 30 articles, its 19 shared macros (its two personal ones are skipped: neither
#: owner has an account here) and its three French translations (fr-ca landing on kb's fr).
SUMMARY = "imported 52, updated 0, unchanged 0, failed 0, skipped 2"


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def imported(runner):
    result = runner.invoke(args=["import-zendesk", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    return result.output


def article(api, slug: str, locale: str = "en") -> dict:
    """An article (as staff see it) found by its slug in ``locale``."""
    page = api.get("/articles?limit=100").get_json()["items"]
    found = [a for a in page if a["slug"] == slug]
    if not found:  # translations may be listed per locale
        page = api.get(f"/articles?limit=100&locale={locale}").get_json()["items"]
        found = [a for a in page if a["slug"] == slug]
    assert found, slug
    return api.get(f"/articles/{found[0]['id']}").get_json()


def test_translations_become_translation_documents_of_their_sources(imported, client, api_as):
    assert last_line_of(imported) == SUMMARY
    # ja is not configured; the en-us row is the source article itself (no note for it)
    assert (f"note: translations/{zid(0)}.json#470000000003: a ja translation; this help center "
            "has en, fr, so it is skipped") in imported
    assert "470000000001" not in imported
    assert ("note: translations.json#470000000005: marked outdated in Zendesk" in imported)

    page = client.get("/fr/articles/creer-un-compte")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Créer un compte" in text and "<em>Paramètres</em>" in text
    # fr-ca matched kb's fr by language
    assert client.get("/fr/articles/changer-votre-adresse-courriel").status_code == 200
    # the draft is not public, and nothing answers for ja
    assert client.get("/fr/articles/inviter-votre-equipe").status_code == 404
    assert "アカウント" not in client.get("/").get_data(as_text=True)

    api, _ = api_as("editor")
    source = article(api, "create-an-account")
    assert [(t["locale"], t["slug"], t["status"]) for t in source["translations"]] == [
        ("fr", "creer-un-compte", "published")]
    invite = article(api, "invite-your-team")
    assert [(t["locale"], t["slug"], t["status"]) for t in invite["translations"]] == [
        ("fr", "inviter-votre-equipe", "draft")]
    french = api.get(f"/articles/{source['translations'][0]['id']}").get_json()
    assert french["section"] == source["section"] == "getting-started/accounts"
    assert french["body"].startswith("## Étapes\n\n1. Ouvrez *Paramètres*.")
    anonymous, _ = api_as(None)
    assert anonymous.get(f"/articles/{invite['translations'][0]['id']}").status_code == 404


def last_line_of(output: str) -> str:
    return output.strip().splitlines()[-1]


def test_a_second_import_changes_nothing(imported, runner, api_as):
    api, _ = api_as("editor")
    before = article(api, "create-an-account")["translations"]
    again = runner.invoke(args=["import-zendesk", str(FIXTURE)])
    assert again.exit_code == 0, again.output
    assert last_line(again) == "imported 0, updated 0, unchanged 52, failed 0, skipped 2"
    assert article(api, "create-an-account")["translations"] == before
    french = api.get(f"/articles/{before[0]['id']}/revisions").get_json()
    assert len(french) == 1


def test_old_zendesk_urls_of_a_locale_lead_to_its_translation(imported, client):
    french = client.get(f"/hc/fr/articles/{zid(0)}-creer-un-compte")
    assert french.status_code == 301 and french.headers["Location"].endswith("/fr/articles/creer-un-compte")
    assert client.get(f"/hc/fr-ca/articles/{zid(0)}").headers["Location"].endswith(
        "/fr/articles/creer-un-compte")
    english = client.get(f"/hc/en-us/articles/{zid(0)}")
    assert english.headers["Location"].endswith("/en/articles/create-an-account")
    # the French translation is a draft: the source answers; ja is not configured: the source too
    assert client.get(f"/hc/fr/articles/{zid(1)}").headers["Location"].endswith(
        "/en/articles/invite-your-team")
    assert client.get(f"/hc/ja/articles/{zid(0)}").headers["Location"].endswith(
        "/en/articles/create-an-account")


def test_rows_of_another_locale_in_articles_json_are_translations(runner, client, tmp_path):
    folder = tmp_path / "zendesk"
    shutil.copytree(FIXTURE, folder, ignore=shutil.ignore_patterns("translations*"))
    answer = json.loads((folder / "articles.json").read_text())
    row = dict(next(a for a in answer["articles"] if a["id"] == zid(5)))  # Import contacts
    row.update(locale="fr", title="Importer des contacts", body="<p>Importez vos <b>contacts</b>.</p>",
               html_url=f"https://acme.zendesk.com/hc/fr/articles/{zid(5)}")
    answer["articles"].append(row)
    answer["articles"].append({**row, "locale": "de", "title": "Kontakte importieren"})
    (folder / "articles.json").write_text(json.dumps(answer))

    first = runner.invoke(args=["import-zendesk", str(folder)])
    assert last_line(first) == "imported 50, updated 0, unchanged 0, failed 0, skipped 2", first.output
    assert f"note: articles.json#{zid(5)}:de: a de translation; this help center has en, fr" in first.output
    page = client.get("/fr/articles/importer-des-contacts")
    assert page.status_code == 200 and "<strong>contacts</strong>" in page.get_data(as_text=True)
    again = runner.invoke(args=["import-zendesk", str(folder)])
    assert last_line(again) == "imported 0, updated 0, unchanged 50, failed 0, skipped 2", again.output


def test_export_writes_translations_back_and_they_import_again(imported, runner, tmp_path):
    out = tmp_path / "zendesk-out"
    result = runner.invoke(args=["export-zendesk", str(out)])
    assert result.exit_code == 0, result.output
    assert "30 articles" in result.output and "3 translations" in result.output
    articles = json.loads((out / "articles.json").read_text())["articles"]
    assert len(articles) == 30 and all(a["locale"] == "en-us" for a in articles)
    written = json.loads((out / "translations" / f"{zid(0)}.json").read_text())["translations"]
    assert [(t["id"], t["source_id"], t["locale"], t["title"], t["draft"]) for t in written] == [
        (470000000002, zid(0), "fr", "Créer un compte", False)]
    draft = json.loads((out / "translations" / f"{zid(1)}.json").read_text())["translations"]
    assert [(t["locale"], t["draft"]) for t in draft] == [("fr", True)]

    with another_app(tmp_path, LOCALES="en,fr") as fresh, fresh.app_context():
        again = fresh.test_cli_runner().invoke(args=["import-zendesk", str(out)])
        assert last_line(again) == "imported 52, updated 0, unchanged 0, failed 0, skipped 0", again.output
        page = fresh.test_client().get("/fr/articles/creer-un-compte")
        assert page.status_code == 200
