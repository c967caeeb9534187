"""Starting a translation from the app: a new draft in another locale, tied to its source."""

from __future__ import annotations

from kb import locales
from kb.content import queries, services
from kb.models import Document, User


def start_translation(kind: str, source_id: int, locale: str, actor: User | None) -> Document:
    """A new draft document in ``locale`` holding a copy of the source's latest text, for the
    translator to overwrite; it then goes through review like any document.

    :raises ValidationError, NotFoundError, ConflictError: see
        :func:`kb.content.translations.check_new` (an unknown locale names the configured ones).
    """
    locale = locales.check(locale)
    source = queries.get_document(kind, source_id)
    latest = source.published or source.latest
    data = services.copy_input(latest, f"Started the {locale} translation")
    return services.create_document(kind, data, actor, locale=locale, translation_of=source.id,
                                    create_sections=True)
