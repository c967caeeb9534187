"""Use cases for images: upload, serve, note which revisions use which, export and import.

Each function that writes owns its transaction. Who may upload or see an image is asked of
:mod:`kb.permissions`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from kb import permissions
from kb.database import transaction
from kb.errors import NotFoundError
from kb.extensions import db
from kb.media import html as media_html, images
from kb.models import Media, MediaUse, MediaVariant, Revision, User
from kb.permissions import Actor

MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Served:
    """One image file as the server sends it."""

    data: bytes
    content_type: str
    #: The digest of exactly these bytes: a strong validator.
    etag: str
    #: Whether anyone may load it (shared caches may keep it) or staff only.
    public: bool


def upload(actor: Actor, data: bytes, max_bytes: int) -> Media:
    """Check, clean and keep an uploaded image; the same picture twice is one image.

    :raises AuthenticationRequiredError, PermissionDeniedError: not an agent or up.
    :raises images.UnsupportedMediaError: not an accepted image (415).
    :raises images.MediaTooLargeError: too many bytes or pixels (413).
    """
    user = permissions.may_upload_media(actor)
    image = images.clean(data, max_bytes)
    return _keep(image, user)


def keep_attachment(data: bytes, max_bytes: int) -> Media:
    """An image a reader attached to a contact request: checked and re-encoded exactly as an
    upload is, kept with no uploader. Only staff may load it (no public article shows it).

    :raises images.UnsupportedMediaError, images.MediaTooLargeError: as :func:`upload`.
    """
    return _keep(images.clean(data, max_bytes), None)


def import_file(name: str, data: bytes, actor: User, max_bytes: int) -> bool:
    """Keep an exported image file (``<sha256>.<ext>``) as it is, so it keeps its name.

    :return: whether it was new.
    :raises images.UnsupportedMediaError: the name does not match the content, or the content
        is not an image kb would have stored.
    :raises images.MediaTooLargeError: over the size limits.
    """
    found = media_html.MEDIA_NAME.fullmatch(name)
    if found is None or found[2]:
        raise images.UnsupportedMediaError("an image file is named <sha256>.<png|jpg|gif|webp>")
    if hashlib.sha256(data).hexdigest() != found[1]:
        raise images.UnsupportedMediaError("the file's content does not match its name (sha256)")
    if db.session.scalar(select(Media.id).where(Media.sha256 == found[1], Media.ext == found[3])):
        return False  # these very bytes were checked when they were first stored
    image = images.check_stored(data, max_bytes)
    if image.ext != found[3]:
        raise images.UnsupportedMediaError(f"the file is a {image.ext} image, not {found[3]}")
    _keep(image, actor)
    return True


def _keep(image: images.CleanImage, user: User | None) -> Media:
    existing = _by_sha(image.sha256)
    if existing is not None:
        return existing
    made = images.variants(image)  # before the transaction: no write lock while scaling
    try:
        with transaction():
            media = Media(sha256=image.sha256, ext=image.ext, content_type=image.content_type,
                          width=image.width, height=image.height, size=len(image.data),
                          data=image.data, created_by_id=user.id if user else None)
            for width, height, data in made:
                media.variants.append(MediaVariant(
                    width=width, height=height, size=len(data), data=data,
                    sha256=hashlib.sha256(data).hexdigest()))
            db.session.add(media)
    except IntegrityError:  # the same picture, uploaded at the same moment by someone else
        existing = _by_sha(image.sha256)
        if existing is None:
            raise
        return existing
    return media


def _by_sha(sha256: str) -> Media | None:
    return db.session.scalar(select(Media).where(Media.sha256 == sha256))


def served(actor: Actor, name: str) -> Served:
    """The file ``/media/<name>`` names, if the actor may load it.

    :raises NotFoundError: no such image, or one the actor may not see (the same answer).
    """
    found = media_html.MEDIA_NAME.fullmatch(name)
    if found is None:
        raise NotFoundError("no such image")
    sha256, width, ext = found[1], found[2], found[3]
    public = db.session.scalar(permissions.public_media_uses(sha256)) is not None
    if not permissions.may_see_media(actor, public):
        raise NotFoundError("no such image")
    media = db.session.scalar(select(Media).where(Media.sha256 == sha256, Media.ext == ext)
                              .options(*([undefer(Media.data)] if width is None else [])))
    if media is None:
        raise NotFoundError("no such image")
    if width is None:
        return Served(media.data, media.content_type, media.sha256, public)
    variant = db.session.scalar(
        select(MediaVariant).where(MediaVariant.media_id == media.id, MediaVariant.width == int(width))
        .options(undefer(MediaVariant.data)))
    if variant is None:
        raise NotFoundError("no such image")
    return Served(variant.data, media.content_type, variant.sha256, public)


def with_image_sizes(clean_html: str) -> str:
    """Rendered HTML with kb's images given their size, lazy loading and ``srcset`` (see
    :mod:`kb.media.html`). Reads the database; writes nothing."""
    shas = media_html.referenced(clean_html)
    if not shas:
        return clean_html
    rows = db.session.execute(
        select(Media.id, Media.sha256, Media.ext, Media.width, Media.height)
        .where(Media.sha256.in_(shas))).all()
    widths: dict[int, list[int]] = {}
    for media_id, width in db.session.execute(
            select(MediaVariant.media_id, MediaVariant.width)
            .where(MediaVariant.media_id.in_([r.id for r in rows])).order_by(MediaVariant.width)):
        widths.setdefault(media_id, []).append(width)
    sizes = {r.sha256: media_html.ImageSizes(r.ext, r.width, r.height, tuple(widths.get(r.id, ())))
             for r in rows}
    return media_html.with_sizes(clean_html, sizes)


def record_uses(revision: Revision) -> None:
    """Note the images a new revision shows (inside the caller's transaction). Images not
    uploaded yet are noted too: an import may bring them after the articles."""
    for sha256 in media_html.referenced(revision.html):
        db.session.add(MediaUse(revision_id=revision.id, sha256=sha256))


def exported() -> Iterator[tuple[str, bytes]]:
    """``(file name, bytes)`` of every image, one at a time (``kb export``)."""
    ids = db.session.scalars(select(Media.id).order_by(Media.sha256)).all()
    for media_id in ids:
        media = db.session.scalar(select(Media).where(Media.id == media_id).options(undefer(Media.data)))
        yield f"{media.sha256}.{media.ext}", media.data
        db.session.expunge(media)


def response_payload(media: Media) -> dict:
    """The API's answer for an uploaded image."""
    return {"id": media.id, "url": media_html.url(media.sha256, media.ext),
            "content_type": media.content_type, "width": media.width, "height": media.height,
            "bytes": media.size, "sha256": media.sha256}


def max_bytes(config) -> int:
    """``KB_MEDIA_MAX_MB`` in bytes."""
    return int(float(config.get("MEDIA_MAX_MB") or 10) * MEGABYTE)
