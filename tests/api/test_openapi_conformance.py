"""The OpenAPI document tells the truth: schemathesis checks every operation against it.

Schemathesis loads the app's own ``/api/v1/openapi.json`` through the WSGI app, generates
requests from it (valid and invalid ones), and runs all its checks on every answer: no server
error, every status and content type documented, bodies and headers matching their schemas,
valid input accepted and invalid input refused. Once as an anonymous caller, once as an admin
with a bearer token. The number of examples is bounded and the generation derandomised, so
a run is reproducible and takes a bounded time.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from kb import create_app

pytestmark = pytest.mark.slow

EXAMPLES = settings(max_examples=25, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def content(app, make_document):
    """A little of everything, so that small ids name real documents in every state."""
    for state in ("published", "draft", "in_review", "approved", "archived"):
        make_document("article", state=state)
        make_document("macro", state=state, body="Hello {{ customer.first_name }}.")


@pytest.fixture
def admin_headers(make_user, token_for):
    return {"Authorization": f"Bearer {token_for(make_user('admin'))}"}


def _load_document():
    """The document as a fresh app serves it. It depends on the routes and schemas only, so an
    app on an in-memory database serves it; each test then sends its requests to its own app."""
    folder = tempfile.mkdtemp(prefix="kb-openapi-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    app = create_app({"TESTING": True, "INSTANCE": folder, "DATABASE_URL": "sqlite://",
                      "SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_DIR": f"{folder}/index"})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


schema = _load_document()


def _in_a_section_that_exists(case) -> None:
    """A section is named by its path, and one that does not exist is refused (a 400, the
    input is wrong) whatever its shape: no document can say which exist. So a generated path
    in a valid request becomes one that does; invalid requests stay as they were generated."""
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if not negative and isinstance(case.body, dict) and isinstance(case.body.get("section"), str):
        case.body["section"] = "general/basics"


def _in_a_locale_that_exists(case) -> None:
    """A locale is one of ``KB_LOCALES`` (``en`` here) and a translation needs a source in the
    default locale: no document can say which exist, so a valid request names ``en`` and no
    source; invalid requests stay as they were generated."""
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if negative:
        return
    if isinstance(case.query, dict) and "locale" in case.query:
        case.query["locale"] = "en"
    if isinstance(case.body, dict):
        case.body.pop("translation_of", None)
        if "locale" in case.body:
            case.body["locale"] = "en"


def _readable_when_too_long(case) -> None:
    """A generated string past a field's ``maxLength`` can be so long, in escaped JSON, that the
    whole body passes the 2 MiB request limit and is refused unread (a 413, documented) before
    the field's limit is ever checked. Such a string becomes the shortest ASCII one that is
    still too long, so the field's own refusal is what gets checked."""
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if negative and isinstance(case.body, dict) and len(json.dumps(case.body)) > 2 * 1024 * 1024:
        for key, value in case.body.items():
            if isinstance(value, str) and len(value) > 1_000_000:
                case.body[key] = "x" * 1_000_001


#: A 1×1 PNG, made once with Pillow (the bytes are fixed so the run stays reproducible).
ONE_PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108000000003a7e9b55"
    "0000000a49444154789c636000000002000148afa4710000000049454e44ae426082")


def _an_image_to_upload(case) -> None:
    """Any bytes fit a ``format: binary`` file, but only an image is one kb takes (a 415 says so,
    as documented). So a valid upload carries a real image; invalid ones stay as generated."""
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if not negative and case.path == "/api/v1/media" and isinstance(case.body, dict) and "file" in case.body:
        case.body["file"] = ONE_PIXEL_PNG


@schema.parametrize()
@EXAMPLES
def test_anonymous_callers_get_what_the_document_says(case, app, content):
    _in_a_section_that_exists(case)
    _in_a_locale_that_exists(case)
    _readable_when_too_long(case)
    _an_image_to_upload(case)
    case.call_and_validate(app=app)


@schema.parametrize()
@EXAMPLES
def test_admins_get_what_the_document_says(case, app, content, admin_headers):
    _in_a_section_that_exists(case)
    _in_a_locale_that_exists(case)
    _readable_when_too_long(case)
    _an_image_to_upload(case)
    case.call_and_validate(app=app, headers=admin_headers)
