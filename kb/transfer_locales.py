"""Locales in content files: ``locale:`` and ``translation_of:`` read against the database.

A file without them is in the default locale. A translation names its source by the source's
slug; when the source comes later in the same import, the translation waits for it.
"""

from __future__ import annotations

from kb import locales, transfer_workflow
from kb.errors import KbError
from kb.transfer_files import ContentFileError


class SourceNotYet(Exception):
    """A translation's source is not in the database (yet: it may come later in the import)."""


def file_locale(kind: str, wanted: str | None, translation_of: str | None,
                may_wait: bool) -> tuple[str, int | None]:
    """The file's locale and, for a translation, its source's id.

    :raises ContentFileError: an unknown locale (named), or a locale and ``translation_of`` that
        do not go together.
    :raises SourceNotYet: the source is not imported yet and ``may_wait``.
    """
    default = locales.default()
    try:
        locale = locales.check(wanted) if wanted else default
    except KbError as exc:
        raise ContentFileError(exc.message) from None
    if translation_of is None:
        if locale != default:
            raise ContentFileError(f"a {locale} file needs translation_of: <slug of its {default} source>")
        return locale, None
    if locale == default:
        raise ContentFileError(f"translation_of needs a locale other than the default {default}")
    source = transfer_workflow.find_existing(kind, translation_of, default)
    if source is None and may_wait:
        raise SourceNotYet(translation_of)
    if source is None:
        raise ContentFileError(f"translation_of: no {default} {kind} {translation_of!r}")
    return locale, source.document_id
