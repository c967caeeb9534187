"""Uploading images for articles and macros."""

from __future__ import annotations

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
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("send the image as the multipart field `file`", field="file")
    media = media_store.upload(actor, upload.read(limit + 1), limit)
    response = jsonify(media_store.response_payload(media))
    response.status_code = 201
    return response
