"""The editorial screens, for editors and reviewers: dashboard, editor, conflict page, review
screen, history, audit log and promoted answers. Every change calls one use case in
:mod:`kb.content`, :mod:`kb.review` or :mod:`kb.search.promoted`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.editor import promoted  # noqa: F401 - adds its routes to the blueprint
    from kb.editor.views import bp

    app.register_blueprint(bp)
