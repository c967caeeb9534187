"""Reading a folder of Zendesk API answers into the document inputs a content-file import uses.

The files are what ``GET /api/v2/help_center/{categories,sections,articles}.json`` and
``GET /api/v2/macros.json`` (and ``/api/v2/users.json``, for personal macros) return; each is
optional. Nothing here touches the database: the result is :class:`ZendeskItem` entries, each a
:class:`kb.transfer.ParsedFile` with its Zendesk id, for :mod:`kb.zendesk.importer` to apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from kb.content import services
from kb.content.services import DocumentInput
from kb.content.slugs import slugify
from kb.errors import KbError
from kb.models.content import ARTICLE, MACRO
from kb.transfer import ParsedFile
from kb.zendesk import html, placeholders

MAX_JSON_BYTES = 50_000_000


class ZendeskFileError(Exception):
    """A Zendesk file that cannot be read; the message says why."""


@dataclass
class ZendeskItem:
    kind: str
    zendesk_id: int
    #: Where it came from, for report lines: ``articles.json#360001``.
    origin: str
    parsed: ParsedFile
    #: The e-mail of the agent a personal macro belongs to; ``None`` for shared documents.
    owner_email: str | None = None
    #: Why it is not imported at all (a personal macro whose owner is unknown), if so.
    refused: str | None = None
    #: For a translation: the Zendesk id of the article it translates (``parsed.locale`` is kb's).
    source_id: int | None = None
    #: For a translation from a translations file: Zendesk's id of the translation itself.
    translation_id: int | None = None


@dataclass
class Export:
    """Everything read from the folder."""

    tree: list[dict] = field(default_factory=list)
    items: list[ZendeskItem] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    #: Things kept but worth a look: unknown placeholders, Liquid, external images.
    notes: list[tuple[str, str]] = field(default_factory=list)
    external_images: int = 0
    #: The rows of articles.json as read, for :mod:`kb.zendesk.translations`.
    article_rows: list[dict] = field(default_factory=list, repr=False)
    #: ``(source_type, Zendesk id)`` -> its entry in :attr:`tree`, for
    #: :mod:`kb.zendesk.place_translations` (``("Category", 360001)``).
    places: dict[tuple[str, int], dict] = field(default_factory=dict, repr=False)
    #: Category and section translation rows met among the article translations:
    #: ``(row, origin, source_type, source id)``.
    place_rows: list[tuple[dict, str, str, int | None]] = field(default_factory=list, repr=False)


def load(path: Path, key: str) -> list[dict]:
    """The list under ``key`` in one API answer; ``[]`` when the file is absent.

    :raises ZendeskFileError: unreadable, not JSON, or not the API's shape.
    """
    if not path.exists():
        return []
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_JSON_BYTES + 1)
        if len(raw) > MAX_JSON_BYTES:
            raise ZendeskFileError("larger than 50 MB")
        data = json.loads(raw.decode("utf-8-sig"))
    except OSError as exc:
        raise ZendeskFileError(f"cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ZendeskFileError(f"not JSON: {exc}"[:300]) from None
    rows = data.get(key) if isinstance(data, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) and isinstance(r.get("id"), int)
                                             for r in rows):
        raise ZendeskFileError(f'expected {{"{key}": [...]}} with an "id" on each, as the API answers')
    return rows


def read(directory: Path) -> Export:
    """Read every Zendesk file in ``directory``; a broken file is a failure, the others still read."""
    result = Export()
    files = {}
    for name in ("categories", "sections", "articles", "macros", "users"):
        try:
            files[name] = load(directory / f"{name}.json", name)
        except ZendeskFileError as exc:
            result.failures.append((f"{name}.json", str(exc)))
            files[name] = []
    paths = _tree(files["categories"], files["sections"], result)
    result.article_rows = files["articles"]
    hosts = {urlsplit(a.get("html_url") or "").hostname for a in files["articles"]} - {None}
    for row in sorted(files["articles"], key=lambda a: (_position(a), a["id"])):
        _article(row, paths, hosts, result)
    emails = {u["id"]: u.get("email") for u in files["users"]}
    for row in sorted(files["macros"], key=lambda m: (_position(m), m["id"])):
        _macro(row, emails, result)
    return result


def listed(value) -> list:
    """A list field as a list; anything else (absent, a string by mistake) as none."""
    return value if isinstance(value, list) else []


def _tree(categories: list[dict], sections: list[dict], result: Export) -> dict[int, str]:
    """Sections-file entries for the categories and sections; Zendesk section id -> path."""
    by_category: dict[int, dict] = {}
    for row in sorted(categories, key=lambda c: (c.get("position") or 0, c["id"])):
        entry = {"slug": slugify(str(row.get("name") or row["id"])), "title": row.get("name") or "",
                 "description": row.get("description") or "", "position": row.get("position") or 0,
                 "sections": [], "zendesk_locale": row.get("source_locale") or row.get("locale")}
        by_category[row["id"]] = entry
        result.places["Category", row["id"]] = entry
        result.tree.append(entry)
    paths = {}
    for row in sorted(sections, key=lambda s: (s.get("position") or 0, s["id"])):
        category = by_category.get(row.get("category_id"))
        if category is None:
            result.failures.append((f"sections.json#{row['id']}",
                                    "its category_id is not in categories.json"))
            continue
        slug = slugify(str(row.get("name") or row["id"]))
        entry = {"slug": slug, "title": row.get("name") or "", "description": row.get("description") or "",
                 "position": row.get("position") or 0,
                 "zendesk_locale": row.get("source_locale") or row.get("locale")}
        category["sections"].append(entry)
        result.places["Section", row["id"]] = entry
        paths[row["id"]] = f"{category['slug']}/{slug}"
    return paths


def _article(row: dict, paths: dict[int, str], hosts: set[str], result: Export) -> None:
    origin = f"articles.json#{row['id']}"
    if row.get("source_locale") and row.get("locale") and \
            str(row["locale"]).lower() != str(row["source_locale"]).lower():
        return  # a translation: kb.zendesk.translations reads it
    body = row.get("body") or ""
    for src in html.external_images(body, hosts):
        result.external_images += 1
        result.notes.append((origin, f"external image kept as a link to {src}"))
    title = str(row.get("title") or "").strip()
    meta = {"zendesk": {"promoted": bool(row.get("promoted")), "locale": row.get("locale") or "en-us",
                        **times(row)}}
    if row.get("hidden"):
        meta["zendesk"]["hidden"] = True
    try:
        data = DocumentInput(
            title=title, body=html.to_markdown(body),
            tags=services.normalise_tags([str(t) for t in listed(row.get("label_names"))]),
            section=paths.get(row.get("section_id")),
            visibility="internal" if row.get("user_segment_id") is not None else "public",
            slug=slugify(title or str(row["id"])), meta=meta, position=_position(row),
            message=f"Imported from Zendesk article {row['id']}")
    except KbError as exc:
        result.failures.append((origin, exc.message))
        return
    except Exception as exc:  # noqa: BLE001 - one article's surprise must not end the import
        result.failures.append((origin, f"cannot be converted: {exc}"[:300]))
        return
    status = unpublished_status(row, origin, result)
    result.items.append(ZendeskItem(ARTICLE, row["id"], origin, ParsedFile(data.slug, status, data)))


def unpublished_status(row: dict, origin: str, result: Export) -> str:
    """``draft`` for an article or translation Zendesk does not show on its help center (a
    ``draft``, or one ``hidden`` from it), else ``published``.

    A hidden one is kept as a draft rather than made internal: Zendesk shows it to no reader,
    and internal articles are live for agents. The report says so, since kb has no "hidden".
    """
    if row.get("hidden") and not row.get("draft"):
        result.notes.append((origin, "hidden in Zendesk's help center; kept as a draft"))
    return "draft" if row.get("draft") or row.get("hidden") else "published"


def _position(row: dict) -> int:
    """Zendesk's ``position`` (its place in the section); anything but a whole number as 0."""
    value = row.get("position")
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def times(row: dict) -> dict:
    """Zendesk's ``created_at``/``updated_at`` as given, kept so an export gives them back."""
    return {key: row[key] for key in ("created_at", "updated_at") if isinstance(row.get(key), str)}


