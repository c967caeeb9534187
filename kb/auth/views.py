"""Sign in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from kb.auth import services, sign_in, sign_out
from kb.throttle import sign_in_attempts

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@sign_in_attempts
def login():
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    user = services.authenticate(request.form.get("email", ""), request.form.get("password", ""))
    if user is None:
        flash("That e-mail and password do not match an account.", "error")
        return render_template("auth/login.html", next=request.form.get("next", ""),
                               email=request.form.get("email", "")), 401
    sign_in(user)
    return redirect(_safe_next(request.form.get("next")) or url_for("web.home"))


@bp.post("/logout")
def logout():
    sign_out()
    return redirect(url_for("web.home"))


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an open redirect would let a link send people anywhere after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target
