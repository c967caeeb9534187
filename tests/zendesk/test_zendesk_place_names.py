"""``kb import-zendesk`` of category and section translations, and of ``hidden`` translations,
in a help center in English and French; ``kb export-zendesk`` writes the names back."""

from __future__ import annotations

import json
import shutil

import pytest

from tests.support import another_app
from tests.zendesk.test_import_zendesk import FIXTURE, last_line, zid

FRENCH = {"Accept-Language": "fr"}


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


def answer(folder, relative: str, rows: list[dict]) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"translations": rows, "count": len(rows), "next_page": None}))


def name(row_id: int, source_id: int, source_type: str, locale: str, title: str, body: str = "", **flags):
    return {"id": row_id, "source_id": source_id, "source_type": source_type, "locale": locale,
            "title": title, "body": body, "outdated": False, "draft": False, "hidden": False, **flags}


@pytest.fixture
def folder(tmp_path):
    """The fixture's export plus category and section translations as the API answers them."""
    folder = tmp_path / "zendesk"
    shutil.copytree(FIXTURE, folder)
    answer(folder, "categories/360001/translations.json", [
        name(1, 360001, "Category", "en-us", "Getting started", "Set up your account"),
        name(2, 360001, "Category", "fr-ca", "Débuter (Canada)"),
        name(3, 360001, "Category", "fr", "Premiers pas", "Configurer votre compte"),
        name(4, 360001, "Category", "de", "Erste Schritte"),
    ])
    answer(folder, "sections/3601/translations.json", [
        name(5, 3601, "Section", "fr", "Comptes cachés", hidden=True)])
    # A section's names may also come among the article translations, marked by source_type.
    combined = json.loads((folder / "translations.json").read_text())
    combined["translations"].append(name(6, 3602, "Section", "fr", "Premières étapes"))
    (folder / "translations.json").write_text(json.dumps(combined))
    return folder


def test_category_and_section_names_come_in_and_french_readers_see_them(runner, client, folder):
    result = runner.invoke(args=["import-zendesk", str(folder)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "note: categories/360001/translations.json#2: a fr-ca name; categories/360001/translations.json#3 " \
           "already names this category in fr" in out
    assert "note: categories/360001/translations.json#4: a de name; this help center has en, fr" in out
    assert "note: sections/3601/translations.json#5: a fr name that is a draft or hidden in Zendesk" in out
    assert "translations.json#1:" not in out  # the source's own locale, silently

    home = client.get("/", headers=FRENCH).get_data(as_text=True)
    assert ">Premiers pas</a>" in home and "Configurer votre compte" in home
    assert ">Premières étapes</a>" in home
    assert ">Accounts</a>" in home and "Comptes cachés" not in home  # hidden: the default name
    assert ">Getting started</a>" in client.get("/").get_data(as_text=True)

    again = runner.invoke(args=["import-zendesk", str(folder)])
    assert again.exit_code == 0, again.output
    assert ">Premiers pas</a>" in client.get("/", headers=FRENCH).get_data(as_text=True)


def test_export_writes_the_names_back_and_they_import_again(runner, folder, tmp_path):
    assert runner.invoke(args=["import-zendesk", str(folder)]).exit_code == 0
    out = tmp_path / "zendesk-out"
    result = runner.invoke(args=["export-zendesk", str(out)])
    assert result.exit_code == 0 and "2 category and section translations" in result.output, result.output
    categories = json.loads((out / "categories.json").read_text())["categories"]
    getting_started = next(c for c in categories if c["name"] == "Getting started")
    written = json.loads((out / f"categories/{getting_started['id']}/translations.json").read_text())
    assert [(t["source_id"], t["source_type"], t["locale"], t["title"], t["body"], t["hidden"])
            for t in written["translations"]] == [
        (getting_started["id"], "Category", "fr", "Premiers pas", "Configurer votre compte", False)]

    with another_app(tmp_path, LOCALES="en,fr") as fresh, fresh.app_context():
        again = fresh.test_cli_runner().invoke(args=["import-zendesk", str(out)])
        assert again.exit_code == 0, again.output
        home = fresh.test_client().get("/", headers=FRENCH).get_data(as_text=True)
        assert ">Premiers pas</a>" in home and ">Premières étapes</a>" in home


def test_a_hidden_translation_or_article_is_kept_as_a_draft(runner, client, api_as, tmp_path):
    folder = tmp_path / "zendesk"
    shutil.copytree(FIXTURE, folder)
    translations = json.loads((folder / "translations" / f"{zid(0)}.json").read_text())
    for row in translations["translations"]:
        if row["locale"] == "fr":
            row["hidden"] = True
    (folder / "translations" / f"{zid(0)}.json").write_text(json.dumps(translations))
    articles = json.loads((folder / "articles.json").read_text())
    articles["articles"][3]["hidden"] = True  # Set your time zone
    (folder / "articles.json").write_text(json.dumps(articles))

    result = runner.invoke(args=["import-zendesk", str(folder)])
    assert result.exit_code == 0, result.output
    assert "note: translations/115000000000.json#470000000002: hidden in Zendesk's help center; " \
           "kept as a draft" in result.output
    assert f"note: articles.json#{zid(3)}: hidden in Zendesk's help center; kept as a draft" in result.output
    assert client.get("/fr/articles/creer-un-compte").status_code == 404
    assert client.get("/en/articles/set-your-time-zone").status_code == 404
    api, _ = api_as("editor")
    drafts = api.get("/articles?limit=100&status=draft&locale=fr").get_json()["items"]
    # (the fixture's own draft translation is the other one)
    assert sorted(a["slug"] for a in drafts) == ["creer-un-compte", "inviter-votre-equipe"]

    out = tmp_path / "zendesk-out"
    assert runner.invoke(args=["export-zendesk", str(out)]).exit_code == 0
    written = json.loads((out / "translations" / f"{zid(0)}.json").read_text())["translations"]
    assert [(t["locale"], t["draft"], t["hidden"]) for t in written] == [("fr", True, True)]
