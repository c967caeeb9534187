"""Request and response schemas of the API: validation at the edge, and the OpenAPI document."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from kb.validation import MAX_ID

STATES = ["draft", "in_review", "changes_requested", "approved", "published", "archived"]


class Strict(Schema):
    class Meta:
        unknown = RAISE


class DocumentWrite(Strict):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    body = fields.String(load_default="", validate=validate.Length(max=1_000_000))
    tags = fields.List(fields.String(validate=validate.Length(max=50)), load_default=list,
                       validate=validate.Length(max=30))
    section = fields.String(load_default=None, allow_none=True, metadata={"description": "category-slug/section-slug"})
    visibility = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["public", "internal"]))
    slug = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80))
    review_by = fields.Date(load_default=None, allow_none=True)
    message = fields.String(load_default="", validate=validate.Length(max=500))
    personal = fields.Boolean(load_default=False, metadata={"description": "macros: a private macro only you see"})


class DocumentUpdate(DocumentWrite):
    base_revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID),
                                   metadata={"description": "the latest revision number you edited"})
    personal = fields.Boolean(load_default=False, load_only=True)


class ListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(load_default=None, validate=validate.OneOf(STATES))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class SearchArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(required=True, validate=validate.Length(min=1, max=512))
    type = fields.String(load_default=None, validate=validate.OneOf(["article", "macro"]))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    category = fields.String(load_default=None)
    section = fields.String(load_default=None)
    tag = fields.String(load_default=None)
    as_you_type = fields.Boolean(load_default=False, data_key="prefix")


class DiffArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1, max=MAX_ID))
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


class CommentBody(Strict):
    comment = fields.String(load_default="", validate=validate.Length(max=10_000))


class RestoreBody(Strict):
    revision = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=MAX_ID))


class ScheduleBody(Strict):
    publish_at = fields.AwareDateTime(required=True, allow_none=True, default_timezone=None)


class RenderBody(Strict):
    values = fields.Dict(keys=fields.String(), load_default=dict)


class SuggestBody(Strict):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000))
    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


class LinkFlagOut(Schema):
    kind = fields.String(validate=validate.OneOf(["link_broken", "link_changed"]))
    article_id = fields.Integer(allow_none=True)
    since = fields.DateTime(allow_none=True)
    diff = fields.String(metadata={
        "description": "link_changed only: the article's changes since the macro was confirmed"})


class MacroFlagsOut(Schema):
    flags = fields.List(fields.Nested(LinkFlagOut))


class DocumentOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    slug = fields.String()
    title = fields.String()
    body = fields.String()
    html = fields.String()
    tags = fields.List(fields.String())
    section = fields.String(allow_none=True)
    visibility = fields.String()
    status = fields.String(validate=validate.OneOf(STATES))
    revision = fields.Integer()
    published_revision = fields.Integer(allow_none=True)
    updated_at = fields.DateTime()
    personal = fields.Boolean()
    review_by = fields.Date(allow_none=True)
    use_count = fields.Integer()
    publish_at = fields.DateTime(allow_none=True)
    draft_slug = fields.String(metadata={
        "description": "the slug this revision gives the document when published; `slug` is the live one"})
    flags = fields.List(fields.Nested(LinkFlagOut), metadata={
        "description": "macros read one at a time: links to articles that broke or changed since"})


class DocumentPage(Schema):
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    items = fields.List(fields.Nested(DocumentOut))


class RevisionSummary(Schema):
    number = fields.Integer()
    author = fields.String(allow_none=True)
    created_at = fields.DateTime()
    message = fields.String()
    status = fields.String()


class RevisionOut(RevisionSummary):
    title = fields.String()
    body = fields.String()
    html = fields.String()
    tags = fields.List(fields.String())
    section = fields.String(allow_none=True)
    visibility = fields.String()
    slug = fields.String(allow_none=True)


class DiffOut(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    diff = fields.String(metadata={"description": "unified diff of the Markdown"})
    html = fields.String(metadata={"description": "word-level diff as HTML with <ins> and <del>"})


class CommentOut(Schema):
    id = fields.Integer()
    author = fields.String()
    action = fields.String()
    body = fields.String()
    revision = fields.Integer()
    created_at = fields.DateTime()


class SearchResult(Schema):
    type = fields.String()
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    snippet = fields.String(metadata={"description": "HTML, matched words in <mark>"})
    url = fields.String()
    score = fields.Float()
    internal = fields.Boolean()
    personal = fields.Boolean(metadata={"description": "a personal macro of the caller"})


class SearchResponse(Schema):
    query = fields.String()
    total = fields.Integer()
    results = fields.List(fields.Nested(SearchResult))
    suggestion = fields.String(allow_none=True)


class SuggestResult(SearchResult):
    matched = fields.List(fields.String())


class SuggestResponse(Schema):
    terms = fields.List(fields.String())
    results = fields.List(fields.Nested(SuggestResult))


class RenderOut(Schema):
    text = fields.String()
    html = fields.String()
    missing = fields.List(fields.String())
    use_count = fields.Integer(metadata={"description": "the macro's uses so far, this one included"})


class ErrorDetail(Schema):
    code = fields.String()
    message = fields.String()
    field = fields.String()


class ErrorOut(Schema):
    error = fields.Nested(ErrorDetail)
