"""The API's locale shapes: a document's language versions and the ``?locale=`` argument."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from kb.api.schemas import LINE, STATES


class TranslationOut(Schema):
    locale = fields.String()
    id = fields.Integer()
    slug = fields.String()
    status = fields.String(validate=validate.OneOf(STATES))
    outdated = fields.Boolean(metadata={"description": "its source changed since it was last published"})


class LocaleArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    locale = fields.String(validate=validate.Length(max=16), metadata={
        **LINE, "description": "the document's version in this locale (404 when it has none)"})
