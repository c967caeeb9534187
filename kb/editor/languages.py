"""Languages on the review screen: the document's language versions, whether this one is
behind its source (with a link to the diff of what changed), and which locales may still be
started."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from kb import locales, permissions
from kb.content import translations
from kb.models import Document, User
from kb.models.content import ARTICLE


@dataclass(frozen=True)
class Panel:
    """What the review screen shows about languages."""

    #: The source and its translations the user may see, each with whether it is outdated.
    members: list[tuple[Document, bool]]
    #: How this translation is behind its source (None when it is not).
    change: translations.SourceChange | None
    #: The source's review screen with the diff of what changed, when behind.
    change_url: str | None
    #: The locales a translation may still be started in (from the source's screen).
    missing: list[str]


def panel(user: User, document: Document) -> Panel | None:
    """None when only one locale is configured, or for a personal macro."""
    if len(locales.configured()) < 2 or document.owner_id is not None:
        return None
    family = [m for m in translations.family(document) if permissions.visible(user, m)]
    outdated = translations.outdated_ids(m.id for m in family)
    change = translations.source_change(document)
    change_url = None
    if change is not None:
        change_url = url_for("editor.review", kind="articles" if document.kind == ARTICLE else "macros", document_id=change.source.id,
                             **{"from": change.confirmed.number, "to": change.live.number})
    taken = {m.locale for m in translations.family(document)}
    missing = [loc for loc in locales.configured() if loc not in taken] \
        if document.translation_of_id is None and permissions.may_edit(user, document) else []
    return Panel([(m, m.id in outdated) for m in family], change, change_url, missing)
