"""Uploading images for articles and macros."""

from __future__ import annotations

import tempfile
from typing import IO

from flask import current_app, jsonify, request

from kb.api import api_blueprint as bp
from kb import permissions
from kb.auth import current_actor
from kb.errors import ValidationError
from kb.media import store as media_store

#: Room for the multipart envelope around the file (boundaries, part headers, a file name).
MULTIPART_OVERHEAD = 64 * 1024


@bp.post("/media")
def upload_media():
    """Upload an image (agents and up); insert its `url` as `![alt](url)`.
    ---
    post:
      tags: [media]
      requestBody: {required: true, content: {multipart/form-data: {schema: MediaUpload}}}
      responses:
        201: {content: {application/json: {schema: MediaOut}}}
        403: Forbidden
        415: UnsupportedMediaType
    """
    actor = permissions.may_upload_media(current_actor())  # before a byte of the body is read
    limit = media_store.max_bytes(current_app.config)
    # This endpoint alone takes bodies over the site-wide limit; Werkzeug refuses a bigger one
    # from its Content-Length (or as soon as a chunked one passes the limit), unread.
    request.max_content_length = limit + MULTIPART_OVERHEAD
    spooled: list[IO[bytes]] = []
    request._get_file_stream = _closed_after(spooled)  # Werkzeug's documented hook
    try:
        unknown = sorted((set(request.form) | set(request.files)) - {"file"})
        if unknown:
            raise ValidationError(f"unknown field {unknown[0]!r}: send only `file`", field=unknown[0])
        upload = request.files.get("file")
        if upload is None:
            raise ValidationError("send the image as the multipart field `file`", field="file")
        data = upload.read(limit + 1)
    finally:  # also when the body turned out too big halfway through a file
        for stream in spooled:
            stream.close()
    media = media_store.upload(actor, data, limit)
    response = jsonify(media_store.response_payload(media))
    response.status_code = 201
    return response


def _closed_after(spooled: list[IO[bytes]]):
    """Werkzeug's stream for an uploaded file (in memory up to 1 MB, then a temporary file),
    remembered so it is closed as soon as the bytes are read, whatever happened."""

    def make(total_content_length, content_type, filename, content_length=None) -> IO[bytes]:
        stream = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="rb+")
        spooled.append(stream)
        return stream  # type: ignore[return-value]

    return make
