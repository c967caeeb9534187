"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kb import mail
from kb.auth import accounts, services, sign_in, sign_out
from kb.errors import KbError, ValidationError
from kb.throttle import password_reset_requests, sign_in_attempts

bp = Blueprint("auth", __name__)

#: The reset page's words for why a link cannot be used, in the reader's language; the
#: domain's own (English) message stands for any reason not listed here.
UNUSABLE = {
    "this link is not valid": _l("This link is not valid."),
    "this link was used already; ask for a new one": _l("This link was used already; ask for a new one."),
    "this link has expired; ask for a new one": _l("This link has expired; ask for a new one."),
}


@bp.route("/login", methods=["GET", "POST"])
@sign_in_attempts
def login():
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""),
                               can_mail=mail.configured())
    user = services.authenticate(request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        flash(_("That e-mail and password do not match an account."), "error")
        return render_template("auth/login.html", next=request.form.get("next", ""),
                               email=request.form.get("email", ""), can_mail=mail.configured()), 401
    sign_in(user)
    return redirect(_safe_next(request.form.get("next")) or url_for("web.home"))


@bp.post("/logout")
def logout():
    sign_out()
    return redirect(url_for("web.home"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@password_reset_requests
def forgot_password():
    """Mail a reset link. The answer is the same whether or not the address has an account."""
    if not mail.configured():
        abort(404)
    if request.method == "GET":
        return render_template("auth/forgot.html")
    try:
        accounts.mail_password_link(request.form.get("email", ""), _external_link)
    except mail.MailError:
        pass  # logged by kb.mail; saying so would tell who has an account
    return render_template("auth/forgot.html", sent=True)


def _external_link(secret: str) -> str:
    return url_for("auth.reset_password", secret=secret, _external=True)


@bp.route("/reset-password/<secret>", methods=["GET", "POST"])
def reset_password(secret: str):
    """A one-time link: choose a password, then sign in with it."""
    try:
        user = accounts.link_user(secret)
    except accounts.LinkUnusableError as exc:
        return _reset_page(unusable=_unusable(exc.message)), exc.status
    if request.method == "GET":
        return _reset_page(user=user)
    password = request.form.get("password", "")
    try:
        if password != request.form.get("confirm", ""):
            raise ValidationError(_("the two passwords differ"), field="confirm")
        accounts.use_password_link(secret, password)
    except accounts.LinkUnusableError as exc:
        return _reset_page(unusable=_unusable(exc.message)), exc.status
    except KbError as exc:
        flash(_("Not saved: %(reason)s.", reason=exc.message), "error")
        return _reset_page(user=user), exc.status
    sign_out()
    flash(_("Your password is set. Sign in with it now."), "success")
    return redirect(url_for("auth.login"))


def _unusable(message: str) -> str:
    """Why the link cannot be used, as a sentence for the page."""
    if message in UNUSABLE:
        return str(UNUSABLE[message])
    return f"{message[:1].upper()}{message[1:]}."


def _reset_page(**context):
    return render_template("auth/reset.html", can_mail=mail.configured(), **context)


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a link send people anywhere after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
