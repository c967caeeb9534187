"""Articles and macros: list, create, read, update, revisions, diff and the review workflow.

Each handler's docstring carries its OpenAPI operation after the ``---`` line.
"""

from __future__ import annotations

from flask import jsonify

from kb import locales, permissions
from kb.api import api_blueprint as bp
from kb.api.args import json_body, query_args
from kb.api.locale_schemas import LocaleArgs
from kb.api.schemas import (ArticleWrite, CommentBody, DiffArgs, DocumentUpdate, DocumentWrite, ListArgs,
                            RequiredComment, RestoreBody, ScheduleBody)
from kb.api.serializers import KIND_PATHS, link_flags, comment_dict, document_dict, revision_dict, revision_summary, \
    visible_document_dict
from kb.auth import current_actor
from kb.content import diffs, queries, services, translations
from kb.content.services import DocumentInput
from kb.errors import NotFoundError
from kb.models import ReviewComment, Role
from kb.models.content import MACRO
from kb.extensions import db
from kb.review import services as review

KIND = "<any(articles, macros):kind>"


def _input(data: dict, default_visibility: str = "public", meta: dict | None = None) -> DocumentInput:
    """The API's fields; ``meta`` (front-matter keys kb does not know, Zendesk's times) is not
    among them, so an update keeps the latest revision's."""
    return DocumentInput(
        title=data["title"], body=data["body"], tags=services.normalise_tags(data["tags"]),
        section=data["section"], visibility=data["visibility"] or default_visibility,
        slug=data["slug"], review_by=data["review_by"], message=data["message"], meta=meta or {},
        position=data.get("position"),
    )


def _visible(kind: str, document_id: int):
    actor = current_actor()
    document = queries.get_document(KIND_PATHS[kind], document_id)
    return actor, document, permissions.visible_revision(actor, document)


@bp.get(f"/{KIND}")
def list_documents(kind: str):
    """List documents the caller may see, newest change first.
    ---
    get:
      tags: [documents]
      parameters:
      - Kind
      - {in: query, schema: ListArgs}
      responses:
        200: {content: {application/json: {schema: DocumentPage}}}
    """
    args = query_args(ListArgs())
    actor = current_actor()
    locale = locales.check(args["locale"]) if args.get("locale") else None
    total, documents = queries.list_documents(actor, KIND_PATHS[kind], args.get("status"), args["limit"],
                                              args["offset"], locale=locale)
    items = [visible_document_dict(actor, d) for d in documents]
    return jsonify({"total": total, "limit": args["limit"], "offset": args["offset"], "items": items})


@bp.post(f"/{KIND}")
def create_document(kind: str):
    """Create a document; its first revision is a draft (a personal macro is live at once).
    ---
    post:
      tags: [documents]
      parameters:
      - Kind
      requestBody: {required: true, content: {application/json: {schema: DocumentWrite}}}
      responses:
        201: {content: {application/json: {schema: DocumentOut}}}
        403: Forbidden
    """
    actor = current_actor()
    permissions.require_role(actor, Role.AGENT)
    data = json_body(ArticleWrite() if kind == "articles" else DocumentWrite())
    document = services.create_document(KIND_PATHS[kind], _input(data), actor, personal=data["personal"],
                                        locale=data["locale"], translation_of=data["translation_of"])
    return jsonify(document_dict(document, document.latest)), 201


@bp.get(f"/{KIND}/<int:document_id>")
def get_document(kind: str, document_id: int):
    """Read a document: the latest revision for staff, the published one for everyone else.
    ---
    get:
      tags: [documents]
      parameters:
      - Kind
      - DocumentId
      - {in: query, schema: LocaleArgs}
      responses:
        200: {content: {application/json: {schema: DocumentOut}}}
    """
    args = query_args(LocaleArgs())
    actor, document, revision = _visible(kind, document_id)
    if args.get("locale"):
        document = _in_locale(actor, document, locales.check(args["locale"]))
        revision = permissions.visible_revision(actor, document)
    found = document_dict(document, revision)
    if document.kind == MACRO:
        found["flags"] = link_flags(document)
    return jsonify(found)


def _in_locale(actor, document, locale: str):
    """The document's version in ``locale`` the actor may see.

    :raises NotFoundError: it has none (or none the actor may see: the same answer)."""
    found = translations.in_locale(document, locale)
    if found is None or not permissions.visible(actor, found):
        raise NotFoundError(f"{document.kind} {document.id} has no {locale} version")
    return found


@bp.put(f"/{KIND}/<int:document_id>")
def update_document(kind: str, document_id: int):
    """Save a new revision on top of ``base_revision``; 409 when someone saved since.
    ---
    put:
      tags: [documents]
      parameters:
      - Kind
      - DocumentId
      requestBody: {required: true, content: {application/json: {schema: DocumentUpdate}}}
      responses:
        200: {content: {application/json: {schema: DocumentOut}}}
        403: Forbidden
        409: Conflict
    """
    actor = current_actor()
    permissions.require_role(actor, Role.AGENT)
    data = json_body(DocumentUpdate())
    current = queries.get_document(KIND_PATHS[kind], document_id)
    visibility = current.latest.visibility if current.latest else "public"
    meta = current.latest.meta if current.latest else None
    document = services.save_revision(KIND_PATHS[kind], document_id, _input(data, visibility, meta),
                                      data["base_revision"], actor)
    return jsonify(document_dict(document, document.latest))


@bp.get(f"/{KIND}/<int:document_id>/revisions")
def list_revisions(kind: str, document_id: int):
    """Every revision of a document, newest first (staff only).
    ---
    get:
      tags: [revisions]
      parameters:
      - Kind
      - DocumentId
      responses:
        200: {content: {application/json: {schema: {type: array, items: RevisionSummary}}}}
        403: Forbidden
    """
    document = _staff_document(kind, document_id)
    return jsonify([revision_summary(r) for r in queries.revisions(document)])


