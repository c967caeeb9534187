"""Reading and validating request input; every failure becomes a 400 envelope."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from marshmallow import Schema
from marshmallow import ValidationError as SchemaError

from kb import validation
from kb.errors import ValidationError


def json_body(schema: Schema) -> dict[str, Any]:
    """The request's JSON object, validated.

    :raises ValidationError: not JSON, not an object, or fields that fail the schema.
    """
    _refuse_oversized_stream()
    try:
        data = request.get_json(silent=True)
        too_deep = not validation.nesting_within(data)
    except RecursionError:  # deeper than the parser's own stack
        too_deep = True
    if too_deep:
        raise ValidationError(f"the JSON nests deeper than {validation.MAX_JSON_DEPTH} levels")
    if data is None and request.get_data(cache=True):
        raise ValidationError("the body is not valid JSON")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValidationError("the body must be a JSON object")
    return _load(schema, data)


def _refuse_oversized_stream() -> None:
    """A chunked body (no Content-Length) is cut at the limit by Werkzeug without a word; one
    more read past the limit tells whether it went on, and raises the 413 if it did.

    :raises RequestEntityTooLarge: the body is longer than ``MAX_CONTENT_LENGTH``.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and request.content_length is None and len(request.get_data(cache=True)) >= limit:
        request.stream.read(1)


def query_args(schema: Schema) -> dict[str, Any]:
    return _load(schema, request.args.to_dict())


def _load(schema: Schema, data: dict) -> dict[str, Any]:
    try:
        return schema.load(data)
    except SchemaError as exc:
        messages = exc.normalized_messages()
        field = next(iter(messages), None) if isinstance(messages, dict) else None
        detail = "; ".join(f"{k}: {' '.join(map(str, v)) if isinstance(v, list) else v}"
                           for k, v in messages.items()) if isinstance(messages, dict) else str(messages)
        raise ValidationError(detail, field=field, fields=messages) from None
