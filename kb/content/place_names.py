"""Category and section names in the readers' languages.

A category or section has its title and description in the default locale on its own row, and
one :class:`kb.models.PlaceName` per other locale that has them translated. Readers of a locale
with no translated name read the default one, so a half-translated help center still names
every place. Names are not reviewed (nothing about categories is): the sections file and the
Zendesk import set them, and :func:`replace` is their one writer.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kb import locales
from kb.errors import ValidationError
from kb.extensions import db
from kb.models import Category, PlaceName, Section

CATEGORY = "category"
SECTION = "section"


@dataclass(frozen=True)
class Name:
    """What a place is called in one locale."""

    title: str
    description: str = ""


def in_locale(locale: str) -> dict[tuple[str, int], Name]:
    """Every translated name in ``locale``, keyed ``(CATEGORY|SECTION, id)``; empty for the
    default locale, whose names are the places' own."""
    if locale == locales.default():
        return {}
    rows = db.session.execute(select(PlaceName).where(PlaceName.locale == locale)).scalars()
    return {_key(row): Name(row.title, row.description or "") for row in rows}


def of(place: Category | Section) -> dict[str, Name]:
    """The translated names of one place, by locale, in the configured order (then the rest)."""
    column = PlaceName.category_id if isinstance(place, Category) else PlaceName.section_id
    rows = db.session.execute(select(PlaceName).where(column == place.id)).scalars().all()
    order = {locale: n for n, locale in enumerate(locales.configured())}
    rows = sorted(rows, key=lambda row: (order.get(row.locale, len(order)), row.locale))
    return {row.locale: Name(row.title, row.description or "") for row in rows}


def check(names: dict[str, Name], where: str) -> dict[str, Name]:
    """The names keyed by configured locale (a tag's case is forgiven).

    :raises ValidationError: an unknown locale, the default locale (whose names are the
        place's own) or an empty title.
    """
    checked: dict[str, Name] = {}
    for tag, name in names.items():
        locale = locales.check(tag, field=f"{where} translations")
        if locale == locales.default():
            raise ValidationError(f"{where}: the {locale} names are the title and description "
                                  "themselves, not a translation", field="translations")
        if not name.title.strip():
            raise ValidationError(f"{where}: the {locale} translation needs a title", field="translations")
        checked[locale] = Name(name.title.strip()[:200], name.description or "")
    return checked


def replace(place: Category | Section, names: dict[str, Name]) -> bool:
    """Make ``names`` the place's translated names (inside the caller's transaction): locales
    left out lose theirs. Returns whether anything changed. ``names`` come from :func:`check`."""
    if place.id is None:
        db.session.flush()
    column = PlaceName.category_id if isinstance(place, Category) else PlaceName.section_id
    existing = {row.locale: row for row in db.session.execute(
        select(PlaceName).where(column == place.id)).scalars()}
    changed = False
    for locale, row in existing.items():
        if locale not in names:
            db.session.delete(row)
            changed = True
    for locale, name in names.items():
        row = existing.get(locale)
        if row is None:
            row = PlaceName(locale=locale, title=name.title, description=name.description)
            if isinstance(place, Category):
                row.category_id = place.id
            else:
                row.section_id = place.id
            db.session.add(row)
            changed = True
        elif (row.title, row.description or "") != (name.title, name.description):
            row.title, row.description = name.title, name.description
            changed = True
    return changed


def _key(row: PlaceName) -> tuple[str, int]:
    return (CATEGORY, row.category_id) if row.category_id is not None else (SECTION, row.section_id)