@bp.get(f"/{KIND}/<int:document_id>/revisions/<int:number>")
def get_revision(kind: str, document_id: int, number: int):
    """One revision's fields.
    ---
    get:
      tags: [revisions]
      parameters:
      - Kind
      - DocumentId
      - RevisionNumber
      responses:
        200: {content: {application/json: {schema: RevisionOut}}}
        403: Forbidden
    """
    document = _staff_document(kind, document_id)
    return jsonify(revision_dict(queries.revision(document, number)))


@bp.get(f"/{KIND}/<int:document_id>/diff")
def diff(kind: str, document_id: int):
    """The difference between two revisions.
    ---
    get:
      tags: [revisions]
      parameters:
      - Kind
      - DocumentId
      - {in: query, schema: DiffArgs}
      responses:
        200: {content: {application/json: {schema: DiffOut}}}
        403: Forbidden
    """
    args = query_args(DiffArgs())
    document = _staff_document(kind, document_id)
    old, new = queries.revision(document, args["from_"]), queries.revision(document, args["to"])
    return jsonify({
        "from": old.number, "to": new.number,
        "diff": diffs.unified(old.body, new.body, f"revision {old.number}", f"revision {new.number}"),
        "html": diffs.words_html(old.body, new.body),
    })


@bp.get(f"/{KIND}/<int:document_id>/comments")
def list_comments(kind: str, document_id: int):
    """The document's review thread, oldest first.
    ---
    get:
      tags: [workflow]
      parameters:
      - Kind
      - DocumentId
      responses:
        200: {content: {application/json: {schema: {type: array, items: CommentOut}}}}
        403: Forbidden
    """
    document = _staff_document(kind, document_id)
    numbers = {r.id: r.number for r in queries.revisions(document)}
    comments = db.session.execute(
        db.select(ReviewComment).where(ReviewComment.document_id == document.id).order_by(ReviewComment.id)
    ).scalars()
    return jsonify([comment_dict(c, numbers.get(c.revision_id, 0)) for c in comments])


@bp.post(f"/{KIND}/<int:document_id>/comments")
def add_comment(kind: str, document_id: int):
    """Comment on the document's review (on its latest revision).
    ---
    post:
      tags: [workflow]
      parameters:
      - Kind
      - DocumentId
      requestBody: {required: true, content: {application/json: {schema: RequiredComment}}}
      responses:
        201: {content: {application/json: {schema: CommentOut}}}
    """
    data = json_body(RequiredComment())
    note = review.comment(KIND_PATHS[kind], document_id, current_actor(), data["comment"])
    return jsonify(comment_dict(note, queries.get_document(KIND_PATHS[kind], document_id).latest.number)), 201


def _workflow(action):
    def handler(kind: str, document_id: int):
        document = action(KIND_PATHS[kind], document_id, current_actor())
        return jsonify(document_dict(document, document.latest))
    return handler


def _register_action(path: str, name: str, action, doc: str, body_schema: str | None = None,
                     body_required: bool = True) -> None:
    handler = _workflow(action)
    handler.__name__ = name
    required = "true" if body_required else "false"
    request_body = (f"      requestBody: {{required: {required}, "
                    f"content: {{application/json: {{schema: {body_schema}}}}}}}\n" if body_schema else "")
    handler.__doc__ = f"""{doc}
    ---
    post:
      tags: [workflow]
      parameters:
      - Kind
      - DocumentId
{request_body}      responses:
        200: {{content: {{application/json: {{schema: DocumentOut}}}}}}
        403: Forbidden
        409: Conflict
    """
    bp.add_url_rule(f"/{KIND}/<int:document_id>/{path}", name, handler, methods=["POST"])


def _request_changes(kind, document_id, actor):
    return review.request_changes(kind, document_id, actor, json_body(RequiredComment())["comment"])


def _approve(kind, document_id, actor):
    return review.approve(kind, document_id, actor, json_body(CommentBody())["comment"])


def _restore(kind, document_id, actor):
    return review.restore(kind, document_id, json_body(RestoreBody())["revision"], actor)


def _schedule(kind, document_id, actor):
    return review.schedule(kind, document_id, actor, json_body(ScheduleBody())["publish_at"])


_register_action("submit", "submit", review.submit, "Send the latest revision to review.")
_register_action("request-changes", "request_changes", _request_changes,
                 "Send the revision back to its author with a comment (required).",
                 "RequiredComment")
_register_action("approve", "approve", _approve, "Approve the latest revision.", "CommentBody",
                 body_required=False)
_register_action("publish", "publish", review.publish, "Publish the approved revision.")
_register_action("archive", "archive", review.archive, "Take the document off the help center and search.")
_register_action("unarchive", "unarchive", review.restore_archived,
                 "Take an archived document out of the archive: its last published revision goes "
                 "live again; unpublished work comes back as a draft for review.")
_register_action("restore", "restore", _restore, "Make an old revision's content the new draft.", "RestoreBody")
_register_action("schedule", "schedule", _schedule,
                 "Give the approved revision a time to go live (null clears it).", "ScheduleBody")


def _staff_document(kind: str, document_id: int):
    actor = current_actor()
    document = queries.get_document(KIND_PATHS[kind], document_id)
    if not permissions.is_staff(actor):
        permissions.visible_revision(actor, document)  # 404 for what they cannot see at all
        permissions.require_role(actor, Role.AGENT)
    permissions.require_document_editor(actor, document)
    return document
