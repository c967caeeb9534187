"""The public help center speaks French to a French reader: home, listings, article, search,
contact, sign-in and error pages, with French dates and plurals; English readers keep English."""

from __future__ import annotations

from html import unescape

import pytest

from kb.models.types import utcnow
from tests.support import csrf_token
from tests.support.visible import visible_text

FR = {"Accept-Language": "fr"}

LONG_BODY = """Payouts move your earnings to your bank.

## Setting up payouts

Add a bank account under **Settings**.

## When payouts arrive

Payouts arrive on the first business day of the month.

## Fees

There is no fee for bank transfers.
"""

#: Interface phrases of the help center, sign-in and error pages that a French page must not
#: show (checked against the visible text and the attributes a reader hears or sees).
ENGLISH = [
    "Help Center", "How can we help", "Search for answers", "Search by keyword", "Browse by topic",
    "See all", "Breadcrumb", "On this page", "Was this article helpful", "Still need help",
    "Contact support", "Related articles", "Previous", "Next", "More in", "Updated",
    "Search results", "result for", "results for", "All categories", "Matched", "No articles match",
    "Browse all", "Did you mean", "Result pages", "Your e-mail", "Topic", "Subject",
    "What happened", "Screenshots", "Leave this empty", "Send the request", "Show answers first",
    "These articles may answer", "Start typing", "Thank you", "Back to", "Sign in", "Password",
    "Forgot password", "We couldn't find", "Search the help center", "Skip to content", "Yes", "No ",
    "Thanks for your feedback", "Anything we could add", "Send comment", "article in", "articles in",
    "Set your password", "This link", "Internal", "Staff", "Edit", "Reader feedback",
]


def assert_french(html: str, *user_content: str) -> None:
    text = visible_text(html, *user_content)
    left = [phrase for phrase in ENGLISH if phrase in text]
    assert not left, f"English left on a French page: {left}\n{text}"


def text_of(response) -> str:
    """The page with its character references decoded (``_()`` output is not re-escaped,
    Jinja's escaping of values is), so assertions read the words as a reader does."""
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr", "SMTP_URL": "smtp://127.0.0.1:9", "MAIL_FROM": "help@example.com"}


@pytest.fixture
def site(make_document):
    """Four published articles in one section, one in another: titles are user content."""
    docs = {
        "long": make_document(state="published", title="How payouts work", body=LONG_BODY,
                              section="payouts/schedule"),
        "bank": make_document(state="published", title="Adding a bank account",
                              body="Add a bank account to receive payouts.", section="payouts/schedule"),
        "holidays": make_document(state="published", title="Payout holidays",
                                  body="Payouts wait for bank holidays to pass.", section="payouts/schedule"),
        "card": make_document(state="published", title="Updating your card",
                              body="Change the card your membership is billed to.", section="billing/cards"),
    }
    return docs


USER_CONTENT = ("How payouts work", "Adding a bank account", "Payout holidays", "Updating your card",
                "Payouts", "Schedule", "Billing", "Cards", "payouts", "schedule", "billing", "cards")


def test_the_home_page_is_french(client, site):
    html = text_of(client.get("/", headers=FR))
    assert "Comment pouvons-nous vous aider ?" in html
    assert 'placeholder="Rechercher des réponses…"' in html
    assert "Recherchez par mot-clé" in html and "Parcourir par sujet" in html
    assert "How can we help?" not in html and "Search for answers" not in html
    assert_french(html, *USER_CONTENT)


def test_an_english_reader_keeps_the_english_help_center(client, site):
    html = text_of(client.get("/", headers={"Accept-Language": "en"}))
    assert "How can we help?" in html and "Comment pouvons-nous" not in html
    category = text_of(client.get("/categories/payouts"))
    assert "3 articles in 1 section" in category


def test_category_and_section_pages_count_in_french(client, site):
    category = text_of(client.get("/categories/payouts", headers=FR))
    assert "3 articles dans 1 section" in category
    assert 'aria-label="Fil d\'Ariane"' in category and "Centre d'aide" in category
    assert_french(category, *USER_CONTENT)
    section = text_of(client.get("/categories/payouts/schedule", headers=FR))
    assert "3 articles d'aide dans" in section
    assert_french(section, *USER_CONTENT)


def test_the_article_page_is_french(client, site):
    slug = site["long"].slug
    html = text_of(client.get(f"/fr/articles/{slug}"))
    # No French translation: the English article with a French notice naming the languages.
    assert "Cet article n'est pas encore disponible en français ; le voici en anglais." in html
    for phrase in ("Sur cette page", "Cet article vous a-t-il été utile ?", ">Oui</button>",
                   ">Non</button>", "Besoin d'aide supplémentaire ?", "Contacter l'assistance",
                   "Suivant", "Mis à jour le"):
        assert phrase in html, phrase
    assert "Was this article helpful?" not in html and "On this page" not in html
    assert_french(html, *USER_CONTENT, LONG_BODY, "Setting up", "When", "arrive", "Fees")


def test_the_vote_thanks_and_the_comment_form_are_french(client, site):
    slug = site["bank"].slug
    token = csrf_token(client, f"/fr/articles/{slug}")
    answer = client.post(f"/en/articles/{slug}/feedback", data={"helpful": "no", "csrf_token": token})
    assert answer.status_code == 303
    html = text_of(client.get(f"/fr/articles/{slug}"))
    assert "Merci pour votre avis ! Vous avez indiqué que cet article n'était <strong>pas utile</strong>" in html
    assert "Que cherchiez-vous, ou qu'est-ce qui n'était pas clair ? (facultatif)" in html
    assert "Envoyer le commentaire" in html and "Thanks for your feedback" not in html


