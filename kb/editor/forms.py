"""The editor form: what the page shows, and the :class:`DocumentInput` a submission becomes.

Parsing never loses text: on any error the view re-renders the form from the same ``values``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Mapping

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from kb import validation
from kb.content import merging
from kb.content.services import DocumentInput
from kb.errors import ValidationError
from kb.models import Document, Revision

FIELDS = ("title", "body", "tags", "section", "visibility", "position", "slug", "review_by", "message")
#: Fields as the page's messages name them, in the page's language.
FIELD_NAMES = {"title": _l("title"), "body": _l("body"), "review_by": _l("review by")}


@dataclass
class EditorForm:
    """The form's field values as strings, exactly as the person typed them."""

    values: dict[str, str]
    base_revision: int | None = None

    @classmethod
    def from_revision(cls, document: Document, revision: Revision) -> "EditorForm":
        return cls({
            "title": revision.title, "body": revision.body, "tags": ", ".join(revision.tags or ()),
            "section": revision.section.path if revision.section else "",
            "visibility": revision.visibility, "position": str(revision.position),
            "slug": revision.slug or document.slug,
            "review_by": revision.review_by.isoformat() if revision.review_by else "", "message": "",
        }, revision.number)

    @classmethod
    def blank(cls, title: str = "") -> "EditorForm":
        """An empty form; ``title`` pre-fills the title (a new article started from a search
        nobody found an answer for)."""
        return cls({name: "" for name in FIELDS} | {"visibility": "public", "title": title[:300]})

    @classmethod
    def from_request(cls, form: Mapping[str, str]) -> "EditorForm":
        values = {name: form.get(name, "") for name in FIELDS}
        values["visibility"] = values["visibility"] or "public"
        raw_base = form.get("base_revision", "").strip()
        base = None
        if raw_base:
            try:
                base = int(raw_base)
            except ValueError:
                base = -1  # never a revision number, so the save is refused as stale, not lost
        return cls(values, base)

    def to_input(self, meta: Mapping | None = None) -> DocumentInput:
        """:raises ValidationError: a field cannot be read (the date, say), or the title or
            body still holds conflict markers from a merge (saving them would publish them)."""
        v = self.values
        for name in ("title", "body"):
            left = merging.unresolved_markers(v[name])
            if left:
                raise ValidationError(ngettext(
                    "the %(field)s still has %(num)s conflict marker line (%(markers)s); keep the text "
                    "you want in each conflict, delete the markers, then save",
                    "the %(field)s still has %(num)s conflict marker lines (%(markers)s); keep the text "
                    "you want in each conflict, delete the markers, then save",
                    left, field=FIELD_NAMES[name], markers=f"<<<<<<< {merging.YOURS} … >>>>>>> {merging.THEIRS}"),
                    field=name)
        return DocumentInput(
            title=v["title"], body=v["body"], tags=tuple(v["tags"].split(",")) if v["tags"] else (),
            section=v["section"].strip() or None, visibility=v["visibility"].strip() or "public",
            slug=v["slug"].strip() or None, review_by=parse_date(v["review_by"], "review_by"),
            meta=dict(meta or {}), message=v["message"].strip(),
            position=parse_position(v["position"]),
        )


def parse_position(text: str) -> int | None:
    """The article's place in its section; empty keeps the one it has (new articles: 0).

    The range is checked by the save, like every other field."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(_("place in section must be a whole number, like 3"), field="position") from None


def parse_date(text: str, field: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("%(field)s must be a date like 2027-03-01",
                                field=FIELD_NAMES.get(field, field.replace("_", " "))), field=field) from None
    return validation.day(value, field)


def parse_utc_datetime(text: str, field: str = "publish_at") -> datetime:
    """A ``datetime-local`` value (``2027-03-01T09:30``), read as UTC.

    :raises ValidationError: empty or not a date and time.
    """
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("choose the date and time to publish at (UTC)"), field=field)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("the publish time must look like 2027-03-01T09:30"), field=field) from None
    return validation.moment(when, field)
