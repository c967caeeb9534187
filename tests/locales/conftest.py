"""Fixtures for the locale tests: a help center in English (the default), French and German,
and helpers that walk a document through the real review workflow."""

from __future__ import annotations

import pytest

from kb.content import services, translating
from kb.content.services import DocumentInput
from kb.extensions import db
from kb.models import Document
from kb.review import services as review


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr,de"}


@pytest.fixture
def people(make_user):
    return {"editor": make_user("editor"), "reviewer": make_user("reviewer")}


@pytest.fixture
def publish(people):
    """``publish(document)``: submit, approve and publish its latest revision."""

    def run(document):
        review.submit(document.kind, document.id, people["editor"])
        review.approve(document.kind, document.id, people["reviewer"])
        review.publish(document.kind, document.id, people["reviewer"])
        return db.session.get(Document, document.id)

    return run


@pytest.fixture
def edit(people):
    """``edit(document, title=…, body=…)``: save a new revision on top of the latest."""

    def run(document, **changes):
        document = db.session.get(Document, document.id)
        latest = document.latest
        data = services.copy_input(latest)
        data = DocumentInput(**{**data.__dict__, **changes})
        return services.save_revision(document.kind, document.id, data, latest.number, people["editor"])

    return run


@pytest.fixture
def source(people, publish):
    """A published English article."""
    document = services.create_document("article", DocumentInput(
        title="Payout schedule", body="Payouts go out every Friday.", section="payments/payouts"),
        people["editor"], create_sections=True)
    return publish(document)


@pytest.fixture
def french(source, people, edit, publish):
    """The source's published French translation."""
    draft = translating.start_translation("article", source.id, "fr", people["editor"])
    edit(draft, title="Calendrier des virements", body="Les virements partent chaque vendredi.",
         slug="calendrier-des-virements")
    return publish(draft)
