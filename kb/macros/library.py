"""The agent's view of the macro library: entries, the ``::`` category tree, tags.

Read-only. A macro's title nests it in categories, ``Billing::Refunds::Refund timeline``; the tree
is derived from the published titles the agent may see, so it never shows an empty or hidden
branch and needs no table of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from kb import permissions, validation
from kb.extensions import db
from kb.models import Document, Revision, User
from kb.models.content import MACRO

SEPARATOR = "::"


def split_title(title: str) -> tuple[tuple[str, ...], str]:
    """``"Billing::Refunds::Refund timeline"`` -> ``(("Billing", "Refunds"), "Refund timeline")``."""
    parts = [p.strip() for p in title.split(SEPARATOR)]
    parts = [p for p in parts if p] or [title.strip()]
    return tuple(parts[:-1]), parts[-1]


@dataclass(frozen=True)
class MacroEntry:
    """One published macro as the library lists it."""

    id: int
    title: str
    name: str
    path: tuple[str, ...]
    tags: tuple[str, ...]
    personal: bool
    use_count: int
    summary: str

    @property
    def category(self) -> str:
        return SEPARATOR.join(self.path)

    def in_category(self, category: str) -> bool:
        wanted = tuple(p.strip().lower() for p in category.split(SEPARATOR) if p.strip())
        return tuple(p.lower() for p in self.path[:len(wanted)]) == wanted


@dataclass
class CategoryNode:
    """A branch of the category tree: its name, full ``A::B`` path and macro count below it."""

    name: str
    path: str
    count: int = 0
    children: dict[str, "CategoryNode"] = field(default_factory=dict)

    @property
    def sorted_children(self) -> list["CategoryNode"]:
        return sorted(self.children.values(), key=lambda n: n.name.lower())


def entry(document: Document, revision: Revision) -> MacroEntry:
    """The library's line for a macro. Its text is scrubbed for display: a revision saved
    before input was checked may hold a lone surrogate, which no page or link can encode."""
    title, text = validation.scrub(revision.title), validation.scrub(revision.text)
    path, name = split_title(title)
    summary = text if len(text) <= 160 else text[:160].rsplit(" ", 1)[0] + "…"
    tags = tuple(validation.scrub(tag) for tag in revision.tags or () if isinstance(tag, str))
    return MacroEntry(id=document.id, title=title, name=name, path=path,
                      tags=tags, personal=document.owner_id is not None,
                      use_count=document.use_count, summary=summary)


def entries(actor: User) -> list[MacroEntry]:
    """Every published macro the agent may use (shared ones and their own personal ones)."""
    query = permissions.visible_documents(actor, MACRO).where(Document.published_revision_id.is_not(None))
    rows = db.session.execute(
        select(Document, Revision).join(Revision, Revision.id == Document.published_revision_id)
        .where(Document.id.in_(select(query.subquery().c.id)))
    ).unique().all()
    found = [entry(document, revision) for document, revision in rows
             if permissions.readable_published(actor, document) is not None]
    return sorted(found, key=lambda e: (e.path, e.name.lower()))


def entries_for(actor: User, documents: list[Document]) -> list[MacroEntry]:
    """Library entries for a list of documents (favourites, recently used), dropping hidden ones."""
    kept = []
    for document in documents:
        revision = permissions.readable_published(actor, document)
        if revision is not None:
            kept.append(entry(document, revision))
    return kept


def category_tree(found: list[MacroEntry]) -> list[CategoryNode]:
    """The top-level categories, each with its sub-categories and counts."""
    root = CategoryNode("", "")
    for item in found:
        node = root
        for depth, name in enumerate(item.path):
            key = name.lower()
            if key not in node.children:
                node.children[key] = CategoryNode(name, SEPARATOR.join(item.path[:depth + 1]))
            node = node.children[key]
            node.count += 1
    return root.sorted_children


def tag_counts(found: list[MacroEntry]) -> list[tuple[str, int]]:
    """Tags by how many macros carry them, most used first."""
    counts = Counter(tag for item in found for tag in item.tags)
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def filtered(found: list[MacroEntry], category: str | None = None,
             tag: str | None = None) -> list[MacroEntry]:
    """Narrow the library to a category (and its sub-categories) and a tag."""
    tag = (tag or "").strip().lower()
    return [item for item in found
            if (not category or item.in_category(category)) and (not tag or tag in item.tags)]
