"""Documents and revisions as the API shows them."""

from __future__ import annotations

from flask import url_for

from kb import permissions
from kb.auth import current_actor_or_none
from kb.content import translations
from kb.macros import links
from kb.models import Document, ReviewComment, Revision
from kb.models.content import ARTICLE
from kb.search.service import Result
from kb.web.locale import article_url

KIND_PATHS = {"articles": "article", "macros": "macro"}


def kind_path(kind: str) -> str:
    return "articles" if kind == ARTICLE else "macros"


def document_dict(document: Document, revision: Revision) -> dict:
    """The contract's document shape, showing ``revision`` (latest for staff, published otherwise)."""
    return {
        "id": document.id,
        "kind": document.kind,
        "slug": document.slug,
        "title": revision.title,
        "body": revision.body,
        "html": revision.html,
        "tags": list(revision.tags or []),
        "section": revision.section.path if revision.section else None,
        "visibility": revision.visibility,
        "status": revision.state,
        "revision": revision.number,
        "published_revision": document.published.number if document.published else None,
        "updated_at": document.updated_at.isoformat(),
        "personal": document.owner_id is not None,
        "review_by": revision.review_by.isoformat() if revision.review_by else None,
        "position": revision.position,
        "use_count": document.use_count,
        "publish_at": revision.publish_at.isoformat() if revision.publish_at else None,
        # The slug the shown revision gives the document once published (``slug`` is the live one).
        "draft_slug": revision.slug or document.slug,
        "locale": document.locale,
        "translation_of": document.translation_of_id,
        "translations": translations_list(current_actor_or_none(), document),
    }


def translations_list(actor, document: Document) -> list[dict]:
    """The document's other language versions the actor may see: staff see each one's latest
    state, everyone else only the published, readable ones (drafts never show)."""
    if document.owner_id is not None:
        return []
    family = [m for m in translations.family(document) if m.id != document.id]
    if not family:
        return []
    staff = permissions.is_staff(actor)
    shown = [m for m in family if (permissions.visible(actor, m) if staff
                                   else permissions.readable_published(actor, m) is not None)]
    outdated = translations.outdated_ids(m.id for m in shown)
    return [{"locale": m.locale, "id": m.id, "slug": m.slug,
             "status": m.status if staff else "published", "outdated": m.id in outdated}
            for m in shown]


def link_flags(document: Document) -> list[dict]:
    """A macro's bad article links; a changed article's entry links to its diff."""
    found = []
    for flag in links.flags_for(document):
        item = {"kind": flag.kind, "article_id": flag.article_id,
                "since": flag.since.isoformat() if flag.since else None}
        if flag.reason == links.CHANGED:
            item["diff"] = url_for("api.diff", kind="articles", document_id=flag.article_id,
                                   **{"from": flag.confirmed_number, "to": flag.live_number})
        found.append(item)
    return found


def visible_document_dict(actor, document: Document) -> dict:
    return document_dict(document, permissions.visible_revision(actor, document))


def revision_summary(revision: Revision) -> dict:
    return {
        "number": revision.number,
        "author": revision.author.name if revision.author else None,
        "created_at": revision.created_at.isoformat(),
        "message": revision.message,
        "status": revision.state,
    }


def revision_dict(revision: Revision) -> dict:
    return {
        **revision_summary(revision),
        "title": revision.title,
        "body": revision.body,
        "html": revision.html,
        "tags": list(revision.tags or []),
        "section": revision.section.path if revision.section else None,
        "visibility": revision.visibility,
        "slug": revision.slug,
    }


def comment_dict(comment: ReviewComment, revision_number: int) -> dict:
    return {
        "id": comment.id,
        "author": comment.author.name,
        "action": comment.action,
        "body": comment.body,
        "revision": revision_number,
        "created_at": comment.created_at.isoformat(),
    }


def result_dict(result: Result) -> dict:
    hit, document = result.hit, result.document
    if hit.kind == ARTICLE:
        url = article_url(document)
    else:
        url = url_for("agent.macro", document_id=document.id)  # the page an agent copies from
    return {
        "type": hit.kind,
        "id": hit.id,
        "slug": document.slug,
        "title": hit.title,
        "snippet": hit.snippet,
        "url": url,
        "score": round(hit.score, 4),
        "internal": document.visibility == "internal",
        "personal": document.owner_id is not None,
    }
