"""The contact API's arguments and answers (suggestions for the public request form, and the
contact insights report), named in the OpenAPI document like the other schemas."""

from __future__ import annotations

from marshmallow import fields, validate

from kb.api.schemas import BURST, LINE, TEXT, SearchResult, Strict

class ContactSuggestBody(Strict):
    subject = fields.String(load_default="", validate=validate.Length(max=5_000), metadata=TEXT)
    description = fields.String(required=True, validate=validate.Length(max=5_000), metadata=TEXT)
    form_session = fields.String(validate=validate.Regexp(BURST), metadata={
        "pattern": BURST, "description": "the form's session id: links then count an opened "
                                         "suggestion for it (`open_url`)"})
    topic = fields.String(validate=[validate.Length(max=120), validate.Regexp(LINE["pattern"])],
                          metadata=LINE)
    locale = fields.String(validate=validate.Length(max=16), metadata={
        **LINE, "description": "the form page's locale: articles in it (the default locale's "
                               "when none answers)"})


class ContactSuggestion(SearchResult):
    open_url = fields.String(metadata={
        "description": "with `form_session`: the tracked link to the article"})


class ContactSuggestResponse(Strict):
    results = fields.List(fields.Nested(ContactSuggestion))


class ContactCountsOut(Strict):
    started = fields.Integer(metadata={"description": "form sessions begun (first keystroke)"})
    deflected = fields.Integer(metadata={
        "description": "sessions that opened a suggested article and sent nothing after"})
    sent = fields.Integer(metadata={"description": "requests stored"})
    waiting = fields.Integer(metadata={
        "description": "opened a suggestion less than KB_CONTACT_DEFLECTION_MINUTES ago"})


class ContactDayOut(ContactCountsOut):
    day = fields.Date()


class ContactTopicOut(ContactCountsOut):
    topic = fields.String(metadata={"description": "category slug; empty for something else"})
    name = fields.String()


class ContactArticleOut(Strict):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    deflections = fields.Integer()


class InsightsContactOut(ContactCountsOut):
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    days = fields.List(fields.Nested(ContactDayOut))
    topics = fields.List(fields.Nested(ContactTopicOut))
    articles = fields.List(fields.Nested(ContactArticleOut))
    never_deflect = fields.List(fields.Nested(ContactTopicOut))