def _macro(row: dict, emails: dict[int, str | None], result: Export) -> None:
    origin = f"macros.json#{row['id']}"
    text, other = "", []
    for action in listed(row.get("actions")):
        if not isinstance(action, dict):
            continue
        if action.get("field") == "comment_value_html" and not text:
            text = html.to_markdown(str(action.get("value") or ""))
        elif action.get("field") == "comment_value" and not text:
            value = action.get("value")
            text = str(value[-1] if isinstance(value, list) else value or "").strip()
        elif action.get("field") not in ("comment_value", "comment_value_html"):
            other.append(action)
    body, notes = placeholders.to_kb(text)
    result.notes.extend((origin, note) for note in notes)
    restriction = row.get("restriction") or None
    meta = {"zendesk": {"position": row.get("position") or 0, "description": row.get("description") or "",
                        "actions": other, "restriction": restriction, **times(row)}}
    title = str(row.get("title") or "").strip()
    data = DocumentInput(title=title, body=body, slug=slugify(title.replace("::", " ") or str(row["id"])),
                         meta=meta, message=f"Imported from Zendesk macro {row['id']}")
    item = ZendeskItem(MACRO, row["id"], origin,
                       ParsedFile(data.slug, "published" if row.get("active", True) else "archived", data))
    if isinstance(restriction, dict) and restriction.get("type") == "User":
        item.owner_email = emails.get(restriction.get("id"))
        if not item.owner_email:
            item.refused = "personal to a Zendesk user not in users.json; not imported"
    result.items.append(item)

