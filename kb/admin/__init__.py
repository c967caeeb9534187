"""Accounts and settings in the app: the users list and the settings page for admins, and
every signed-in user's own account page (password, API tokens). Every change calls one use
case in :mod:`kb.auth.accounts` or :mod:`kb.review`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.admin.views import bp

    app.register_blueprint(bp)
