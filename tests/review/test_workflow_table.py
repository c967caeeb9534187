"""The whole transition table, through the API: every state, action and role."""

import pytest

from kb.review import workflow

ROLES = ["agent", "editor", "reviewer", "admin"]
ACTION_PATHS = {
    "submit": "submit",
    "request_changes": "request-changes",
    "approve": "approve",
    "publish": "publish",
    "archive": "archive",
}


def expected_status(state: str, action: str, role: str) -> int:
    from kb.models import Role

    if Role.parse(role) < workflow.ACTION_ROLES[action]:
        return 403
    return 200 if (state, action) in workflow.TRANSITIONS else 409


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTION_PATHS))
@pytest.mark.parametrize("state", workflow.STATES)
def test_transition(state, action, role, make_document, api_as):
    document = make_document("article", state=state)
    api, _ = api_as(role)
    body = {"comment": "Needs a fix"} if action in ("request_changes", "approve") else None
    response = api.post(f"/articles/{document.id}/{ACTION_PATHS[action]}", json=body)
    assert response.status_code == expected_status(state, action, role), response.get_json()
    if response.status_code == 200:
        assert response.get_json()["status"] == workflow.TRANSITIONS[(state, action)]
    else:
        assert response.get_json()["error"]["code"] in {"forbidden", "invalid_transition"}


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
