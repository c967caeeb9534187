"""The sections file of a content folder: ``articles/sections.yml``.

Folders name an article's category and section, but not their titles, descriptions or order,
which the help center home shows. ``kb export`` writes them here and ``kb import`` reads them
back, so a round trip gives back the same home page. An entry may carry ``translations:``, its
title and description per other locale (``fr: {title: …, description: …}``); an entry without
that key leaves the stored translations alone, one with it replaces them (see
:mod:`kb.content.place_names`). Categories and sections are not
reviewed (nothing in the app edits them), so the file's values win over stored ones. The file
is read within the same bounds as content files (see :mod:`kb.transfer_files`).
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from kb.content import place_names
from kb.content.slugs import slugify
from kb.database import transaction
from kb.errors import ValidationError
from kb.extensions import db
from kb.models import Category, Section
from kb.transfer_files import (ContentFileError, content_files_named, load_yaml, read_text,
                               yaml_problem)

FILE_NAME = "sections.yml"


class SectionsFileError(Exception):
    """A sections file that cannot be read; the message says why."""


def sections_files(paths: list[Path]) -> dict[Path, str | None]:
    """The sections files that go with an import's paths, each with why it is refused, if it is."""
    return content_files_named(FILE_NAME, paths)


def dump() -> str:
    """Every category and section, in the order the help center shows them."""
    categories = db.session.execute(
        select(Category).order_by(Category.position, Category.slug)).scalars().all()
    tree = []
    for category in categories:
        sections = sorted(category.sections, key=lambda s: (s.position, s.slug))
        tree.append({
            **_fields(category),
            "sections": [_fields(section) for section in sections],
        })
    return yaml.safe_dump({"categories": tree}, sort_keys=False, allow_unicode=True, width=1000)


def _fields(row: Category | Section) -> dict:
    fields = {"slug": row.slug, "title": row.title, "description": row.description or "",
              "position": row.position}
    names = place_names.of(row)
    if names:
        fields["translations"] = {locale: {"title": name.title, "description": name.description}
                                  for locale, name in names.items()}
    return fields


def load(path: Path) -> int:
    """Create or update the categories and sections a file lists; returns how many rows changed.

    :raises SectionsFileError: unreadable, broken YAML or a malformed entry (nothing is written).
    """
    try:
        data = load_yaml(read_text(path))
    except ContentFileError as exc:
        raise SectionsFileError(str(exc)) from None
    except yaml.YAMLError as exc:
        raise SectionsFileError(f"broken YAML{yaml_problem(exc)}") from None
    except (TypeError, ValueError) as exc:  # e.g. an unhashable key
        raise SectionsFileError(f"broken YAML: {exc}") from None
    entries = (data or {}).get("categories") if isinstance(data, dict) else None
    return apply_entries(entries)


def apply_entries(entries) -> int:
    """Create or update categories and sections from entries shaped as the sections file's
    (also what :mod:`kb.zendesk` reads Help Center categories and sections into).

    :raises SectionsFileError: a malformed entry (nothing is written).
    """
    if not isinstance(entries, list):
        raise SectionsFileError("expected a list under 'categories'")
    changed = 0
    with transaction():
        for entry in entries:
            fields = _read_fields(entry, "category")
            category = db.session.execute(
                select(Category).where(Category.slug == fields["slug"])).scalar_one_or_none()
            if category is None:
                category = Category(slug=fields["slug"])
                db.session.add(category)
            changed += _assign(category, fields)
            db.session.flush()
            changed += _translate(category, fields)
            sections = entry.get("sections") or []
            if not isinstance(sections, list):
                raise SectionsFileError(f"category {fields['slug']!r}: sections must be a list")
            for item in sections:
                fields = _read_fields(item, "section")
                section = db.session.execute(select(Section).where(
                    Section.category_id == category.id, Section.slug == fields["slug"])
                ).scalar_one_or_none()
                if section is None:
                    section = Section(category_id=category.id, slug=fields["slug"])
                    db.session.add(section)
                changed += _assign(section, fields)
                db.session.flush()
                changed += _translate(section, fields)
    return changed


def _read_fields(entry, what: str) -> dict:
    if not isinstance(entry, dict) or not entry.get("slug"):
        raise SectionsFileError(f"each {what} needs a slug")
    if isinstance(entry["slug"], (dict, list)):
        raise SectionsFileError(f"each {what} needs a slug, a word")
    slug = slugify(str(entry["slug"]))
    position = entry.get("position", 0)
    if isinstance(position, bool) or not isinstance(position, int):
        raise SectionsFileError(f"{what} {slug!r}: position must be a whole number")
    return {"slug": slug, "title": _text(entry, "title", what, slug)[:200] or slug,
            "description": _text(entry, "description", what, slug), "position": position,
            "translations": _translations(entry, what, slug)}


def _translations(entry: dict, what: str, slug: str) -> dict[str, place_names.Name] | None:
    """The entry's names per locale; None when it has no ``translations`` key."""
    if entry.get("translations") is None:
        return None
    found = entry["translations"]
    if not isinstance(found, dict):
        raise SectionsFileError(f"{what} {slug!r}: translations must map a locale to a title "
                                "and description")
    names = {}
    for locale, value in found.items():
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            value = {"title": value}
        if not isinstance(value, dict):
            raise SectionsFileError(f"{what} {slug!r}: the {locale} translation must have a title")
        names[str(locale)] = place_names.Name(_text(value, "title", what, slug),
                                              _text(value, "description", what, slug))
    try:
        return place_names.check(names, f"{what} {slug!r}")
    except ValidationError as exc:
        raise SectionsFileError(exc.message) from None


def _text(entry: dict, key: str, what: str, slug: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SectionsFileError(f"{what} {slug!r}: {key} must be text")
    return str(value)


def _translate(row: Category | Section, fields: dict) -> int:
    if fields["translations"] is None:
        return 0
    return int(place_names.replace(row, fields["translations"]))


def _assign(row: Category | Section, fields: dict) -> int:
    changed = 0
    for name in ("title", "description", "position"):
        if getattr(row, name) != fields[name]:
            setattr(row, name, fields[name])
            changed = 1
    return changed
