"""Request and response schemas of the API: validation at the edge, and the OpenAPI document."""

from __future__ import annotations

from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, fields, validate

from kb.validation import MAX_ID, visible

STATES = ["draft", "in_review", "changes_requested", "approved", "published", "archived"]

#: What kb.validation.text accepts, as patterns for the OpenAPI document (the checks themselves
#: stay in kb.validation): text has no control characters but tab, line feed and carriage
#: return; a line has no line breaks either.
TEXT = {"pattern": "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$"}
#: A search-as-you-type burst id, as the pages make it.
BURST = r"^[A-Za-z0-9_-]{8,40}$"
LINE = {"pattern": "^[^\\x00-\\x08\\x0a-\\x1f\\x7f]*$"}
#: A placeholder's name (a key in render values).
NAME = {"type": "string", "maxLength": 200, **TEXT}


def _visible_class() -> str:
    """A character class of the characters kb counts as visible (kb.validation.visible), from
    the Basic Multilingual Plane only: a class with characters beyond it reads differently in
    JavaScript's regular expressions (UTF-16) and Python's, and the document must mean one thing."""
    ranges, start = [], None
    for code in range(0x10000):
        shown = not 0xD800 <= code <= 0xDFFF and visible(chr(code))
        if shown and start is None:
            start = code
        elif not shown and start is not None:
            last = code - 1
            ranges.append(f"\\u{start:04x}-\\u{last:04x}" if last > start else f"\\u{start:04x}")
            start = None
    return "[" + "".join(ranges) + "]"


_VISIBLE = _visible_class()
#: One line (a title) or text (a comment) that shows at least one character.
_LINE_CHAR = "[^\\x00-\\x08\\x0a-\\x1f\\x7f]"
_TEXT_CHAR = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
VISIBLE_LINE = {"pattern": f"^{_LINE_CHAR}*{_VISIBLE}{_LINE_CHAR}*$"}
VISIBLE_TEXT = {"pattern": f"^{_TEXT_CHAR}*{_VISIBLE}{_TEXT_CHAR}*$"}


#: kb.validation's EARLIEST .. LATEST (1900-01-01 .. 9998-12-31): the years a date may start with.
_YEAR = "(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
DAY = {"pattern": f"^{_YEAR}-[0-9]{{2}}-[0-9]{{2}}$", "description": "1900-01-01 .. 9998-12-31"}
MOMENT = {"pattern": f"^{_YEAR}-", "description": "with its time zone; 1900-01-01 .. 9998-12-31"}


class Strict(Schema):
    class Meta:
        unknown = RAISE


class StrictBoolean(fields.Boolean):
    """``true`` or ``false`` in a JSON body; marshmallow would also take 0, 1, "yes"..., which
    the document (and so a client's generated code) does not promise."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def _text(max_length: int, pattern: dict = TEXT, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), metadata=dict(pattern), **kwargs)


class WholeNumber(fields.Integer):
    """A whole number from a JSON body: ``3`` or ``3.0`` (JSON, and the document's JSON Schema,
    do not tell them apart), never ``"3"``, ``3.5`` or ``true``."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and value.is_integer() and abs(value) < 2**64:
            value = int(value)
        return super()._deserialize(value, attr, data, **kwargs)


class DocumentWrite(Strict):
    title = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata={
        **VISIBLE_LINE, "description": "one line with at least one visible character"})
    body = _text(1_000_000, load_default="")
    tags = fields.List(_text(50, LINE), load_default=list, validate=validate.Length(max=30))
    section = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                            metadata={**LINE, "description": "category-slug/section-slug"})
    visibility = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["public", "internal"]))
    slug = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=80),
                         metadata=LINE)
    review_by = fields.Date(load_default=None, allow_none=True, metadata=DAY)
    message = _text(500, load_default="")
    personal = StrictBoolean(load_default=False,
                             metadata={"description": "macros: a private macro only you see"})
    locale = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=16), metadata={
        **LINE, "description": "one of KB_LOCALES; a locale other than the default needs translation_of"})
    translation_of = WholeNumber(load_default=None, allow_none=True, validate=validate.Range(min=1, max=MAX_ID),
                                 metadata={"description": "the id of the source this document translates"})


#: An article's place in its section (lowest first, then by title); absent or null keeps it.
_POSITION = dict(load_default=None, allow_none=True, validate=validate.Range(min=-2**31, max=2**31 - 1),
                 metadata={"description": "articles: the place in the section, lowest first; "
                                          "absent keeps the current one"})


