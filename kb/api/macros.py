"""Macro rendering for tickets, confirming a macro against changed articles, and deleting an
agent's personal macros."""

from __future__ import annotations

from flask import current_app, jsonify, request

from kb.api import api_blueprint as bp
from kb.api.args import json_body
from kb.api.schemas import RenderBody
from kb.api.serializers import link_flags
from kb.auth import current_actor
from kb.macros import links, services as macro_services
from kb.search import suggesting


@bp.post("/macros/<int:document_id>/render")
def render_macro(document_id: int):
    """Fill a macro's placeholders; counts one use of the macro. With ``ticket``, the use keeps
    that text's key terms (not the text) for 90 days, to rank the macro for similar tickets.
    ---
    post:
      tags: [macros]
      parameters:
      - DocumentId
      requestBody: {required: false, content: {application/json: {schema: RenderBody}}}
      responses:
        200: {content: {application/json: {schema: RenderOut}}}
    """
    data = json_body(RenderBody())
    terms = suggesting.ticket_fingerprint(current_actor(), data["ticket"]) if data.get("ticket") else None
    filled = macro_services.render_for_ticket(current_actor(), document_id, data["values"],
                                              request.host_url, ticket_terms=terms)
    return jsonify(_rendered(filled))


@bp.post("/macros/<int:document_id>/preview")
def preview_macro(document_id: int):
    """Fill a macro's placeholders without counting a use (live previews while typing).
    ---
    post:
      tags: [macros]
      parameters:
      - DocumentId
      requestBody: {required: false, content: {application/json: {schema: RenderBody}}}
      responses:
        200: {content: {application/json: {schema: RenderOut}}}
    """
    data = json_body(RenderBody())
    filled = macro_services.preview_for_ticket(current_actor(), document_id, data["values"],
                                               request.host_url)
    return jsonify(_rendered(filled))


@bp.post("/macros/<int:document_id>/confirm-links")
def confirm_macro_links(document_id: int):
    """Say the macro still fits the articles it links to as they are now (editors and up);
    clears its "linked article changed" flags.
    ---
    post:
      tags: [macros]
      parameters:
      - DocumentId
      responses:
        200: {content: {application/json: {schema: MacroFlagsOut}}}
        403: Forbidden
    """
    document = links.confirm(current_actor(), document_id)
    return jsonify({"flags": link_flags(document)})


@bp.delete("/macros/<int:document_id>")
def delete_personal_macro(document_id: int):
    """Delete one of your personal macros (shared documents are archived through review).
    ---
    delete:
      tags: [macros]
      parameters:
      - DocumentId
      responses:
        204: {description: deleted; its revisions stay in the audit log}
    """
    macro_services.delete_personal(current_actor(), document_id)
    return current_app.response_class(status=204)


def _rendered(filled: macro_services.RenderedMacro) -> dict:
    return {"text": filled.text, "html": filled.html, "markdown": filled.markdown,
            "missing": filled.missing, "use_count": filled.use_count}
