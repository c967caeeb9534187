"""The account pages. A refused change (:class:`~kb.errors.KbError`) becomes a flash message
and the page again, never a crash; secrets (a new token, a set-password link) are shown in
the answer to the POST that made them, once, and never stored in the session."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kb.auth import SESSION_SECRET_KEY, accounts, page_requires
from kb.errors import KbError, ValidationError
from kb.models import Role, User
from kb.review import services as review

bp = Blueprint("admin", __name__)

ROLES = [role.label for role in Role]

#: A role's name as the pages show it; the form still sends the English label.
ROLE_LABELS = {"agent": _l("agent"), "editor": _l("editor"), "reviewer": _l("reviewer"),
               "admin": _l("admin")}


@bp.context_processor
def _role_label():
    return {"role_label": lambda name: str(ROLE_LABELS.get(name, name))}


# -- users (admins) ---------------------------------------------------------------------------

@bp.get("/admin/users")
@page_requires(Role.ADMIN)
def users(actor: User):
    return _users_page(actor)


def _users_page(actor: User, status: int = 200, **context):
    return render_template("admin/users.html", users=accounts.list_users(actor), roles=ROLES,
                           **context), status


@bp.post("/admin/users")
@page_requires(Role.ADMIN)
def invite(actor: User):
    form = request.form
    try:
        user, secret = accounts.invite(actor, form.get("email", ""), form.get("role", ""),
                                       form.get("name") or None, form.get("password") or None)
    except KbError as exc:
        flash(_("Not created: %(reason)s.", reason=exc.message), "error")
        return _users_page(actor, exc.status, form=form)
    flash(_("Created %(role)s %(email)s.", role=ROLE_LABELS.get(user.role_name, user.role_name),
            email=user.email), "success")
    link = url_for("auth.reset_password", secret=secret, _external=True) if secret else None
    return _users_page(actor, invited=user, link=link)


@bp.post("/admin/users/<int:user_id>")
@page_requires(Role.ADMIN)
def update(actor: User, user_id: int):
    form = request.form
    active = {"deactivate": False, "reactivate": True}.get(form.get("action", ""))
    try:
        user = accounts.update_user(actor, user_id, role=form.get("role") or None, active=active)
    except KbError as exc:
        flash(_("Not changed: %(reason)s.", reason=exc.message), "error")
        return _users_page(actor, exc.status)
    state = _("active") if user.active else _("deactivated")
    flash(_("%(email)s is now %(role)s, %(state)s.", email=user.email,
            role=ROLE_LABELS.get(user.role_name, user.role_name), state=state), "success")
    return redirect(url_for("admin.users"))


# -- settings (admins) ------------------------------------------------------------------------

@bp.route("/admin/settings", methods=["GET", "POST"])
@page_requires(Role.ADMIN)
def settings_page(actor: User):
    if request.method == "POST":
        review.set_self_approval(actor, request.form.get("self_approval") == "on")
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.settings_page"))
    return render_template("admin/settings.html", self_approval=review.self_approval_allowed())


# -- my account (everyone signed in) ----------------------------------------------------------

@bp.get("/account")
@page_requires()
def account(actor: User):
    return _account_page(actor)


def _account_page(actor: User, status: int = 200, **context):
    return render_template("admin/account.html", user=actor, tokens=accounts.list_tokens(actor),
                           **context), status


@bp.post("/account/password")
@page_requires()
def change_password(actor: User):
    form = request.form
    try:
        if form.get("new_password", "") != form.get("confirm", ""):
            raise ValidationError("the two new passwords differ", field="confirm")
        accounts.change_password(actor, form.get("current_password", ""), form.get("new_password", ""),
                                 keep_session=session.get(SESSION_SECRET_KEY))
    except KbError as exc:
        flash(_("Password not changed: %(reason)s.", reason=exc.message), "error")
        return _account_page(actor, exc.status)
    flash(_("Password changed. Your other browsers are signed out."), "success")
    return redirect(url_for("admin.account"))


@bp.post("/account/tokens")
@page_requires()
def create_token(actor: User):
    try:
        token, secret = accounts.create_token(actor, request.form.get("name", ""))
    except KbError as exc:
        flash(_("No token made: %(reason)s.", reason=exc.message), "error")
        return _account_page(actor, exc.status)
    return _account_page(actor, new_token=token, secret=secret)


@bp.post("/account/tokens/<int:token_id>/revoke")
@page_requires()
def revoke_token(actor: User, token_id: int):
    try:
        accounts.revoke_token(actor, token_id)
    except KbError as exc:
        flash(_("Not revoked: %(reason)s.", reason=exc.message), "error")
        return _account_page(actor, exc.status)
    flash(_("Token revoked: it no longer works."), "success")
    return redirect(url_for("admin.account"))
