"""The synonym list editors keep: other ways people say what the help center calls a term.

Stored in the ``synonyms`` table and applied at query time (:mod:`kb.search.phrasing`), so an
edit takes effect without rebuilding the index. Each process keeps the list it built, with the
list's version number (a row of the ``settings`` table, bumped in the same transaction as every
change): a search looks the number up at most every :data:`CHECK_EVERY` seconds and rebuilds
its copy when it moved, so another process's edit reaches this one within that time, and this
process's own edits at once.

The suggest feature's ticket phrasing list (:mod:`kb.search.synonyms`) is separate: it maps a
customer's long-winded ticket wording, which is not what people type into a search box.
"""

from __future__ import annotations

import re
import time

from flask import current_app
from sqlalchemy import select

from kb import permissions, settings, validation
from kb.database import transaction
from kb.errors import NotFoundError, ValidationError
from kb.extensions import db
from kb.models import Synonym
from kb.search.phrasing import Synonyms, keys_of

VERSION_KEY = "search.synonyms_version"
#: Seconds a process trusts its copy of the list before checking the version again.
CHECK_EVERY = 0.5
MAX_TERM = 100
MAX_VARIANT = 100
MAX_VARIANTS = 50
_CACHE = "kb.search_synonyms"
_SEPARATORS = re.compile(r"[\n,;]")


def entries() -> list[Synonym]:
    """Every entry, by term."""
    return list(db.session.execute(select(Synonym).order_by(Synonym.term)).scalars())


def get(synonym_id: int) -> Synonym:
    """:raises NotFoundError: no such entry."""
    found = db.session.get(Synonym, validation.identifier(synonym_id, "synonym entry"))
    if found is None:
        raise NotFoundError("no such synonym entry")
    return found


def split_variants(text: str) -> list[str]:
    """The variants of a text box: one per line, or separated by commas or semicolons."""
    return [v for v in (" ".join(p.split()) for p in _SEPARATORS.split(text or "")) if v]


def add(actor, term: str, variants: list[str]) -> Synonym:
    """A new entry. :raises ValidationError: see :func:`clean`."""
    permissions.require_synonym_editor(actor)
    term, variants = clean(term, variants)
    with transaction():
        _refuse_taken(term, None)
        entry = Synonym(term=term, variants=variants)
        db.session.add(entry)
        _bump()
    return entry


def update(actor, synonym_id: int, term: str, variants: list[str]) -> Synonym:
    """Change an entry. :raises ValidationError, NotFoundError:"""
    permissions.require_synonym_editor(actor)
    term, variants = clean(term, variants)
    with transaction():
        entry = get(synonym_id)
        _refuse_taken(term, entry.id)
        entry.term, entry.variants = term, variants
        _bump()
    return entry


def delete(actor, synonym_id: int) -> None:
    """Remove an entry. :raises NotFoundError:"""
    permissions.require_synonym_editor(actor)
    with transaction():
        db.session.delete(get(synonym_id))
        _bump()


def replace_all(pairs: list[tuple[str, list[str]]]) -> int:
    """Create or update an entry per ``(term, variants)`` (an import); entries not named stay.
    All or nothing. Returns how many entries changed.

    :raises ValidationError: an entry is refused; its message names the term."""
    cleaned = []
    for term, variants in pairs:
        try:
            cleaned.append(clean(term, variants))
        except ValidationError as exc:
            raise ValidationError(f"{str(term)[:40]!r}: {exc}", field=exc.field) from None
    changed = 0
    with transaction():
        existing = {_key(e.term): e for e in entries()}
        for term, variants in cleaned:
            entry = existing.get(_key(term))
            if entry is None:
                entry = existing[_key(term)] = Synonym(term=term, variants=variants)
                db.session.add(entry)
            elif (entry.term, entry.variants) == (term, variants):
                continue
            entry.term, entry.variants = term, variants
            changed += 1
        if changed:
            _bump()
    return changed


def clean(term, variants) -> tuple[str, list[str]]:
    """The term and its variants as stored: one line each, spaces collapsed, duplicates and
    repeats of the term dropped.

    :raises ValidationError: a blank or overlong term or variant, no variant, too many, or a
        term or variant without a word search can match (only punctuation or stop words).
    """
    term = " ".join(validation.text(term, "term", required=True, multiline=False,
                                    max_length=MAX_TERM).split())
    if not keys_of(term):
        raise ValidationError("the term needs a word search can match (not only short or "
                              "common words)", field="term")
    if not isinstance(variants, list):
        raise ValidationError("variants must be a list of words or phrases", field="variants")
    out: list[str] = []
    seen = {_key(term)}
    for raw in variants:
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(raw)
        value = " ".join(validation.text(raw, "variants", multiline=False).split())
        if not value:
            continue
        if len(value) > MAX_VARIANT:
            raise ValidationError(f"the variant {value[:30]!r}\u2026 is longer than "
                                  f"{MAX_VARIANT} characters", field="variants")
        if not keys_of(value):
            raise ValidationError(f"the variant {value!r} has no word search can match",
                                  field="variants")
        if _key(value) not in seen:
            seen.add(_key(value))
            out.append(value)
    if not out:
        raise ValidationError("give at least one other way to say the term", field="variants")
    if len(out) > MAX_VARIANTS:
        raise ValidationError(f"at most {MAX_VARIANTS} variants per term", field="variants")
    return term, out


def current() -> Synonyms:
    """The list as search applies it, rebuilt when its version moved (see the module doc)."""
    app = current_app._get_current_object()
    cached = app.extensions.get(_CACHE)
    now = time.monotonic()
    if cached is not None and now - cached[0] < CHECK_EVERY:
        return cached[1]
    version = settings.get(VERSION_KEY, "0")
    if cached is None or cached[1].version != version:
        built = Synonyms({e.term: e.variants for e in entries()}, version)
    else:
        built = cached[1]
    app.extensions[_CACHE] = (now, built)
    return built


def _key(text: str) -> str:
    return " ".join(keys_of(text)) or text.lower()


def _refuse_taken(term: str, own_id: int | None) -> None:
    for entry in entries():
        if entry.id != own_id and _key(entry.term) == _key(term):
            raise ValidationError(f"{entry.term!r} is already in the list; edit that entry",
                                  field="term")


def _bump() -> None:
    """Move the list's version (in the caller's transaction) and forget this process's copy."""
    settings.put(VERSION_KEY, str(int(settings.get(VERSION_KEY, "0") or 0) + 1))
    current_app.extensions.pop(_CACHE, None)
