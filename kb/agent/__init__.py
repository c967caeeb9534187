"""The agent workspace, for support agents: the macro library, a macro's page with its fill-in
form, suggestions for a customer's message, favourites, personal macros and flagged macros."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.agent import requests, sidebar  # noqa: F401  (their routes register on the blueprint)
    from kb.agent.views import bp

    app.register_blueprint(bp)
