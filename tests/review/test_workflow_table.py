"""The whole transition table, through the API: every state, action and role.

The expected outcomes are written out here, from the contract ("agents and editors may create,
edit and submit; reviewers and admins approve and publish"; 403 for a role, 409 for a state),
not read from the code's own table.
"""

import pytest

ROLES = ["agent", "editor", "reviewer", "admin"]
ACTION_PATHS = {
    "submit": "submit",
    "request_changes": "request-changes",
    "approve": "approve",
    "publish": "publish",
    "archive": "archive",
}
STATES = ["draft", "in_review", "changes_requested", "approved", "published", "archived"]

#: (state, action) -> (outcome for agents and editors, outcome for reviewers and admins): the
#: new state when the action succeeds, else the status code.
EXPECTED = {
    ("draft", "submit"): ("in_review", "in_review"),
    ("in_review", "submit"): (409, 409),
    ("changes_requested", "submit"): ("in_review", "in_review"),
    ("approved", "submit"): (409, 409),
    ("published", "submit"): (409, 409),
    ("archived", "submit"): (409, 409),

    ("draft", "request_changes"): (403, 409),
    ("in_review", "request_changes"): (403, "changes_requested"),
    ("changes_requested", "request_changes"): (403, 409),
    ("approved", "request_changes"): (403, "changes_requested"),
    ("published", "request_changes"): (403, 409),
    ("archived", "request_changes"): (403, 409),

    ("draft", "approve"): (403, 409),
    ("in_review", "approve"): (403, "approved"),
    ("changes_requested", "approve"): (403, 409),
    ("approved", "approve"): (403, 409),
    ("published", "approve"): (403, 409),
    ("archived", "approve"): (403, 409),

    ("draft", "publish"): (403, 409),
    ("in_review", "publish"): (403, 409),
    ("changes_requested", "publish"): (403, 409),
    ("approved", "publish"): (403, "published"),
    ("published", "publish"): (403, 409),
    ("archived", "publish"): (403, 409),

    ("draft", "archive"): (403, "archived"),
    ("in_review", "archive"): (403, "archived"),
    ("changes_requested", "archive"): (403, "archived"),
    ("approved", "archive"): (403, "archived"),
    ("published", "archive"): (403, "archived"),
    ("archived", "archive"): (403, 409),
}


def expected(state: str, action: str, role: str):
    writers, reviewers = EXPECTED[(state, action)]
    return writers if role in ("agent", "editor") else reviewers


def test_the_expected_table_covers_every_state_and_action():
    assert set(EXPECTED) == {(s, a) for s in STATES for a in ACTION_PATHS}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTION_PATHS))
@pytest.mark.parametrize("state", STATES)
def test_transition(state, action, role, make_document, api_as):
    document = make_document("article", state=state)
    api, _ = api_as(role)
    body = {"comment": "Needs a fix"} if action in ("request_changes", "approve") else None
    response = api.post(f"/articles/{document.id}/{ACTION_PATHS[action]}", json=body)
    outcome = expected(state, action, role)
    if isinstance(outcome, int):
        assert response.status_code == outcome, response.get_json()
        code = "forbidden" if outcome == 403 else "invalid_transition"
        assert response.get_json()["error"]["code"] == code
    else:
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["status"] == outcome


@pytest.mark.parametrize("state", STATES)
def test_an_agent_can_never_publish(state, make_document, api_as):
    document = make_document("article", state=state)
    api, _ = api_as("agent")
    assert api.post(f"/articles/{document.id}/publish").status_code == 403


@pytest.mark.parametrize("role", ["agent", "editor"])
def test_only_reviewers_and_admins_approve(role, make_document, api_as):
    document = make_document("article", state="in_review")
    api, _ = api_as(role)
    assert api.post(f"/articles/{document.id}/approve", json={}).status_code == 403


def test_nothing_comes_back_from_archived_but_a_restore(make_document, api_as):
    document = make_document("article", state="archived")
    api, _ = api_as("admin")
    for action in ACTION_PATHS.values():
        body = {"comment": "x"} if action in ("request-changes", "approve") else None
        assert api.post(f"/articles/{document.id}/{action}", json=body).status_code == 409
    restored = api.post(f"/articles/{document.id}/restore", json={"revision": 1})
    assert restored.status_code == 200 and restored.get_json()["status"] == "draft"


def test_nobody_approves_their_own_revision(make_user, make_document, api_as):
    reviewer = make_user("reviewer")
    document = make_document(state="in_review", author=reviewer)
    api, _ = api_as(user=reviewer, role=None)
    response = api.post(f"/articles/{document.id}/approve", json={})
    assert response.status_code == 403


def test_an_admin_setting_allows_approving_your_own(app, make_user, make_document, api_as):
    from kb.review.services import set_self_approval

    admin, reviewer = make_user("admin"), make_user("reviewer")
    set_self_approval(admin, True)
    document = make_document(state="in_review", author=reviewer)
    api, _ = api_as(user=reviewer, role=None)
    assert api.post(f"/articles/{document.id}/approve", json={}).status_code == 200


def test_request_changes_needs_a_comment(make_document, api_as):
    document = make_document(state="in_review")
    api, _ = api_as("reviewer")
    response = api.post(f"/articles/{document.id}/request-changes", json={"comment": "  "})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "comment"


def test_saving_after_approval_sends_the_document_back_through_review(make_document, api_as):
    document = make_document(state="approved", body="approved text")
    api, _ = api_as("editor")
    saved = api.put(f"/articles/{document.id}", json={"title": document.latest.title, "body": "changed",
                                                     "base_revision": 1})
    assert saved.get_json()["status"] == "draft"
    reviewer_api, _ = api_as("reviewer")
    assert reviewer_api.post(f"/articles/{document.id}/publish").status_code == 409
