"""Macros: reusable support replies in Markdown with ``{{ placeholder }}`` substitution.

Importing this package registers what the ``macro`` kind adds to :mod:`kb.content`: its
placeholder syntax check, its fill template stored beside each revision, and the link rows
rewritten when a macro goes live; and, for articles, the note on those link rows that an article
a macro links to went live with new words. ``create_app`` imports it at start-up, and so does every
process that saves documents.
"""

from __future__ import annotations

from kb.content import kinds
from kb.macros import fill_templates, links, placeholders
from kb.models.content import ARTICLE, MACRO

kinds.register(MACRO, kinds.KindRules(validate=placeholders.validate, prepare=fill_templates.build,
                                      went_live=links.sync))
kinds.register(ARTICLE, kinds.KindRules(went_live=links.article_went_live))
