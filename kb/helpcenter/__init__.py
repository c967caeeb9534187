"""The public help center, for readers: home, categories, sections, articles, search, feedback,
sitemap and health. Its pages ask the domain (:mod:`kb.content`, :mod:`kb.search`,
:mod:`kb.permissions`) and nothing here is imported by the domain."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from kb.helpcenter import typeahead, zendesk_urls  # noqa: F401 - add their routes to the blueprint
    from kb.helpcenter import contact, media  # noqa: F401 - their routes register on the blueprint
    from kb.helpcenter.views import bp

    app.register_blueprint(bp)
