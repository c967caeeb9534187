"""Rendering has a budget: no body under the size limit holds a request past it.

Each known pathological family of Markdown input goes in at the body size limit, through the
API and the editor's preview; every call must answer (201/200) or refuse (422) within the
budget plus slack, and never with a 500. The slack is a correctness bound (a request that
waited for the renderer to finish would take minutes), not a benchmark.
"""

from __future__ import annotations

import time

import pytest

from kb.auth import services as auth_services
from kb.content.services import MAX_BODY
from kb.extensions import db
from tests.support import another_app, csrf_token

#: Seconds a render may take in these tests (production: 2).
BUDGET = 0.5
#: Time allowed on top of the budget: the kill, a replacement process, a 1 MB JSON request,
#: on a machine busy with other work. Generous on purpose: unbudgeted, these bodies render for
#: minutes (or never return), so the bound still tells a budget from none.
SLACK = 15.0


def at_size_limit(unit: str, head: str = "") -> str:
    return head + unit * ((MAX_BODY - len(head)) // len(unit))


def abbreviations() -> str:
    """Distinct abbreviations defined, half the limit long, then a text using them all."""
    definitions, words, size, n = [], [], 0, 0
    while size < MAX_BODY // 2 - 40:
        definitions.append(f"*[A{n}]: b\n")
        words.append(f"A{n} ")
        size += len(definitions[-1]) + len(words[-1])
        n += 1
    return "".join(words) + "\n\n" + "".join(definitions)


#: The families of input whose rendering time grows with the square of their length, or
#: whose nesting ends in RecursionError, each as long as a body may be.
FAMILIES = {
    "open brackets": at_size_limit("["),
    "unclosed links": at_size_limit("[a]("),
    "unclosed tags": at_size_limit("<a "),
    "footnote marks": at_size_limit("x[^1] "),
    "backtick pairs": at_size_limit("`a` ``"),
    "entities": at_size_limit("&amp;&#"),
    "abbreviations": abbreviations(),
    "a 2,000-deep nested list": "- " * 2000 + "x",
    "a 2,000-deep nested list by indentation": "".join(" " * i + "- x\n" for i in range(0, 2000, 2))[:MAX_BODY],
    "deep blockquotes": "> " * 2000 + "x",
    "a long run of quote marks": at_size_limit(">"),
}


@pytest.fixture
def app_config(tmp_path):
    return {"RENDER_TIMEOUT": BUDGET, "IMPORT_RENDER_TIMEOUT": BUDGET}


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


@pytest.mark.parametrize("family", FAMILIES)
def test_a_pathological_body_is_saved_or_refused_within_the_budget(family, api_as):
    api, _ = api_as("agent")
    body = FAMILIES[family]
    assert len(body) <= MAX_BODY
    response, seconds = timed(lambda: api.post("/articles", json={"title": family, "body": body}))
    assert response.status_code in (201, 422), response.get_data(as_text=True)[:300]
    assert seconds < BUDGET + SLACK
    if response.status_code == 422:
        assert response.get_json()["error"]["code"] == "too_complex"


@pytest.mark.parametrize("family", FAMILIES)
def test_a_pathological_preview_is_answered_or_refused_within_the_budget(family, client, login, make_user):
    login(make_user("editor"))
    token = csrf_token(client, "/editor/articles/new")
    response, seconds = timed(lambda: client.post("/editor/preview", json={"body": FAMILIES[family]},
                                                  headers={"X-CSRFToken": token}))
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    assert seconds < BUDGET + SLACK


def test_a_refusal_says_why_in_the_api_error_shape(api_as):
    api, _ = api_as("agent")
    response = api.post("/macros", json={"title": "Brackets", "body": "[" * 50_000})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "too_complex"
    assert "takes more than 0.5 seconds to render" in error["message"]
    assert api.get("/macros").get_json()  # the API still answers, and nothing was saved:
    assert db.session.execute(db.text("SELECT count(*) FROM documents")).scalar() == 0


def test_nesting_is_refused_before_rendering_with_the_line_and_depth(api_as):
    api, _ = api_as("agent")
    response = api.post("/articles", json={"title": "Deep", "body": "Intro\n\n" + "> " * 101 + "x"})
    assert response.status_code == 422
    # The scan's own message (a renderer that ran out of time says "takes more than ...").
    assert response.get_json()["error"]["message"].startswith("line 3 nests lists or quotes 101 levels deep")


def test_nesting_up_to_the_limit_still_renders(api_as):
    api, _ = api_as("agent")
    response = api.post("/articles", json={"title": "Deep", "body": "- " * 100 + "deep"})
    assert response.status_code == 201
    assert response.get_json()["html"].count("<ul>") == 100


def test_ordinary_bodies_render_as_before_after_a_refusal(api_as):
    api, _ = api_as("agent")
    assert api.post("/articles", json={"title": "Bad", "body": "[" * 50_000}).status_code == 422
    response = api.post("/articles", json={"title": "Good", "body": "Refunds take **five** days."})
    assert response.status_code == 201
    assert response.get_json()["html"] == "<p>Refunds take <strong>five</strong> days.</p>"


def test_a_body_over_the_size_limit_is_refused_with_400(api_as):
    api, _ = api_as("agent")
    response = api.post("/articles", json={"title": "Long", "body": "a" * (MAX_BODY + 1)})
    assert response.status_code == 400


def test_an_import_reports_a_pathological_file_as_failed_and_imports_the_others(runner, tmp_path):
    folder = tmp_path / "content" / "articles" / "general" / "misc"
    folder.mkdir(parents=True)
    (folder / "good.md").write_text("---\ntitle: Good\n---\nPayouts go out on the 5th.\n")
    (folder / "brackets.md").write_text("---\ntitle: Brackets\n---\n" + "[" * 50_000 + "\n")
    result, seconds = timed(lambda: runner.invoke(args=["import", str(tmp_path / "content")]))
    assert result.exit_code == 1
    assert "brackets.md" in result.output and "to render" in result.output
    assert result.output.strip().splitlines()[-1].startswith("imported 1, updated 0, unchanged 0, failed 1")
    assert seconds < 2 * (BUDGET + SLACK)




def test_an_import_renders_with_its_own_longer_budget(tmp_path):
    """A body slower than the web's budget but far inside the import's: the API refuses it,
    ``kb import``, which holds no reader's request, imports it."""
    slow = "Brackets: " + "[" * 2000  # well over 0.05 s to render, well under 60 s
    folder = tmp_path / "content" / "articles" / "general" / "misc"
    folder.mkdir(parents=True)
    (folder / "slow.md").write_text(f"---\ntitle: Slow\n---\n{slow}\n")
    with another_app(tmp_path, RENDER_TIMEOUT=0.05, IMPORT_RENDER_TIMEOUT=60) as strict:
        with strict.app_context():
            token = auth_services.create_token(
                auth_services.create_user("strict@example.com", "editor", "password123"), "t")
            refused = strict.test_client().post("/api/v1/articles", json={"title": "T", "body": slow},
                                                headers={"Authorization": f"Bearer {token}"})
            assert refused.status_code == 422
            result = strict.test_cli_runner().invoke(args=["import", str(tmp_path / "content")])
            assert result.output.strip().splitlines()[-1] == \
                "imported 1, updated 0, unchanged 0, failed 0, skipped 0", result.output
