"""The editorial screens, for editors and reviewers: dashboard, content list, editor, conflict
page, review screen, history, audit log, the search synonym list and promoted answers. Every
change calls one use case in :mod:`kb.content`, :mod:`kb.review` or :mod:`kb.search`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.editor import synonyms  # noqa: F401 (adds the synonym list's routes to bp)
    from kb.editor import promoted  # noqa: F401 - adds its routes to the blueprint
    from kb.editor import content_list  # noqa: F401  (its routes join the editor blueprint)
    from kb.editor import translations  # noqa: F401  ("Translate" joins the editor blueprint)
    from kb.editor.views import bp

    app.register_blueprint(bp)
