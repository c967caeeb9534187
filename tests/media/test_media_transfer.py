"""Images survive kb export then kb import into an empty instance (issue 27)."""

from __future__ import annotations

import hashlib
import io
import re

from flask import g
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from kb.extensions import db
from tests.support import make_app


def uploaded(api, fmt: str, colour) -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (700, 300), colour).save(buffer, fmt)
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(buffer.getvalue()), "x")})
    response = api.post("/media", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_media_survive_export_then_import(app, runner, client, api_as, make_document, tmp_path):
    api, _ = api_as("agent")
    shown = uploaded(api, "PNG", (200, 30, 30))
    draft_only = uploaded(api, "JPEG", (30, 200, 30))
    document = make_document("article", state="published", title="Where the menu is",
                             body=f"Open it.\n\n![The menu]({shown['url']})")
    slug = document.slug
    make_document("article", state="draft", body=f"![later]({draft_only['url']})")
    served = {image["url"]: client.get(image["url"], headers=api.headers).data for image in (shown, draft_only)}

    folder = tmp_path / "export"
    assert runner.invoke(args=["export", str(folder)]).exit_code == 0
    files = {path.name: path.read_bytes() for path in (folder / "media").iterdir()}
    assert files == {image["url"].removeprefix("/media/"): served[image["url"]] for image in (shown, draft_only)}
    assert all(hashlib.sha256(data).hexdigest() == name.split(".")[0] for name, data in files.items())

    other = make_app(tmp_path)  # an empty instance (on PostgreSQL, the same database emptied)
    with other.app_context():
        g.pop("_login_user", None)
        cli = other.test_cli_runner()
        result = cli.invoke(args=["import", str(folder)])
        assert result.exit_code == 0, result.output
        assert "images: 2 new from media/" in result.output
        reader = other.test_client()
        page = reader.get(f"/en/articles/{slug}").get_data(as_text=True)
        tag = re.search(r"<img[^>]*>", page)[0]
        assert 'width="700"' in tag and 'height="300"' in tag and "srcset=" in tag
        assert reader.get(shown["url"]).data == served[shown["url"]]  # identical bytes, public again
        assert reader.get(draft_only["url"]).status_code == 404  # still only a draft's
        again = cli.invoke(args=["import", str(folder)])
        assert again.exit_code == 0 and "images:" not in again.output
        db.session.remove()
        db.engine.dispose()


def test_a_renamed_or_foreign_file_in_media_is_reported_not_stored(runner, tmp_path):
    folder = tmp_path / "content"
    (folder / "media").mkdir(parents=True)
    (folder / "articles").mkdir()
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "PNG")
    (folder / "media" / ("0" * 64 + ".png")).write_bytes(buffer.getvalue())  # name is not its digest
    script = b"<svg onload=alert(1)>"
    (folder / "media" / (hashlib.sha256(script).hexdigest() + ".png")).write_bytes(script)
    result = runner.invoke(args=["import", str(folder)])
    assert result.exit_code == 1
    assert "does not match its name" in result.output
    assert "only PNG, JPEG, GIF and WebP" in result.output
    assert result.output.strip().splitlines()[-1] == "imported 0, updated 0, unchanged 0, failed 2, skipped 0"
