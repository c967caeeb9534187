"""Administration pages: the insights reports for Product Education (editors and up).

Each area has its own module and blueprint, registered in ``create_app``.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.admin.insights import bp

    app.register_blueprint(bp)
