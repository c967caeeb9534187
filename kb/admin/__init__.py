"""Administration pages: accounts and settings (the users list and settings page for admins,
every signed-in user's own account page) and the insights reports for Product Education
(editors and up). Each area has its own module and blueprint; every change calls one use case
in :mod:`kb.auth.accounts`, :mod:`kb.review` or :mod:`kb.insights`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.admin.insights import bp as insights_bp
    from kb.admin.views import bp as accounts_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(insights_bp)
