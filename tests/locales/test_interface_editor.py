"""The editorial screens speak the staff member's language: a French editor (cookie or
Accept-Language) reads the dashboard, content list, editor, review screen, history, conflict
page, audit log, pins and synonyms in French, with French dates, workflow states and messages,
while the values the forms send stay the same."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kb.content import services
from kb.content.services import copy_input
from kb.extensions import db
from kb.models import Document
from tests.support import csrf_token
from tests.support.visible import visible_text
from tests.support.pages import flashes, signed_in

#: The English interface phrases of the editorial screens; none may be left on a French page
#: (words French spells the same, such as "Section", "Message" or "Pages", are not listed).
ENGLISH = [
    "Editorial dashboard", "My drafts", "Waiting for my review", "Changes requested of me", "Recently published",
    "Review due", "New article", "New macro", "Search synonyms", "Promoted answers", "Audit log",
    "You have no drafts", "Nothing is scheduled", "Content", "Search", "Kind", "State", "Author",
    "Visibility", "Sort by", "Last updated", "Filter", "Clear", "With the selected", "Apply", "Any",
    "Title", "Updated", "Review by", "Uses", "helpful", "Select", "Body", "Preview",
    "Tags", "Place in section", "What changed and why", "Save draft", "Create draft", "Cancel",
    "The preview appears here", "Add an image", "Restore my unsaved text", "Discard it", "Edit", "History",
    "Revision", "revision", "Live", "live", "Not live", "Submit for review", "Approve", "Request changes",
    "Publish now", "Compare revisions", "Show the difference", "Markdown source", "Review thread",
    "No comments yet", "Add a comment", "Comment", "More actions", "Archive", "From", "to", "latest",
    "Saved", "Restore", "Compare the selected revisions", "diff with", "When", "Who", "Details", "events", "No events match", "Query", "Pin", "Pins", "Nothing is pinned", "Term", "Add an entry",
    "Other ways", "No entries yet", "draft", "in review", "approved", "published", "archived", "scheduled",
    "Someone saved", "Merged text", "Save merged text", "Discard mine", "Their change", "Your changes",
    "Help Center", "Editorial", "Breadcrumb", "Documents table", "Revisions table",
    "Nothing of it is live now", "It leaves", "Nothing is deleted", "Cancel, keep it", "Done", "Refused",
    "Back to the list", "tagged", "by",
]


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Ada Admin")


@pytest.fixture
def french(app, admin):
    """The admin's own client, reading the site in French through the language picker's cookie."""
    client = signed_in(app, admin)
    client.set_cookie("kb_locale", "fr", domain="kb.test")
    return client


@pytest.fixture
def article(make_document):
    return make_document("article", state="published", title="Zorblax payouts", body="Zorblax body.",
                         tags=["zorblax"])


def english_left(html: str, *user_content: str) -> list[str]:
    text = visible_text(html, *user_content)
    return [phrase for phrase in ENGLISH if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]


def test_the_dashboard_is_french(french, make_document, admin):
    make_document("article", state="draft", title="Zorblax draft", author=admin)
    html = french.get("/editor/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    for words in ("Tableau de bord éditorial", "Mes brouillons", "Nouvel article", "Nouvelle macro",
                  "Synonymes de recherche", "Réponses mises en avant", "Journal d'audit",
                  "Rien n'est programmé.", ">brouillon</span>"):
        assert words in html.replace("&#39;", "'"), words
    assert 'data-state="draft"' in html  # the value stays as it is
    assert english_left(html, "Zorblax draft", "Ada Admin") == []


def test_the_content_list_and_its_bulk_action_are_french(french, article):
    html = french.get("/editor/content").get_data(as_text=True)
    for words in ("<h1>Contenu</h1>", "Articles et macros", "Trier par", "Avec la sélection",
                  "Ajouter une étiquette", '<option value="in_review">en relecture</option>', "1 document",
                  ">publié</span>", "Filtrer"):
        assert words in html, words
    assert english_left(html, "Zorblax payouts", "zorblax", "general/basics", "General", "Basics") == []

    done = french.post("/editor/content/bulk", data={
        "action": "add_tag", "ids": [str(article.id)], "tag": "billing", "back": "?",
        "csrf_token": csrf_token(french, "/editor/content")}).get_data(as_text=True)
    assert "Ajouter une étiquette : 1 effectué(s), 0 refusé(s)" in done
    assert "étiquette billing ajoutée (révision 2, un brouillon)" in done
    assert english_left(done, "Zorblax payouts") == []

    confirm = french.post("/editor/content/bulk", data={
        "action": "archive", "ids": [str(article.id)], "back": "?",
        "csrf_token": csrf_token(french, "/editor/content")}).get_data(as_text=True)
    assert "Archiver 1 document ?" in confirm and "Les archiver" in confirm
    assert english_left(confirm, "Zorblax payouts") == []


def test_the_editor_is_french_and_sends_the_same_values(french, article):
    html = french.get(f"/editor/articles/{article.id}/edit").get_data(as_text=True)
    for words in ("Modifier l'article", "Enregistrer le brouillon", "Aperçu", "Étiquettes", "Visibilité",
                  "Public : tout le monde sur le centre d'aide", "Ce qui a changé et pourquoi",
                  "Restaurer mon texte non enregistré", 'placeholder="virements, facturation"'):
        assert words in html.replace("&#39;", "'"), words
    assert '<option value="public" selected>' in html and '<option value="internal">' in html
    assert english_left(html, "Zorblax payouts", "Zorblax body.", "zorblax", "General", "Basics") == []

    new = french.get("/editor/macros/new").get_data(as_text=True)
    assert "Nouvelle macro" in new and "Utilisez <code>::</code> pour classer la macro" in new
    assert english_left(new) == []


def test_the_review_screen_history_and_archive_question_are_french_with_french_dates(french, article):
    document = db.session.get(Document, article.id)
    created = document.latest.created_at
    html = french.get(f"/editor/articles/{article.id}").get_data(as_text=True)
    for words in ("Relecture : Zorblax payouts", "Comparer les révisions", "Fil de relecture",
                  "Aucun commentaire pour l'instant.", "Ajouter un commentaire", "Autres actions",
                  "Archiver…", "En ligne : révision 1 (celle-ci).", ">publié</span>",
                  "Révision 1 telle que les lecteurs la verront"):
        assert words in html.replace("&#39;", "'"), words
    # A date as French staff read it, with its machine form left alone.
    assert f'<time datetime="{created.isoformat()}">{created:%d/%m/%Y %H:%M} UTC</time>' in html
    assert english_left(html, "Zorblax payouts", "Zorblax body.", "Ada Admin") == []

    history = french.get(f"/editor/articles/{article.id}/history").get_data(as_text=True)
    assert "Historique de « Zorblax payouts »" in history and "Comparer les révisions sélectionnées" in history
    assert english_left(history, "Zorblax payouts") == []

    question = french.get(f"/editor/articles/{article.id}/archive").get_data(as_text=True)
    assert "Archiver l'article « Zorblax payouts » ?" in question.replace("&#39;", "'")
    assert "Annuler, le conserver" in question
    assert english_left(question, "Zorblax payouts", f"/articles/{article.slug}") == []


def test_the_workflow_messages_are_french(french, make_document):
    draft = make_document("article", state="draft", title="Zorblax draft")
    page = f"/editor/articles/{draft.id}"
    response = french.post(f"{page}/submit", data={"csrf_token": csrf_token(french, page)})
    assert response.status_code == 303
    assert flashes(french.get(page).get_data(as_text=True)) == ["Soumis en relecture."]
    french.post(f"{page}/publish", data={"csrf_token": csrf_token(french, page)})
    refused = flashes(french.get(page).get_data(as_text=True))
    assert len(refused) == 1 and refused[0].startswith("Impossible pour le moment : ")


def test_the_conflict_page_is_french(french, article, admin):
    edit = f"/editor/articles/{article.id}/edit"
    token = csrf_token(french, edit)
    document = db.session.get(Document, article.id)
    services.save_revision("article", article.id, replace(copy_input(document.latest), body="Theirs."),
                           1, admin)
    html = french.post(edit, data={"csrf_token": token, "base_revision": "1", "title": "Zorblax payouts",
                                   "body": "Mine.", "tags": "zorblax", "section": "general/basics",
                                   "visibility": "public", "message": ""}).get_data(as_text=True)
    assert "Quelqu'un a enregistré cet article pendant que vous le modifiiez" in html.replace("&#39;", "'")
    assert "Texte fusionné" in html and "Enregistrer le texte fusionné" in html
    assert english_left(html, "Zorblax payouts", "Ada Admin", "Mine.", "Theirs.", "Zorblax body.",
                        "zorblax", "General", "Basics") == []


def test_the_audit_log_pins_and_synonyms_are_french(french, article):
    french.post("/editor/synonyms", data={"term": "payout", "variants": "virement",
                                          "csrf_token": csrf_token(french, "/editor/synonyms")})
    synonyms = french.get("/editor/synonyms").get_data(as_text=True)
    assert "« payout » ajouté" in synonyms and "1 entrée" in synonyms and "Ajouter une entrée" in synonyms
    assert english_left(synonyms, "payout", "virement") == []

    pins = french.get("/editor/promoted").get_data(as_text=True)
    assert "Ajouter une épingle" in pins and "Rien n'est épinglé" in pins.replace("&#39;", "'")
    assert english_left(pins) == []

    audit = french.get("/editor/audit").get_data(as_text=True)
    assert "Journal d'audit" in audit.replace("&#39;", "'") and "Identifiant du document" in audit
    assert re.search(r"\d+ événements", audit)
    assert '<option value="publish">publier</option>' in audit and "<td>soumettre</td>" in audit
    assert english_left(audit, "Zorblax payouts", article.slug, "kb (programmé)") == []


def test_an_english_editor_reads_the_same_screens_in_english(app, admin, article):
    client = signed_in(app, admin)
    html = client.get(f"/editor/articles/{article.id}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    created = db.session.get(Document, article.id).latest.created_at
    assert "Compare revisions" in html and "Review thread" in html and "Comparer" not in html
    assert {"Compare revisions", "Review thread", "Edit", "published"} <= set(english_left(html))  # the check sees them
    assert f"{created:%Y-%m-%d %H:%M} UTC</time>" in html


def test_accept_language_alone_gives_the_french_screens(app, admin):
    client = signed_in(app, admin)
    html = client.get("/editor/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert "Tableau de bord éditorial" in html and "Editorial dashboard" not in html


def test_the_editor_forms_own_refusals_are_french(french, article):
    refused = french.post("/editor/content/bulk", data={
        "action": "review_by", "ids": [str(article.id)], "review_by": "soon", "back": "?",
        "csrf_token": csrf_token(french, "/editor/content")})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Rien n'a été modifié" in html.replace("&#39;", "'")
    assert "le champ « date de relecture » doit être une date comme 2027-03-01" in html

    edit = f"/editor/articles/{article.id}/edit"
    kept = french.post(edit, data={"csrf_token": csrf_token(french, edit), "base_revision": "1",
                                   "title": "Zorblax payouts", "body": "<<<<<<< yours\nA\n=======\nB\n>>>>>>> theirs",
                                   "visibility": "public"}).get_data(as_text=True)
    assert "le champ « corps » contient encore 2 lignes de marqueurs de conflit" in kept