def test_staff_see_french_tools_and_a_french_date(client, site, make_user, login):
    slug = site["holidays"].slug
    token = csrf_token(client, f"/fr/articles/{slug}")
    client.post(f"/en/articles/{slug}/feedback",
                data={"helpful": "yes", "comment": "Clear and short", "csrf_token": token})
    editor = login(make_user("editor"))
    html = text_of(client.get(f"/fr/articles/{slug}"))
    assert ">Modifier</a>" in html and "Relecture et historique" in html
    assert "Avis des lecteurs" in html and "Équipe uniquement" in html
    assert "<strong>100 % ont trouvé cet article utile</strong> : 1 oui, 0 non." in html
    months = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
              "nov.", "déc."]
    today = utcnow()
    assert f"{today.day} {months[today.month - 1]} {today.year}</time>: Clear and short" in html
    assert_french(html, *USER_CONTENT, "Clear and short", editor.name)


def test_search_results_count_and_empty_results_in_french(client, site):
    html = text_of(client.get("/search?q=bank", headers=FR))
    assert "3 résultats pour <strong>« bank »</strong>" in html
    assert "Toutes les catégories" in html and "Correspondances :" in html
    assert " results for " not in html
    assert_french(html, *USER_CONTENT, "bank", "Bank", "account", "receive", "wait", "holidays",
                  "pass", "move", "your", "earnings", "to", "Add", "a")
    one = text_of(client.get("/search?q=membership", headers=FR))
    assert "1 résultat pour <strong>« membership »</strong>" in one
    none = text_of(client.get("/search?q=zzzqqq", headers=FR))
    assert "0 résultat pour" in none  # French counts zero as singular
    assert "Aucun article ne correspond à cette recherche." in none
    empty = text_of(client.get("/search", headers=FR))
    assert "Saisissez une question ou quelques mots-clés" in empty
    assert_french(empty, *USER_CONTENT)


def test_search_pages_are_labelled_in_french(client, make_document):
    for n in range(11):
        make_document(state="published", title=f"Refund rule {n}", body="Refunds take five days.",
                      section="billing/refunds")
    html = text_of(client.get("/search?q=refund", headers=FR))
    assert "11 résultats pour" in html
    assert 'aria-label="Pages de résultats"' in html
    assert '<span class="visually-hidden">Page </span>Suivante ›' in html


def test_contact_pages_are_french(client, site):
    html = text_of(client.get("/contact", headers=FR))
    for phrase in ("Contacter l'assistance", "Votre adresse e-mail", "Objet",
                   "Captures d'écran (facultatif : jusqu'à", "Envoyer la demande",
                   "Voir d'abord les réponses", "Commencez à écrire"):
        assert phrase in html, phrase
    assert_french(html, *USER_CONTENT)
    token = csrf_token(client, "/contact")
    trap = client.post("/contact", headers=FR, data={
        "csrf_token": token, "email": "ana@example.com", "subject": "Help", "description": "Please",
        "website": "http://spam.example"})
    assert trap.status_code == 400
    assert "Cette demande semble automatisée" in text_of(trap)
    sent = client.post("/contact", headers=FR, data={
        "csrf_token": token, "email": "ana@example.com", "subject": "Card refused",
        "description": "My card is refused."})
    page = text_of(sent)
    assert "Merci : votre demande a bien été reçue" in page and "Nous avons enregistré la demande n°" in page
    assert_french(page, "ana@example.com")


def test_sign_in_pages_are_french(client, make_user):
    login = text_of(client.get("/login", headers=FR))
    assert "<h1>Se connecter</h1>" in login and "Mot de passe oublié ?" in login
    assert_french(login)
    refused = client.post("/login", headers=FR, data={
        "email": "nobody@example.com", "password": "wrong-password", "csrf_token": csrf_token(client)})
    assert refused.status_code == 401
    assert "Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte." in text_of(refused)
    forgot = text_of(client.get("/forgot-password", headers=FR))
    assert "Saisissez l'adresse e-mail avec laquelle vous vous connectez." in forgot
    assert_french(forgot)
    sent = client.post("/forgot-password", headers=FR, data={
        "email": "nobody@example.com", "csrf_token": csrf_token(client, "/forgot-password")})
    assert "Il ne fonctionne qu'une fois, pendant une heure." in text_of(sent)
    unusable = client.get("/reset-password/not-a-real-link", headers=FR)
    text = text_of(unusable)
    assert "Ce lien ne peut pas être utilisé" in text and "Ce lien n'est pas valide." in text
    assert_french(text)


def test_error_pages_are_french(client):
    missing = client.get("/categories/nowhere", headers=FR)
    html = text_of(missing)
    assert missing.status_code == 404
    assert "Nous n'avons pas trouvé cette page" in html and "Page introuvable" in html
    assert_french(html)
    expired = client.post("/login", headers=FR, data={"email": "a@example.com", "password": "x"})
    text = text_of(expired)
    assert expired.status_code == 400
    assert "Le formulaire a expiré" in text and "Cela n'a pas fonctionné" in text
    assert_french(text)
    bad_page = text_of(client.get("/search?q=card&page=first", headers=FR))
    assert "le numéro de page doit être un nombre entier" in bad_page


def test_error_pages_stay_english_for_an_english_reader_and_json_stays_english(client):
    expired = client.post("/login", data={"email": "a@example.com", "password": "x"})
    assert "The form expired" in text_of(expired)
    api = client.get("/api/v1/nowhere", headers=FR)
    assert api.is_json and "introuvable" not in text_of(api)