class ArticleWrite(DocumentWrite):
    position = WholeNumber(**_POSITION)
    personal = StrictBoolean(load_default=False,
                             validate=validate.OneOf([False], error="only macros can be personal"),
                             metadata={"description": "only macros can be personal"})


class DocumentUpdate(DocumentWrite):
    position = WholeNumber(**_POSITION)
    class Meta(Strict.Meta):
        exclude = ("locale", "translation_of")  # a document's language is fixed when it is made

    base_revision = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID),
                                   metadata={"description": "the latest revision number you edited"})
    personal = StrictBoolean(load_default=False, load_only=True)


class ListArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf(STATES))
    locale = fields.String(validate=validate.Length(max=16), metadata=LINE)
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=1_000_000))


class SearchArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    q = fields.String(required=True, validate=validate.Length(min=1, max=512), metadata=TEXT)
    type = fields.String(validate=validate.OneOf(["article", "macro"]))
    limit = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10_000))
    category = fields.String(validate=validate.Length(max=200), metadata={
        **LINE, "description": (
            "articles: a help-center category slug; macros: a category path whose levels are "
            "joined by `::` (`billing::refunds`), matching that category and every one below it")})
    section = _text(200, LINE)
    tag = _text(200, LINE)
    locale = fields.String(validate=validate.Length(max=16), metadata={
        **LINE, "description": "results in this locale, the query read in its language (the "
                               "default locale's when it has none)"})
    as_you_type = fields.Boolean(load_default=False, data_key="prefix")
    #: The page's id for one search-as-you-type burst: its keystrokes count as one search.
    burst = fields.String(validate=validate.Regexp(BURST), metadata={"pattern": BURST})


class DiffArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = fields.Integer(required=True, data_key="from", validate=validate.Range(min=1, max=MAX_ID))
    to = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


class CommentBody(Strict):
    comment = _text(10_000, load_default="")


class RequiredComment(Strict):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=10_000), metadata={
        **VISIBLE_TEXT, "description": "at least one visible character"})


class RestoreBody(Strict):
    revision = WholeNumber(required=True, validate=validate.Range(min=1, max=MAX_ID))


class ScheduleBody(Strict):
    publish_at = fields.AwareDateTime(required=True, allow_none=True, default_timezone=None,
                                      metadata=MOMENT)


class RenderBody(Strict):
    values = fields.Dict(keys=fields.String(), load_default=dict, metadata={
        "description": "values by placeholder name, nested: `{\"customer\": {\"first_name\": \"Ana\"}}`",
        "propertyNames": NAME,
        "additionalProperties": {"$ref": "#/components/schemas/PlaceholderValue"}})
    ticket = fields.String(validate=validate.Length(max=20_000), metadata={
        **TEXT, "description": ("the ticket's text, when the reply goes into a ticket (render only): "
                                "its key terms are kept with the use so that suggestions rank the "
                                "macro higher for similar tickets; the text itself is not kept")})


#: A placeholder value: text, a number, true/false, null, or a list or mapping of them.
PLACEHOLDER_VALUE = {"anyOf": [
    {"type": "string", "maxLength": 10_000, **TEXT},
    {"type": ["number", "boolean", "null"]},
    {"type": "array", "items": {"$ref": "#/components/schemas/PlaceholderValue"}},
    {"type": "object", "propertyNames": NAME,
     "additionalProperties": {"$ref": "#/components/schemas/PlaceholderValue"}},
]}


class SuggestBody(Strict):
    text = fields.String(required=True, validate=validate.Length(min=1, max=20_000), metadata=TEXT)
    limit = WholeNumber(load_default=5, validate=validate.Range(min=1, max=20))
    #: The page's id for one burst of typing: its requests count as one search.
    burst = fields.String(validate=validate.Regexp(BURST), metadata={"pattern": BURST})
    locale = fields.String(validate=validate.Length(max=16), metadata={
        **LINE, "description": "the customer's language: the message is read in it and the "
                               "results are in it (the default locale's when it has none)"})


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
    position = fields.Integer(metadata={"description": "articles: the place in the section"})
    use_count = fields.Integer()
    publish_at = fields.DateTime(allow_none=True)
    draft_slug = fields.String(metadata={
        "description": "the slug this revision gives the document when published; `slug` is the live one"})
    flags = fields.List(fields.Nested(LinkFlagOut), metadata={
        "description": "macros read one at a time: links to articles that broke or changed since"})
    locale = fields.String()
    translation_of = fields.Integer(allow_none=True)
    # TranslationOut is in kb/api/locale_schemas.py, found by name when first used.
    translations = fields.List(fields.Nested("TranslationOut"), metadata={
        "description": "the document's other language versions the caller may see"})


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


