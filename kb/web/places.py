"""Category and section names as a page prints them: in the page's language.

Templates print ``place_title(section)`` and ``place_description(category)`` where they used to
print ``section.title``; the translated names of the page's locale are read once per request
(a small table) and the default name stands in for any place not translated.
"""

from __future__ import annotations

from flask import Flask, g

from kb.content import place_names
from kb.models import Category, Section
from kb.web.locale import page_locale


def _name(place) -> place_names.Name | None:
    locale = page_locale()
    cached = g.get("kb_place_names")
    if cached is None or cached[0] != locale:
        cached = g.kb_place_names = (locale, place_names.in_locale(locale))
    kind = place_names.CATEGORY if isinstance(place, Category) else place_names.SECTION
    return cached[1].get((kind, place.id))


def place_title(place: Category | Section) -> str:
    """The place's title in the page's locale, else its own."""
    name = _name(place)
    return name.title if name is not None else place.title


def place_description(place: Category | Section) -> str:
    """The place's description in the page's locale, else its own (also when the translation
    gives a title only)."""
    name = _name(place)
    return (name.description if name is not None and name.description else "") or place.description or ""


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(place_title=place_title, place_description=place_description)
    app.jinja_env.filters["place_title"] = place_title  # for ``map('place_title')``
