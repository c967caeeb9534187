"""The OpenAPI 3 document, generated from the registered routes and the schemas.

Each handler's docstring names the answers particular to it (``403: Forbidden``, ``409:
Conflict``...) by the shared responses below; the answers every operation of a kind can give
are added here, so no docstring can forget them:

- 401 on every operation: a bearer token that is unknown, revoked or of an inactive user;
- 400 where there is a query or a body to get wrong;
- 404 where there is a path parameter: an id that names nothing (or nothing the caller may see);
- 403 on every state-changing method: a session caller without the page's CSRF token;
- 413 where there is a body: over the size limit.
"""

from __future__ import annotations

import json

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app, jsonify

import kb
from kb.api import api_blueprint as bp
from kb.api import contact_schemas, insights_schemas, schemas
from kb.validation import MAX_ID

_SCHEMAS = [
    "DocumentWrite", "ArticleWrite", "DocumentUpdate", "DocumentOut", "DocumentPage",
    "RevisionSummary", "RevisionOut", "DiffOut", "CommentBody", "RequiredComment", "CommentOut",
    "RestoreBody", "ScheduleBody", "RenderBody", "RenderOut", "MacroFlagsOut", "SearchResponse",
    "SuggestBody", "SuggestResponse", "UserCreate", "UserUpdate", "UserOut", "UserList",
    "TokenCreate", "TokenOut", "TokenCreated", "TokenList", "MediaUpload", "MediaOut",
    "InsightsSearchesOut", "InsightsArticlesOut", "InsightsMacrosOut", "ErrorOut",
    "ContactSuggestBody", "ContactSuggestResponse", "InsightsContactOut",
]

#: The error answers, each the ``{"error": {"code", "message", ...}}`` envelope.
RESPONSES = {
    "BadRequest": "the input is invalid: `field` and `fields` say where",
    "Unauthorized": "sign-in required, or the token is unknown, revoked or its user inactive",
    "Forbidden": "the caller's role may not do this (or a session caller sent no CSRF token)",
    "NotFound": "nothing the caller may see has this id",
    "Conflict": "the document's state does not allow this (a stale `base_revision` answers "
                "`stale_revision` with `current_revision`); an e-mail that is taken; the last "
                "active admin demoted or deactivated",
    "TooLarge": "the body is larger than the limit (2 MiB; images: `KB_MEDIA_MAX_MB`, 10 MB by "
                "default, and 8,000 px a side)",
    "UnsupportedMediaType": "not a PNG, JPEG, GIF or WebP image (by its content), damaged, or "
                            "with data after the image's end",
    "TooManyRequests": "too many requests in a short time; `Retry-After` says how long to wait",
    "SearchUnavailable": "the search index cannot answer right now",
}
_STATUS = {"BadRequest": 400, "Unauthorized": 401, "Forbidden": 403, "NotFound": 404,
           "Conflict": 409, "TooLarge": 413, "UnsupportedMediaType": 415, "TooManyRequests": 429,
           "SearchUnavailable": 503}
_UNSAFE = {"post", "put", "patch", "delete"}
_ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def build_spec() -> dict:
    marshmallow = MarshmallowPlugin()
    spec = APISpec(
        title="kb API", version=kb.__version__, openapi_version="3.1.0",
        plugins=[FlaskPlugin(), marshmallow],
        info={"description": "Help-center articles, support macros, review workflow and search."},
        servers=[{"url": "/"}],
    )
    marshmallow.converter.add_attribute_function(_json_schema_keywords)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    # Path parameters shared by most endpoints; docstrings refer to them by name.
    spec.components.parameter("Kind", "path", {
        "name": "kind", "schema": {"type": "string", "enum": ["articles", "macros"]}})
    spec.components.parameter("DocumentId", "path", {"name": "document_id", "schema": _ID})
    spec.components.parameter("RevisionNumber", "path", {"name": "number", "schema": _ID})
    spec.components.parameter("UserId", "path", {"name": "user_id", "schema": _ID})
    spec.components.parameter("TokenId", "path", {"name": "token_id", "schema": _ID})
    spec.components.schema("PlaceholderValue", schemas.PLACEHOLDER_VALUE)
    for name in _SCHEMAS:
        module = next(m for m in (contact_schemas, insights_schemas, schemas) if hasattr(m, name))
        spec.components.schema(name, schema=getattr(module, name))
    for name, description in RESPONSES.items():
        spec.components.response(name, _error(description, name == "TooManyRequests"))
    for endpoint, view in current_app.view_functions.items():
        if endpoint.startswith("api.") and endpoint != "api.openapi" and view.__doc__ and "---" in view.__doc__:
            spec.path(view=view, app=current_app)
    document = spec.to_dict()
    document["paths"] = _per_kind(document["paths"])
    del document["components"]["parameters"]["Kind"]
    for path in document["paths"].values():
        for method, operation in path.items():
            _add_common_responses(method, operation)
    document["security"] = [{"bearer": []}, {}]
    return document


def _json_schema_keywords(self, field, **kwargs) -> dict:
    """JSON Schema keywords apispec does not copy from a field's metadata (it predates 3.1)."""
    return {key: field.metadata[key] for key in ("propertyNames",) if key in field.metadata}


def _per_kind(paths: dict) -> dict:
    """``/{kind}/…`` written out for articles and for macros: one route serves both, but what
    each accepts differs (only a macro can be personal), and a client sees two resources."""
    kind = {"$ref": "#/components/parameters/Kind"}
    written = {}
    for path, item in paths.items():
        if "{kind}" not in path:
            written.setdefault(path, {}).update(item)
            continue
        for name in ("articles", "macros"):
            text = json.dumps(item)
            if name == "articles":
                text = text.replace('"#/components/schemas/DocumentWrite"',
                                    '"#/components/schemas/ArticleWrite"')
            concrete = json.loads(text)
            for operation in concrete.values():
                operation["parameters"] = [p for p in operation.get("parameters", []) if p != kind]
                if not operation["parameters"]:
                    del operation["parameters"]
            written.setdefault(path.replace("{kind}", name), {}).update(concrete)
    return written


def _error(description: str, retry_after: bool = False) -> dict:
    envelope = {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
    response = {"description": description, "content": {"application/json": envelope}}
    if retry_after:
        response["headers"] = {"Retry-After": {
            "description": "seconds to wait", "schema": {"type": "integer", "minimum": 0}}}
    return response


def _add_common_responses(method: str, operation: dict) -> None:
    parameters = operation.get("parameters", [])
    in_path = any("$ref" in p or p.get("in") == "path" for p in parameters)
    in_query = any(p.get("in") == "query" for p in parameters)
    body = "requestBody" in operation
    wanted = ["Unauthorized"]
    wanted += ["BadRequest"] if in_query or body else []
    wanted += ["NotFound"] if in_path else []
    wanted += ["Forbidden"] if method in _UNSAFE else []
    wanted += ["TooLarge"] if body else []
    responses = operation.setdefault("responses", {})
    for name in wanted:
        responses.setdefault(str(_STATUS[name]), {"$ref": f"#/components/responses/{name}"})


@bp.get("/openapi.json")
def openapi():
    """This document."""
    cached = current_app.extensions.get("kb.openapi")
    if cached is None:
        cached = current_app.extensions["kb.openapi"] = build_spec()
    return jsonify(cached)