class SearchHit(SearchResult):
    pinned = fields.Boolean(
        metadata={"description": "an editor pinned this article first for the query"})
    click_url = fields.String(metadata={
        "description": "present when the search gave a burst id: open the result through this "
                       "address to count the click for the search and the result's rank"})


class SearchResponse(Schema):
    query = fields.String()
    total = fields.Integer()
    results = fields.List(fields.Nested(SearchHit))
    suggestion = fields.String(allow_none=True)


class SuggestResult(SearchResult):
    matched = fields.List(fields.String())


class SuggestResponse(Schema):
    terms = fields.List(fields.String())
    results = fields.List(fields.Nested(SuggestResult))


class RenderOut(Schema):
    text = fields.String(metadata={"description": "plain text for plain-text channels"})
    markdown = fields.String(metadata={"description": "the filled Markdown"})
    html = fields.String()
    missing = fields.List(fields.String())
    use_count = fields.Integer(metadata={"description": "the macro's uses so far, this one included"})


# -- accounts and tokens ---------------------------------------------------------------------

ROLES = ["agent", "editor", "reviewer", "admin"]
#: One address: something, an @, something; no spaces or control characters.
EMAIL = {"pattern": "^[^@\\s\\x00-\\x1f\\x7f]+@[^@\\s\\x00-\\x1f\\x7f]+$"}
_NAME = {**VISIBLE_LINE, "description": "one line with at least one visible character"}


class UserCreate(Strict):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254), metadata=EMAIL)
    name = fields.String(load_default=None, validate=validate.Length(min=1, max=120), metadata=_NAME)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(load_default=None, validate=validate.Length(min=8, max=1000), metadata={
        **LINE, "description": "without one, the user sets theirs through a one-time link"})


class UserUpdate(Strict):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = StrictBoolean(metadata={"description": "false signs the user out everywhere at once"})
    name = fields.String(validate=validate.Length(min=1, max=120), metadata=_NAME)


class UserOut(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    last_login_at = fields.DateTime(allow_none=True)
    set_password_url = fields.String(metadata={
        "description": "created without a password: the one-time link to set one (shown once)"})


class UserList(Schema):
    users = fields.List(fields.Nested(UserOut))


class TokenCreate(Strict):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120), metadata={
        **VISIBLE_LINE, "description": "what the token is for"})


class TokenOut(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String(metadata={"description": "the token's first characters"})
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)


class TokenCreated(TokenOut):
    token = fields.String(metadata={"description": "the secret; shown this once, only a hash is kept"})


class TokenList(Schema):
    tokens = fields.List(fields.Nested(TokenOut))
class MediaUpload(Schema):
    file = fields.Raw(required=True, metadata={
        "type": "string", "format": "binary",
        "description": "a PNG, JPEG, GIF or WebP image, recognised by its content"})


class MediaOut(Schema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "/media/<sha256>.<ext>, for the Markdown"})
    content_type = fields.String(validate=validate.OneOf(
        ["image/png", "image/jpeg", "image/gif", "image/webp"]))
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer(metadata={"description": "size of the stored, re-encoded file"})
    sha256 = fields.String(metadata={"description": "digest of the stored file"})


CURRENT_REVISION = {"description": "409 stale_revision: the latest revision"}


class ErrorDetail(Schema):
    """What every error carries; some carry more (``fields``, ``current_revision``), so other
    keys are allowed."""

    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, metadata={"description": "stable, machine-readable"})
    message = fields.String(required=True, metadata={"description": "for a person to read"})
    field = fields.String(metadata={"description": "the input field at fault"})
    fields_ = fields.Dict(data_key="fields",
                          metadata={"description": "every field at fault, with its messages"})
    current_revision = fields.Integer(metadata=CURRENT_REVISION)


class ErrorOut(Schema):
    class Meta:
        unknown = INCLUDE

    error = fields.Nested(ErrorDetail, required=True)
    current_revision = fields.Integer(metadata=CURRENT_REVISION)
