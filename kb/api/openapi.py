"""The OpenAPI 3 document, generated from the registered routes and the schemas."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

import kb
from kb.api import api_blueprint as bp
from kb.api import schemas

_SCHEMAS = [
    "DocumentWrite", "DocumentUpdate", "DocumentOut", "DocumentPage", "RevisionSummary", "RevisionOut",
    "DiffOut", "CommentBody", "CommentOut", "RestoreBody", "ScheduleBody", "RenderBody", "RenderOut",
    "MacroFlagsOut", "SearchResponse", "SuggestBody", "SuggestResponse", "ErrorOut",
]


def build_spec() -> dict:
    spec = APISpec(
        title="kb API", version=kb.__version__, openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": "Help-center articles, support macros, review workflow and search."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    # Path parameters shared by most endpoints; docstrings refer to them by $ref.
    spec.components.parameter("Kind", "path", {
        "name": "kind", "schema": {"type": "string", "enum": ["articles", "macros"]}})
    spec.components.parameter("DocumentId", "path", {"name": "document_id", "schema": {"type": "integer"}})
    for name in _SCHEMAS:
        spec.components.schema(name, schema=getattr(schemas, name))
    for endpoint, view in current_app.view_functions.items():
        if endpoint.startswith("api.") and endpoint != "api.openapi" and view.__doc__ and "---" in view.__doc__:
            spec.path(view=view, app=current_app)
    document = spec.to_dict()
    document["security"] = [{"bearer": []}, {}]
    return document


@bp.get("/openapi.json")
def openapi():
    """This document."""
    cached = current_app.extensions.get("kb.openapi")
    if cached is None:
        cached = current_app.extensions["kb.openapi"] = build_spec()
    return jsonify(cached)
