"""The staff content list: every shared article and macro, filtered, sorted, searched, paged.

Read-only. A count and a query of the page's ids over each document's latest revision (what
editors work on), then the page's display columns as plain rows; the search box adds the product search's hits (staff scope) to a title match
on the latest revision, because the search index holds published revisions only and a draft
must be found by its title too. Personal macros never appear: they belong to one agent and
skip review.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Mapping

from sqlalchemy import Integer, Text, case, cast, func, or_, select, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import Join

from kb import locales, permissions, validation
from kb.content import translations
from kb.errors import KbError, ValidationError
from kb.extensions import db
from kb.models import Category, Document, Feedback, Revision, Section, User
from kb.models.content import ARTICLE, KINDS, MACRO
from kb.models.types import JSONText
from kb.macros.library import SEPARATOR, split_title
from kb.review import workflow
from kb.search import service as search_service

PAGE_SIZE = 50
SCHEDULED = "scheduled"
#: The list's note when the product search failed (a page may show its own words for it).
SEARCH_UNAVAILABLE = "Search is unavailable just now; only titles were matched."
#: The states the list filters by: the workflow's, with "scheduled" (approved, with a time to
#: go live) told apart from plain "approved".
STATES = (workflow.DRAFT, workflow.IN_REVIEW, workflow.CHANGES_REQUESTED, workflow.APPROVED,
          SCHEDULED, workflow.PUBLISHED, workflow.ARCHIVED)
VISIBILITIES = ("public", "internal")
#: Sort name -> its natural direction (the one a click on it gives).
SORTS = {"updated": "desc", "title": "asc", "review": "asc", "uses": "desc", "helpful": "desc"}
#: The most search hits added to the title match (the search service's page size).
SEARCH_HITS = 50


@dataclass(frozen=True)
class Filters:
    """What the list is asked for, as read from the page's GET parameters."""

    q: str = ""
    kind: str = ""
    state: str = ""
    #: A category slug (all its sections) or a ``category/section`` path.
    section: str = ""
    #: A macro category at any depth, ``Billing::Refunds`` (its sub-categories included).
    category: str = ""
    author: int | None = None
    visibility: str = ""
    tag: str = ""
    review_due: bool = False
    #: Documents in this locale only.
    locale: str = ""
    #: Translations whose source changed since they were last published.
    outdated: bool = False
    sort: str = "updated"
    direction: str = "desc"
    page: int = 1

    def args(self, **changes) -> dict[str, str | int]:
        """The GET parameters that give this view again (with ``changes``), empty ones left out."""
        if "sort" in changes and "direction" not in changes:
            changes["direction"] = SORTS[changes["sort"]]
        current = replace(self, **changes)
        values = {"q": current.q, "kind": current.kind, "state": current.state,
                  "section": current.section, "category": current.category,
                  "author": current.author or "", "visibility": current.visibility, "tag": current.tag,
                  "due": "1" if current.review_due else "",
                  "locale": current.locale, "outdated": "1" if current.outdated else "",
                  "sort": "" if current.sort == "updated" else current.sort,
                  "dir": "" if current.direction == SORTS[current.sort] else current.direction,
                  "page": "" if current.page == 1 else current.page}
        return {key: value for key, value in values.items() if value != ""}


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Read the list's GET parameters.

    :raises ValidationError: a value that is not one of the choices, or not one line of text.
    """
    def text(name: str, max_length: int = 200) -> str:
        value = args.get(name, "") or ""
        validation.text(value, name, multiline=False, max_length=max_length)
        return " ".join(value.split())

    def choice(name: str, choices, default: str = "") -> str:
        value = text(name)
        if value and value not in choices:
            raise ValidationError(f"{name} must be one of: {', '.join(choices)}", field=name)
        return value or default

    def number(name: str, default: int | None) -> int | None:
        value = text(name)
        return validation.number(value, name) if value else default

    sort = choice("sort", tuple(SORTS), "updated")
    return Filters(
        q=text("q", 200), kind=choice("kind", KINDS), state=choice("state", STATES),
        section=text("section").strip("/").lower(), category=category_key(text("category")),
        author=number("author", None), visibility=choice("visibility", VISIBILITIES),
        tag=text("tag").lower(), review_due=text("due") in ("1", "on", "true", "yes"),
        locale=choice("locale", locales.configured()), outdated=text("outdated") in ("1", "on", "true", "yes"),
        sort=sort, direction=choice("dir", ("asc", "desc"), SORTS[sort]),
        page=max(1, number("page", 1) or 1),
    )


def category_key(category: str) -> str:
    """``" Billing :: Refunds "`` -> ``"billing::refunds"``: one spelling per macro category."""
    return SEPARATOR.join(p.strip().lower() for p in category.split(SEPARATOR) if p.strip())


@dataclass(frozen=True)
class Row:
    """One line of the list: a document and its latest revision, as plain values."""

    id: int
    kind: str
    title: str
    state: str
    scheduled_for: datetime | None
    section: str
    author: str
    updated_at: datetime
    review_by: date | None
    visibility: str
    use_count: int
    helpful: int = 0
    votes: int = 0
    locale: str = ""
    outdated: bool = False

    @property
    def status(self) -> str:
        return SCHEDULED if self.state == workflow.APPROVED and self.scheduled_for else self.state

    @property
    def helpful_ratio(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


@dataclass
class Listing:
    filters: Filters
    rows: list[Row]
    total: int
    pages: int
    #: Set when the search index could not answer, so only titles were matched.
    search_note: str = ""
    today: date = field(default_factory=date.today)


def content_list(actor: permissions.Actor, filters: Filters, today: date | None = None) -> Listing:
    """A page of the shared documents matching ``filters``, for staff (editors and up).

    :raises PermissionDeniedError: the actor is not an editor.
    :raises ValidationError: an unknown section.
    """
    permissions.require_content_list(actor)
    today = today or date.today()
    conditions, note = _conditions(actor, filters, today)
    total = db.session.scalar(_over_latest([func.count()], conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    rows = _rows(_page_ids(conditions, filters, page))
    return Listing(replace(filters, page=page), rows, total, pages, note, today)


class _RevisionsFirst(Join):
    """An inner join that SQLite must run with its left side (the revisions) as the outer loop.

    The list reads each revision through the covering index of what it filters and sorts by
    (``ix_revisions_listing``) and finds its document through ``ix_documents_listing``. A
    revision row holds its body, HTML and text, so looking ten thousand of them up by id costs
    many times a scan of that index, and without statistics SQLite's planner may choose the
    lookups (or worse, a scan of revisions for every document). SQLite reads ``CROSS JOIN`` as
    "keep this order"; PostgreSQL plans the plain join well (it keeps long text out of line).
    """

    inherit_cache = True


@compiles(_RevisionsFirst, "sqlite")
def _revisions_first_on_sqlite(join: _RevisionsFirst, compiler, **kw) -> str:
    kw["asfrom"] = True
    return (f"{compiler.process(join.left, **kw)} CROSS JOIN {compiler.process(join.right, **kw)} "
            f"ON {compiler.process(join.onclause, **kw)}")


def _over_latest(columns: list, conditions: list):
    """A query of ``columns`` over each shared document and its latest revision."""
    on = Document.latest_revision_id == Revision.id
    return select(*columns).select_from(_RevisionsFirst(Revision.__table__, Document.__table__, on)).where(*conditions)


def _conditions(actor: permissions.Actor, filters: Filters, today: date) -> tuple[list, str]:
    conditions = [Document.owner_id.is_(None)]
    if filters.kind:
        conditions.append(Document.kind == filters.kind)
    if filters.state == SCHEDULED:
        conditions += [Revision.state == workflow.APPROVED, Revision.publish_at.is_not(None)]
    elif filters.state == workflow.APPROVED:
        conditions += [Revision.state == workflow.APPROVED, Revision.publish_at.is_(None)]
    elif filters.state:
        conditions.append(Revision.state == filters.state)
    if filters.section:
        conditions.append(Revision.section_id.in_(section_ids(filters.section)))
    if filters.category:
        spaced = func.replace(func.replace(Revision.title, " " + SEPARATOR, SEPARATOR), SEPARATOR + " ", SEPARATOR)
        conditions += [Document.kind == MACRO,
                       func.lower(spaced).startswith(filters.category + SEPARATOR, autoescape=True)]
    if filters.author is not None:
        conditions.append(Revision.author_id == filters.author)
    if filters.visibility:
        conditions.append(Revision.visibility == filters.visibility)
    if filters.tag:
        # Tags are stored as JSON text, each one a JSON string: match the string, quotes and all.
        stored = JSONText().process_bind_param([filters.tag], None)[1:-1]
        conditions.append(type_coerce(Revision.tags, Text).contains(stored, autoescape=True))
    if filters.review_due:
        conditions += [Revision.review_by.is_not(None), Revision.review_by <= today]
    if filters.locale:
        conditions.append(Document.locale == filters.locale)
    if filters.outdated:
        conditions.append(Document.id.in_(translations.outdated_select()))
    note = ""
    if filters.q:
        title = func.lower(Revision.title).contains(filters.q.lower(), autoescape=True)
        found, note = _search_hits(actor, filters.q)
        conditions.append(or_(title, Document.id.in_(found)) if found else title)
    return conditions, note


def section_ids(path: str) -> list[int]:
    """The sections a ``category`` or ``category/section`` filter names.

    :raises ValidationError: no such category or section.
    """
    category, _, section = path.partition("/")
    query = select(Section.id).join(Category, Category.id == Section.category_id).where(Category.slug == category)
    if section:
        query = query.where(Section.slug == section)
    ids = list(db.session.scalars(query))
    if not ids:
        raise ValidationError(f"no section {path}", field="section")
    return ids


def _search_hits(actor: permissions.Actor, q: str) -> tuple[list[int], str]:
    """Documents the product search finds for ``q`` (as typed, the last word a prefix), in the
    staff scope: their published text, tags and all, matched the way every other search does."""
    try:
        results = search_service.search(actor, q, limit=SEARCH_HITS, as_you_type=True, surface="editor",
                                 logged=False)
    except KbError:
        return [], SEARCH_UNAVAILABLE
    return [result.hit.id for result in results.results], ""


def _order(filters: Filters, helpful_ratio):
    column = {"updated": Document.updated_at, "title": func.lower(Revision.title),
              "review": Revision.review_by, "uses": Document.use_count, "helpful": helpful_ratio}[filters.sort]
    ordered = column.asc() if filters.direction == "asc" else column.desc()
    if filters.sort in ("review", "helpful"):
        ordered = ordered.nulls_last()
    tie = Document.id.asc() if filters.direction == "asc" else Document.id.desc()
    return ordered, tie


def _votes():
    return (select(Feedback.document_id,
                   func.count().label("votes"),
                   func.sum(case((Feedback.helpful, 1), else_=0)).label("helpful"))
            .group_by(Feedback.document_id).subquery())


def _page_ids(conditions: list, filters: Filters, page: int) -> list[int]:
    """The ids on the page, in order: a narrow query, the columns for display read after."""
    votes = _votes() if filters.sort == "helpful" else None
    ratio = (cast(votes.c.helpful, Integer) * 1.0 / votes.c.votes) if votes is not None else None
    query = _over_latest([Document.id], conditions)
    if votes is not None:
        query = query.outerjoin(votes, votes.c.document_id == Document.id)
    query = query.order_by(*_order(filters, ratio)).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    return list(db.session.scalars(query))


def _rows(ids: list[int]) -> list[Row]:
    if not ids:
        return []
    found = {r.id: r for r in db.session.execute(
        select(Document.id, Document.kind, Document.updated_at, Document.use_count, Document.locale, Revision.title,
               Revision.state, Revision.publish_at, Revision.review_by, Revision.visibility,
               Category.title.label("category_title"), Section.title.label("section_title"),
               User.name.label("author"))
        .join(Revision, Revision.id == Document.latest_revision_id)
        .outerjoin(Section, Section.id == Revision.section_id)
        .outerjoin(Category, Category.id == Section.category_id)
        .outerjoin(User, User.id == Revision.author_id)
        .where(Document.id.in_(ids)))}
    tallies = _tallies(ids)
    outdated = translations.outdated_ids(ids)
    return [Row(
        id=r.id, kind=r.kind, title=validation.scrub(r.title), state=r.state, scheduled_for=r.publish_at,
        section=(f"{r.category_title} › {r.section_title}" if r.section_title else
                 _macro_category(r.title) if r.kind == MACRO else ""),
        author=r.author or "", updated_at=r.updated_at, review_by=r.review_by, visibility=r.visibility,
        use_count=r.use_count or 0, helpful=tallies.get(r.id, (0, 0))[0], votes=tallies.get(r.id, (0, 0))[1],
        locale=r.locale, outdated=r.id in outdated,
    ) for r in (found[i] for i in ids if i in found)]


def _tallies(ids: list[int]) -> dict[int, tuple[int, int]]:
    """(helpful votes, all votes) of each listed document."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Feedback.document_id, func.sum(case((Feedback.helpful, 1), else_=0)), func.count())
        .where(Feedback.document_id.in_(ids)).group_by(Feedback.document_id))
    return {document_id: (int(helpful or 0), int(votes)) for document_id, helpful, votes in rows}


def _macro_category(title: str) -> str:
    return " › ".join(split_title(title)[0])


def authors() -> list[tuple[int, str]]:
    """Everyone who may write, for the author filter (staff accounts are few; asking which of
    them wrote a latest revision would read every revision)."""
    return [(user_id, name) for user_id, name in db.session.execute(
        select(User.id, User.name).order_by(User.name, User.id))]


def kinds_of(ids: list[int]) -> dict[int, tuple[str, str]]:
    """``id -> (kind, latest title)`` of the shared documents among those a bulk action names
    (a personal macro is left out, as it is from the list: not even its title is shown)."""
    rows = db.session.execute(
        select(Document.id, Document.kind, Revision.title)
        .join(Revision, Revision.id == Document.latest_revision_id)
        .where(Document.id.in_(ids), Document.owner_id.is_(None)))
    return {r.id: (r.kind, validation.scrub(r.title)) for r in rows}
