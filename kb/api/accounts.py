"""Accounts (admins) and one's own API tokens (any signed-in user)."""

from __future__ import annotations

from flask import current_app, jsonify, request, url_for

from kb.api import api_blueprint as bp
from kb.api.args import json_body
from kb.api.schemas import TokenCreate, UserCreate, UserUpdate
from kb.auth import accounts, current_actor
from kb.errors import ValidationError
from kb.models import ApiToken, Role, User
from kb.permissions import require_role


def user_dict(user: User) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role_name,
            "active": user.active,
            "last_login_at": user.last_login_at.isoformat() if user.last_login_at else None}


def token_dict(token: ApiToken) -> dict:
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "created_at": token.created_at.isoformat(),
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None}


@bp.get("/users")
def list_users():
    """Every account, by e-mail (admins).
    ---
    get:
      tags: [accounts]
      responses:
        200: {content: {application/json: {schema: UserList}}}
        403: Forbidden
    """
    return jsonify({"users": [user_dict(u) for u in accounts.list_users(current_actor())]})


@bp.post("/users")
def create_user():
    """Create an account (admins); without a password, the answer carries a one-time link
    to set one.
    ---
    post:
      tags: [accounts]
      requestBody: {required: true, content: {application/json: {schema: UserCreate}}}
      responses:
        201: {content: {application/json: {schema: UserOut}}}
        403: Forbidden
        409: Conflict
    """
    actor = require_role(current_actor(), Role.ADMIN)
    data = json_body(UserCreate())
    user, secret = accounts.invite(actor, data["email"], data["role"], data["name"], data["password"])
    found = user_dict(user)
    if secret:
        found["set_password_url"] = url_for("auth.reset_password", secret=secret, _external=True)
    return jsonify(found), 201


@bp.patch("/users/<int:user_id>")
def update_user(user_id: int):
    """Change a user's role, name or whether they may sign in (admins). A user made inactive
    is refused on their very next request; the last active admin stays one.
    ---
    patch:
      tags: [accounts]
      parameters:
      - UserId
      requestBody: {required: true, content: {application/json: {schema: UserUpdate}}}
      responses:
        200: {content: {application/json: {schema: UserOut}}}
        403: Forbidden
        409: Conflict
    """
    actor = require_role(current_actor(), Role.ADMIN)
    if not request.get_data(cache=True):
        raise ValidationError("send a JSON object with the fields to change: role, active, name")
    data = json_body(UserUpdate())
    user = accounts.update_user(actor, user_id, role=data.get("role"), active=data.get("active"),
                                name=data.get("name"))
    return jsonify(user_dict(user))


@bp.get("/tokens")
def list_tokens():
    """Your own live API tokens, newest first (secrets are never shown again).
    ---
    get:
      tags: [accounts]
      responses:
        200: {content: {application/json: {schema: TokenList}}}
    """
    user = require_role(current_actor(), Role.AGENT)
    return jsonify({"tokens": [token_dict(t) for t in accounts.list_tokens(user)]})


@bp.post("/tokens")
def create_token():
    """Issue yourself an API token; the answer is the only time its secret is shown.
    ---
    post:
      tags: [accounts]
      requestBody: {required: true, content: {application/json: {schema: TokenCreate}}}
      responses:
        201: {content: {application/json: {schema: TokenCreated}}}
    """
    user = require_role(current_actor(), Role.AGENT)
    data = json_body(TokenCreate())
    token, secret = accounts.create_token(user, data["name"])
    return jsonify({**token_dict(token), "token": secret}), 201


@bp.delete("/tokens/<int:token_id>")
def revoke_token(token_id: int):
    """Revoke one of your own tokens; it answers 401 from then on.
    ---
    delete:
      tags: [accounts]
      parameters:
      - TokenId
      responses:
        204: {description: revoked}
    """
    user = require_role(current_actor(), Role.AGENT)
    accounts.revoke_token(user, token_id)
    return current_app.response_class(status=204)
