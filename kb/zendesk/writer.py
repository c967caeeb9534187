"""``kb export-zendesk``: the help center and macros written back in Zendesk's API shapes.

The files are those :mod:`kb.zendesk.reader` reads, so a team can leave as it came: articles
carry their rendered (sanitised) HTML, macros their text with kb placeholders spelled the
Zendesk way again. Ids are the Zendesk ids a document was imported from, else kb's own.
Archived articles are left out (Zendesk's archive is not part of its API answers); archived
macros are written inactive.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from kb.content import translations
from kb.extensions import db
from kb.models import Category, Document, Section, User, ZendeskLink
from kb.models.content import ARTICLE, MACRO
from kb.models.zendesk import TRANSLATION
from kb.zendesk import place_translations, placeholders

#: The user segment id written for internal articles (Zendesk's "signed-in users" stand-in).
INTERNAL_SEGMENT = 1


def export_directory(directory: str | Path) -> dict[str, int]:
    """Write the JSON files; returns how many rows each holds."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    links = {(kind, doc): zid for kind, doc, zid in db.session.execute(
        select(ZendeskLink.kind, ZendeskLink.document_id, ZendeskLink.zendesk_id))}
    categories, sections = _tree()
    answers = {"categories": categories, "sections": sections, "articles": _articles(links)}
    answers["macros"], answers["users"] = _macros(links)
    for name, rows in answers.items():
        _write(folder / f"{name}.json", name, rows)
    counts = {name: len(rows) for name, rows in answers.items()}
    by_article = _translations(links, {row["kb_id"]: row for row in answers["articles"]})
    for row in answers["articles"]:
        del row["kb_id"]
    if by_article:
        (folder / "translations").mkdir(exist_ok=True)
    for article_id, rows in by_article.items():
        _write(folder / "translations" / f"{article_id}.json", "translations", rows)
    counts["translations"] = sum(len(rows) for rows in by_article.values())
    names = place_translations.write(folder)
    if names:
        counts["category and section translations"] = names
    return counts


def _write(path: Path, name: str, rows: list[dict]) -> None:
    text = json.dumps({name: rows, "count": len(rows), "next_page": None}, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


def _tree() -> tuple[list[dict], list[dict]]:
    categories, sections = [], []
    for category in db.session.scalars(select(Category).order_by(Category.position, Category.slug)):
        categories.append({"id": category.id, "name": category.title or category.slug,
                           "description": category.description or "", "position": category.position,
                           "locale": "en-us", "source_locale": "en-us", "outdated": False})
        for section in sorted(category.sections, key=lambda s: (s.position, s.slug)):
            sections.append({"id": section.id, "category_id": category.id,
                             "name": section.title or section.slug,
                             "description": section.description or "",
                             "position": section.position, "locale": "en-us", "source_locale": "en-us",
                             "outdated": False})
    return categories, sections


def _shown(document: Document):
    """The revision a reader sees, else the latest one (a draft)."""
    return document.published or document.latest


def _articles(links: dict) -> list[dict]:
    rows = []
    documents = db.session.scalars(select(Document).where(
        Document.kind == ARTICLE, Document.owner_id.is_(None), Document.translation_of_id.is_(None)
    ).order_by(Document.id))
    for document in documents:
        revision = _shown(document)
        if revision is None or revision.state == "archived":
            continue
        zendesk = (revision.meta or {}).get("zendesk") or {}
        locale = zendesk.get("locale") or "en-us"
        zid = links.get((ARTICLE, document.id), document.id)
        rows.append({
            "id": zid, "html_url": f"/hc/{locale}/articles/{zid}-{document.slug}",
            "title": revision.title, "body": revision.html, "locale": locale, "source_locale": locale,
            "author_id": revision.author_id, "draft": document.published is None,
            "promoted": bool(zendesk.get("promoted")), "position": revision.position,
            "section_id": revision.section_id,
            "user_segment_id": INTERNAL_SEGMENT if revision.visibility == "internal" else None,
            "label_names": list(revision.tags or []), "outdated": False, **_times(document, revision),
            "kb_id": document.id})
    return rows


def _translations(links: dict, sources: dict[int, dict]) -> dict[int, list[dict]]:
    """Each exported article's translations, as its ``translations.json`` answer lists them."""
    found: dict[int, list[dict]] = {}
    documents = db.session.scalars(select(Document).where(
        Document.kind == ARTICLE, Document.translation_of_id.is_not(None)).order_by(Document.locale,
                                                                                    Document.id))
    for document in documents:
        source, revision = sources.get(document.translation_of_id), _shown(document)
        if source is None or revision is None or revision.state == "archived":
            continue
        zendesk = (revision.meta or {}).get("zendesk") or {}
        locale = zendesk.get("locale") or document.locale.lower()
        zid = links.get((TRANSLATION, document.id), document.id)
        found.setdefault(source["id"], []).append({
            "id": zid, "html_url": f"/hc/{locale}/articles/{source['id']}-{document.slug}",
            "source_id": source["id"], "source_type": "Article", "locale": locale,
            "title": revision.title, "body": revision.html, "outdated": translations.outdated(document),
            "draft": document.published is None,
            "hidden": document.published is None and bool(zendesk.get("hidden")),
            **_times(document, revision)})
    return found


def _macros(links: dict) -> tuple[list[dict], list[dict]]:
    rows, owners = [], {}
    macros = select(Document).where(Document.kind == MACRO).order_by(Document.id)
    for document in db.session.scalars(macros):
        revision = _shown(document)
        if revision is None:
            continue
        zendesk = (revision.meta or {}).get("zendesk") or {}
        restriction = zendesk.get("restriction")
        if document.owner_id is not None:
            owner = db.session.get(User, document.owner_id)
            owners[owner.id] = {"id": owner.id, "email": owner.email, "name": owner.name or owner.email}
            restriction = {"type": "User", "id": owner.id}
        actions = [{"field": "comment_value", "value": placeholders.to_zendesk(revision.body.rstrip())}]
        rows.append({
            "id": links.get((MACRO, document.id), document.id), "title": revision.title,
            "active": document.latest.state != "archived", "position": zendesk.get("position") or 0,
            "description": zendesk.get("description") or None,
            "actions": actions + list(zendesk.get("actions") or []), "restriction": restriction,
            **_times(document, revision)})
    return rows, list(owners.values())


def _times(document: Document, revision) -> dict:
    """Zendesk's own ``created_at``/``updated_at`` when the document came from Zendesk, else kb's.

    ``updated_at`` stays Zendesk's only while the revision shown is the one imported: an edit
    made here is a later update, and its time is kb's.
    """
    zendesk = (revision.meta or {}).get("zendesk") or {}
    imported = revision.origin == "import"
    return {"created_at": zendesk.get("created_at") or _when(document.created_at),
            "updated_at": (imported and zendesk.get("updated_at")) or _when(revision.created_at)}


def _when(value) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None
