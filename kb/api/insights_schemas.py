"""The insights API's arguments and answers (the OpenAPI document names them as it does the
other schemas in :mod:`kb.api.schemas`)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields

from kb.api.schemas import DAY

class InsightsArgs(Schema):
    class Meta:
        unknown = EXCLUDE

    from_ = fields.Date(data_key="from", metadata={
        **DAY, "description": "first day (UTC), included; default 29 days before `to`"})
    to = fields.Date(metadata={**DAY, "description": "last day (UTC), included; default today"})


class QueryCountOut(Schema):
    query = fields.String()
    count = fields.Integer(metadata={"description": "searches (a typing burst is one)"})


class TopQueryOut(QueryCountOut):
    clicks = fields.Integer(metadata={"description": "searches with a click on a result"})


class InsightsSearchesOut(Schema):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    total = fields.Integer()
    top = fields.List(fields.Nested(TopQueryOut))
    zero_results = fields.List(fields.Nested(QueryCountOut))


class ArticleInsightOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    views = fields.Integer()
    helpful = fields.Integer()
    not_helpful = fields.Integer()


class InsightsArticlesOut(Schema):
    articles = fields.List(fields.Nested(ArticleInsightOut))


class MacroInsightOut(Schema):
    id = fields.Integer()
    title = fields.String()
    uses = fields.Integer()
    last_used_at = fields.DateTime(allow_none=True)


class InsightsMacrosOut(Schema):
    macros = fields.List(fields.Nested(MacroInsightOut))
