"""The editorial screens, for editors and reviewers: dashboard, content list, editor, conflict
page, review screen, history and audit log. Every change calls one use case in
:mod:`kb.content` or :mod:`kb.review`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.editor import content_list  # noqa: F401  (its routes join the editor blueprint)
    from kb.editor.views import bp

    app.register_blueprint(bp)
