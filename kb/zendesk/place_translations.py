"""Zendesk category and section translations, read into the sections-file entries and written back.

Zendesk answers ``GET /api/v2/help_center/categories/{id}/translations.json`` (and
``sections/{id}/…``) with rows of ``title``, ``body`` (the description) and ``locale``. They are
read from ``categories/<id>/translations.json`` and ``sections/<id>/translations.json`` (the API
path, as :mod:`kb.zendesk.writer` writes them), and from rows whose ``source_type`` is
``Category`` or ``Section`` in the article translations files. A place with translation rows
gets its translated names replaced by them (see :mod:`kb.transfer_sections`); a place with
none keeps what it has. A draft or hidden translation is not shown on Zendesk's help center, so
it is not brought in either. Nothing here touches the database.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from kb import locales
from kb.extensions import db
from kb.models import PlaceName
from kb.zendesk.reader import Export, ZendeskFileError, load
from kb.zendesk.translations import kb_locale

#: Zendesk's ``source_type`` -> the folder its translations answer sits under.
FOLDERS = {"Category": "categories", "Section": "sections"}


def read(directory: Path, result: Export) -> None:
    """Put a ``translations`` mapping on each tree entry Zendesk has translations for."""
    found = list(result.place_rows)
    for source_type, folder in FOLDERS.items():
        base = directory / folder
        paths = sorted(base.glob("*/translations.json"), key=lambda p: (len(p.parent.name), p.parent.name)) \
            if base.is_dir() else []
        for path in paths:
            origin = str(path.relative_to(directory))
            try:
                rows = load(path, "translations")
            except ZendeskFileError as exc:
                result.failures.append((origin, str(exc)))
                continue
            owner = int(path.parent.name) if path.parent.name.isdigit() else None
            for row in rows:
                source_id = row.get("source_id") if isinstance(row.get("source_id"), int) else owner
                found.append((row, f"{origin}#{row['id']}", source_type, source_id))
    chosen: dict[tuple[str, int], dict[str, str]] = {}
    ranked = sorted(found, key=lambda f: not kb_locale(str(f[0].get("locale") or ""))[1])
    for row, origin, source_type, source_id in ranked:
        entry = result.places.get((source_type, source_id))
        if entry is None:
            result.notes.append((origin, f"its {source_type.lower()} {source_id} is not in "
                                         f"{FOLDERS[source_type]}.json; skipped"))
            continue
        names = entry.setdefault("translations", {})
        tag = str(row.get("locale") or "")
        if tag.lower() == str(entry.get("zendesk_locale") or "").lower():
            continue  # Zendesk lists the source's own locale among its translations
        locale, _ = kb_locale(tag)
        if locale is None or locale == locales.default():
            result.notes.append((origin, f"a {tag or 'locale-less'} name; this help center has "
                                         f"{', '.join(locales.configured())} (the default's names are "
                                         "the place's own), so it is skipped"))
            continue
        if row.get("draft") or row.get("hidden"):
            result.notes.append((origin, f"a {tag} name that is a draft or hidden in Zendesk; not brought in"))
            continue
        if locale in names:
            result.notes.append((origin, f"a {tag} name; {chosen[source_type, source_id][locale]} "
                                         f"already names this {source_type.lower()} in {locale}"))
            continue
        title = str(row.get("title") or "").strip()
        if not title:
            result.notes.append((origin, f"a {tag} name with no title; skipped"))
            continue
        names[locale] = {"title": title[:200], "description": str(row.get("body") or "")}
        chosen.setdefault((source_type, source_id), {})[locale] = origin


def write(folder: Path) -> int:
    """Write each place's translations answer under ``folder``; returns how many rows were
    written. Places are exported with kb's ids (see :mod:`kb.zendesk.writer`), and so are their
    translation rows."""
    rows = db.session.execute(select(PlaceName).order_by(PlaceName.id)).scalars().all()
    by_place: dict[tuple[str, int], list[PlaceName]] = {}
    for row in rows:
        key = ("Category", row.category_id) if row.category_id is not None else ("Section", row.section_id)
        by_place.setdefault(key, []).append(row)
    order = {locale: n for n, locale in enumerate(locales.configured())}
    for (source_type, place_id), names in sorted(by_place.items()):
        names.sort(key=lambda row: (order.get(row.locale, len(order)), row.locale))
        answer = [{"id": row.id, "source_id": place_id, "source_type": source_type,
                   "locale": row.locale.lower(), "title": row.title, "body": row.description or "",
                   "outdated": False, "draft": False, "hidden": False} for row in names]
        path = folder / FOLDERS[source_type] / str(place_id) / "translations.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"translations": answer, "count": len(answer), "next_page": None},
                          indent=2, ensure_ascii=False)
        path.write_text(text + "\n", encoding="utf-8")
    return len(rows)
