"""The staff pages (agent workspace, contact requests, account, users, settings, insights)
speak French to a French reader: their headings, buttons, notices, charts and the words their
scripts write, with dates and numbers formatted the French way. English stays the source."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kb.contact import requests as contact_requests
from kb.insights.ranges import today
from kb.review import services as review
from tests.support import csrf_token
from tests.support.visible import visible_text

FR = {"Accept-Language": "fr"}
MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
             "octobre", "novembre", "décembre"]


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def library(make_document):
    return {
        "refund": make_document("macro", state="published", title="Billing::Refunds::Refund timeline",
                                body="Hi {{ customer.first_name }}, your refund is on its way."),
        "runbook": make_document("article", state="published", title="Chargeback runbook",
                                 visibility="internal", body="What to do when a member disputes."),
    }


@pytest.fixture
def admin(make_user, login):
    return login(make_user("admin"))


#: English interface phrases of these pages that a French page must not show.
ENGLISH = ["Macros with article links to check", "New personal macro", "Categories", "Favourites",
           "Recently used", "Keyboard shortcuts", "Suggest from the ticket", "Suggest replies",
           "Macros and articles", "Search macros", "Fill in", "Copy as text", "Copy as rich text",
           "Plain text", "Back to the library", "Contact requests", "newest first", "Subject",
           "Hand-over", "What they wrote", "Articles they were shown", "My account",
           "Change password", "API tokens", "Create token", "Invite someone", "Create account",
           "Change role", "Deactivate", "Save settings", "Reviewers may approve", "Download these rows",
           "Top queries", "Who searched", "Content health", "What needs attention", "Sort by",
           "the numbers", "No data in this range", "Help Center", "Macros for this ticket",
           "Insert into ticket", "Suggested for this ticket", "Still to fill", "Used", "Sign out",
           "Breadcrumb", "Report table", "No data"]


def english_left(html: str, allowed: tuple[str, ...] = ()) -> list[str]:
    text = visible_text(html)
    for value in allowed:
        text = text.replace(value, "")
    return [phrase for phrase in ENGLISH if re.search(rf"\b{re.escape(phrase)}\b", text)]


def test_the_macro_library_and_a_macro_page_speak_french(client, make_user, login, library):
    login(make_user("editor"))
    page = client.get("/macros", headers=FR).get_data(as_text=True)
    assert '<html lang="fr">' in page
    for phrase in ("Catégories", "Nouvelle macro personnelle", "Favoris", "Utilisées récemment",
                   "Raccourcis clavier", "Suggestions à partir du ticket", "Suggérer des réponses",
                   "Rechercher des macros… (touche /)", "1 macro"):
        assert phrase in page, phrase
    assert english_left(page) == []
    # The page scripts' words come in French too, in the strings block.
    assert '"library.copied": "« %(name)s » copiée."' in page
    assert '"macro.copying": "Copie en cours…"' in page

    found = client.get("/macros", query_string={"q": "refund"}, headers=FR).get_data(as_text=True)
    assert "1 résultat pour « refund »" in found

    macro = client.get(f"/macros/{library['refund'].id}", headers=FR).get_data(as_text=True)
    for phrase in ("Utilisée", "fois", "À remplir", "Aperçu", "Copier en texte", "Copier en texte enrichi",
                   "Texte brut", "Retour à la bibliothèque", "☆ Ajouter aux favoris"):
        assert phrase in macro, phrase
    assert english_left(macro, allowed=("Refund timeline", "Billing", "Refunds")) == []


def test_the_library_flash_messages_speak_french(client, make_user, login, library):
    login(make_user("agent"))
    token = csrf_token(client, "/macros")
    answer = client.post(f"/macros/{library['refund'].id}/favourite", headers=FR,
                         data={"favourite": "1", "csrf_token": token}, follow_redirects=True)
    assert "Ajoutée à vos favoris." in answer.get_data(as_text=True)
    empty = client.post("/macros/suggest", headers=FR, data={"text": " ", "csrf_token": token})
    assert empty.status_code == 400
    assert "Collez le message du client pour obtenir des suggestions." in empty.get_data(as_text=True)


def test_the_personal_macro_form_and_flagged_list_speak_french(client, make_user, login):
    login(make_user("editor"))
    form = client.get("/macros/new", headers=FR).get_data(as_text=True)
    assert "Nouvelle macro personnelle" in form and "Titre" in form and "Réponse" in form
    assert "Utilisez <code>::</code> pour la classer" in form
    assert english_left(form) == []
    flagged = client.get("/macros/flagged", headers=FR).get_data(as_text=True)
    assert "Les liens vers des articles de toutes les macros sont en bon état." in flagged
    assert english_left(flagged) == []


def test_contact_requests_speak_french_with_french_dates(client, make_user, login, app):
    with app.test_request_context():
        sent = contact_requests.submit(contact_requests.RequestInput(
            email="ana@example.com", subject="Virement manquant", description="Mon virement est absent."),
            lambda document: "/")
    login(make_user("agent"))
    listing = client.get("/agent/requests", headers=FR).get_data(as_text=True)
    assert "Demandes de contact" in listing and "1 demande, la plus récente en premier." in listing
    assert "Objet" in listing and "Transmission" in listing and "conservée" in listing
    assert 'data-state="stored"' in listing  # the machine value stays English
    assert english_left(listing, allowed=("Virement manquant",)) == []
    detail = client.get(f"/agent/requests/{sent.id}", headers=FR).get_data(as_text=True)
    assert f"Demande n° {sent.id} : Virement manquant" in detail
    assert "Ce que la personne a écrit" in detail and "autre chose" in detail
    created = sent.created_at
    assert f"{created:%d/%m/%Y %H:%M} UTC" in detail  # the French short date and time
    assert english_left(detail) == []


def test_account_users_and_settings_speak_french(client, admin):
    account = client.get("/account", headers=FR).get_data(as_text=True)
    for phrase in ("Mon compte", "Changer de mot de passe", "Jetons d'API", "Créer le jeton",
                   "Vous n'avez aucun jeton d'API.", "administrateur"):
        assert phrase in account, phrase
    assert english_left(account) == []
    users = client.get("/admin/users", headers=FR).get_data(as_text=True)
    assert "Inviter quelqu'un" in users and "Créer le compte" in users and "relecteur" in users
    assert '<option value="reviewer"' in users  # the value sent stays English
    assert english_left(users) == []
    invited = client.post("/admin/users", headers=FR, data={
        "email": "nova@example.com", "name": "Nova", "role": "editor", "password": "",
        "csrf_token": csrf_token(client, "/admin/users")}).get_data(as_text=True)
    assert "Compte rédacteur créé : nova@example.com." in invited
    assert "Lien de création du mot de passe pour nova@example.com" in invited
    settings = client.get("/admin/settings", headers=FR).get_data(as_text=True)
    assert "Enregistrer les paramètres" in settings and english_left(settings) == []
    saved = client.post("/admin/settings", headers=FR, follow_redirects=True,
                        data={"csrf_token": csrf_token(client, "/admin/settings")})
    assert "Paramètres enregistrés." in saved.get_data(as_text=True)


@pytest.mark.parametrize("report", ["searches", "articles", "macros", "contact", "health"])
def test_every_insights_report_speaks_french(client, make_user, login, make_document, report):
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.",
                  review_by=date(2020, 1, 1))
    client.get("/search?q=refund")
    login(make_user("editor"))
    page = client.get(f"/admin/insights/{report}", headers=FR).get_data(as_text=True)
    assert "Rapports statistiques" in page and "Santé du contenu" in page
    assert "les chiffres" in page
    assert english_left(page, allowed=("Refund timeline", "refund")) == [], report


def test_insights_numbers_dates_and_charts_are_french_and_the_csv_stays_english(
        client, make_user, login, make_document):
    make_document("article", state="published", title="Old policy", review_by=date(2020, 1, 1))
    login(make_user("editor"))
    health = client.get("/admin/insights/health", headers=FR).get_data(as_text=True)
    assert "relecture avant le 1 janv. 2020" in health
    assert "relecture due" in health and 'data-problem="review due"' in health
    assert "<title" in health and "Ce qui demande votre attention</title>" in health
    csv = client.get("/admin/insights/health.csv", headers=FR).get_data(as_text=True)
    assert csv.startswith("problem,kind,id,title,detail")
    assert "review due,article," in csv and "review by 2020-01-01" in csv
    searches = client.get("/admin/insights/searches", headers=FR).get_data(as_text=True)
    assert "Recherches par jour" in searches and "recherches avec clic" in searches
    assert "Une rafale de recherche pendant la saisie compte une seule fois." in searches
    day = today()  # the chart's days and their table are French dates
    short_months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                    "oct.", "nov.", "déc."]
    assert f'<th scope="row">{day.day} {short_months[day.month - 1]} {day.year}</th>' in searches


def test_the_ticket_sidebar_speaks_french(client):
    page = client.get("/sidebar", headers=FR).get_data(as_text=True)
    assert "<title>Macros pour ce ticket</title>" in page
    assert "Connexion à l'outil de tickets…" in page and "Insérer dans le ticket" in page
    assert '"sidebar.inserted": "Insérée dans le ticket."' in page
    assert english_left(page) == []


def test_a_reader_page_carries_no_staff_script_words(client):
    page = client.get("/", headers=FR).get_data(as_text=True)
    assert "library." not in page and "sidebar." not in page


def test_the_english_pages_keep_their_words(client, make_user, login, library):
    login(make_user("editor"))
    page = client.get("/macros", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "New personal macro" in page and "Keyboard shortcuts" in page and "1 macro" in page
    assert "Nouvelle macro personnelle" not in page


def test_a_macros_broken_link_is_explained_in_french(client, make_user, login, make_document):
    article = make_document("article", state="published", title="Refund policy",
                            slug="refund-policy", body="We refund within 14 days.")
    macro = make_document("macro", state="published", title="Billing::Old link",
                          body="See [the policy](/articles/refund-policy).")
    review.archive("article", article.id, make_user("reviewer"))
    login(make_user("editor"))
    expected = "Lien vers un article archivé : /articles/refund-policy"
    assert expected in client.get(f"/macros/{macro.id}", headers=FR).get_data(as_text=True)
    assert expected in client.get("/macros/flagged", headers=FR).get_data(as_text=True)
    assert expected in client.get("/admin/insights/macros", headers=FR).get_data(as_text=True)
    english = client.get("/macros/flagged").get_data(as_text=True)
    assert "Links to an archived article: /articles/refund-policy" in english
