"""Images: upload through the API, what is refused and why, and who may load them (issue 27)."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def picture(fmt: str, size=(640, 360), mode="RGB") -> bytes:
    image = Image.new(mode, size, (30, 120, 200) if mode == "RGB" else 7)
    for x in range(0, size[0], 7):  # some detail, so the encoders have work to do
        image.putpixel((x, x % size[1]), (250, 250, 10) if mode == "RGB" else 3)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def upload(api, data: bytes, filename: str = "shot.png", content_type: str = "image/png"):
    # Encoded here: the test client spools a big multipart body to a file it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), filename, content_type=content_type)})
    return api.post("/media", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.mark.parametrize("fmt, ext, content_type", [
    ("PNG", "png", "image/png"), ("JPEG", "jpg", "image/jpeg"),
    ("GIF", "gif", "image/gif"), ("WEBP", "webp", "image/webp"),
])
def test_each_accepted_type_round_trips(api_as, client, fmt, ext, content_type):
    api, _ = api_as("agent")
    # Named and labelled as something else: the content decides.
    response = upload(api, picture(fmt), filename="upload.bin", content_type="application/octet-stream")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == content_type
    assert (body["width"], body["height"]) == (640, 360)
    assert re.fullmatch(rf"/media/[0-9a-f]{{64}}\.{ext}", body["url"])
    assert set(body) == {"id", "url", "content_type", "width", "height", "bytes", "sha256"}
    assert client.get(body["url"]).status_code == 404  # used by nothing published: staff only
    served = client.get(body["url"], headers=api.headers)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == content_type
    assert hashlib.sha256(served.data).hexdigest() == body["sha256"]
    with Image.open(io.BytesIO(served.data)) as image:
        assert (image.format, image.size) == (fmt, (640, 360))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_staff_load_what_they_uploaded_with_its_type_and_digest(api_as, client, login, make_user, fmt):
    api, _ = api_as("agent")
    body = upload(api, picture(fmt)).get_json()
    login(make_user("agent"))
    served = client.get(body["url"])
    assert served.status_code == 200
    assert served.headers["Content-Type"] == body["content_type"]
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(served.data).hexdigest() == body["sha256"]
    assert len(served.data) == body["bytes"]
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (640, 360)
        assert image.format == {"PNG": "PNG", "JPEG": "JPEG", "GIF": "GIF", "WEBP": "WEBP"}[fmt]


def test_metadata_is_stripped(api_as, client, login, make_user):
    api, _ = api_as("agent")
    image = Image.new("RGB", (200, 100), (10, 20, 30))
    exif = image.getexif()
    exif[0x010F] = "CameraMakerSecret"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    assert b"CameraMakerSecret" in buffer.getvalue()
    body = upload(api, buffer.getvalue()).get_json()
    login(make_user("agent"))
    assert b"CameraMakerSecret" not in client.get(body["url"]).data


def test_the_same_picture_twice_is_one_image(api_as):
    api, _ = api_as("agent")
    first = upload(api, picture("PNG")).get_json()
    second = upload(api, picture("PNG")).get_json()
    assert first == second


def test_an_animated_gif_keeps_its_frames(api_as, client, login, make_user):
    api, _ = api_as("agent")
    frames = [Image.new("RGB", (40, 40), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0)
    body = upload(api, buffer.getvalue(), "a.gif", "image/gif").get_json()
    login(make_user("agent"))
    with Image.open(io.BytesIO(client.get(body["url"]).data)) as image:
        assert image.n_frames == 3


@pytest.mark.parametrize("name, data, status", [
    ("a PNG with a trailing script", None, 415),
    ("an SVG", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>', 415),
    ("an HTML file named .png", b"<!doctype html><html><script>alert(1)</script></html>", 415),
    ("a truncated PNG", None, 415),
    ("a decompression bomb", None, 413),
    ("an image over 8000 px a side", None, 413),
    ("empty", b"", 415),
])
def test_refused_uploads(api_as, name, data, status):
    api, _ = api_as("agent")
    if name == "a PNG with a trailing script":
        data = picture("PNG") + b"<script>alert(document.cookie)</script>"
    elif name == "a truncated PNG":
        data = picture("PNG")[:-20]
    elif name == "a decompression bomb":
        # A few hundred bytes that claim 60,000 × 60,000 pixels of zeros.
        header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 1, 0, 0, 0, 0))
        idat = png_chunk(b"IDAT", zlib.compress(b"\x00" * 10000))
        data = PNG_SIGNATURE + header + idat + png_chunk(b"IEND", b"")
        assert len(data) < 1000
    elif name == "an image over 8000 px a side":
        data = picture("PNG", size=(8001, 2), mode="L")
    response = upload(api, data, "x.png", "image/png")
    assert response.status_code == status, (name, response.get_json())
    assert response.get_json()["error"]["code"] == (
        "unsupported_media_type" if status == 415 else "request_entity_too_large")


def test_a_20_mb_image_is_refused_413(api_as):
    api, _ = api_as("agent")
    data = picture("PNG", size=(64, 64)) + b"\x00" * (20 * 1024 * 1024)
    response = upload(api, data)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "request_entity_too_large"


def test_a_20_mb_chunked_upload_is_refused_413(api_as):
    """No Content-Length to judge by: the body is cut off as soon as it passes the limit."""
    api, _ = api_as("agent")
    boundary, body = encode_multipart({"file": FileStorage(
        io.BytesIO(picture("PNG", size=(64, 64)) + b"\x00" * (20 * 1024 * 1024)), "big.png")})
    stream = io.BytesIO(body)
    response = api.post("/media", input_stream=stream,
                        headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                 "Transfer-Encoding": "chunked"},
                        environ_base={"wsgi.input_terminated": True})
    assert response.status_code == 413
    assert stream.tell() < 12 * 1024 * 1024  # not read to the end


def test_a_9_mb_image_passes_the_body_limit(api_as):
    """Only the media endpoint takes bodies over the site's 2 MiB: a 9 MB PNG is stored."""
    api, _ = api_as("agent")
    noise = Image.frombytes("RGB", (1800, 1700), bytes(range(256)) * 35860)
    buffer = io.BytesIO()
    noise.effect_spread(50).save(buffer, "PNG", compress_level=0)
    assert 8 * 1024 * 1024 < len(buffer.getvalue()) < 10 * 1024 * 1024
    assert upload(api, buffer.getvalue()).status_code == 201


def test_the_limit_is_configurable(app, api_as):
    app.config["MEDIA_MAX_MB"] = 0.001
    api, _ = api_as("agent")
    assert upload(api, picture("PNG", size=(300, 300))).status_code == 413


def test_a_missing_file_field_is_a_400(api_as):
    api, _ = api_as("agent")
    boundary, body = encode_multipart({})
    response = api.post("/media", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "file"


def test_another_field_beside_the_file_is_a_400(api_as):
    api, _ = api_as("agent")
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(picture("PNG")), "a.png"),
                                       "caption": "hello"})
    response = api.post("/media", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "caption"


def test_anonymous_callers_cannot_upload(api_as):
    api, _ = api_as(None)
    assert upload(api, picture("PNG")).status_code == 401
