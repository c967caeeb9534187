"""A macro's bad article link, said in the page's language.

The domain's :attr:`kb.macros.links.LinkFlag.message` is English for the API and the CSV; the
agent workspace and the insights pages show this instead, built from the same facts.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kb.macros import links


def flag_message(flag: links.LinkFlag) -> str:
    if flag.reason == links.CHANGED:
        return _("Linked article changed: %(link)s was republished with new content",
                 link=f"/articles/{flag.slug}")
    if flag.reason == links.MOVED:
        return _("Article moved: update the link to %(link)s", link=f"/articles/{flag.new_slug}")
    if flag.reason == links.ARCHIVED:
        return _("Links to an archived article: %(link)s", link=f"/articles/{flag.slug}")
    return _("Links to an article that does not exist: %(link)s", link=f"/articles/{flag.slug}")
