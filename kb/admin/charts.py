"""Charts for the insights pages: pygal draws them on the server as SVG, inlined in the page.

Each chart is accessible on its own: ``role="img"``, a ``<title>`` and a ``<desc>`` (named by
``aria-labelledby``), and the page puts the same numbers in a table beside it. What pygal adds
for its browser script (a ``<script>``, tooltip ``<desc>`` elements and inline ``style``
attributes) is removed, so a chart needs no JavaScript and keeps to the site's Content Security
Policy; pygal's stylesheet is served from :func:`stylesheet` instead of inline.
"""

from __future__ import annotations

import functools
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pygal
from flask_babel import gettext as _
from pygal.style import Style
from markupsafe import Markup, escape

SVG = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG)

_STYLE = Style(background="transparent", plot_background="#ffffff", foreground="#1f2933",
               foreground_strong="#1f2933", foreground_subtle="#52606d",
               colors=("#2f6fb0", "#c2410c", "#15803d", "#7c3aed"),
               font_family="system-ui, sans-serif")
_OPTIONS = dict(style=_STYLE, js=[], no_prefix=True, disable_xml_declaration=True, width=720,
                height=300, show_legend=False, explicit_size=False, truncate_label=24,
                print_values=False, margin=12)
_ids = itertools.count(1)


@dataclass(frozen=True)
class Chart:
    """A chart ready for a page: its SVG (safe to inline) and the words that describe it."""

    svg: Markup
    title: str
    description: str


def line(title: str, description: str, labels: list[str], series: dict[str, list[int]]) -> Chart:
    """Values over time (one line per series)."""
    drawn = _line(tuple(labels), tuple((name, tuple(v)) for name, v in series.items()),
                  _("No data"))
    return _labelled(drawn, title, description)


@functools.lru_cache(maxsize=64)
def _line(labels: tuple[str, ...], series: tuple[tuple[str, tuple[int, ...]], ...],
          no_data: str) -> str:
    chart = pygal.Line(**_OPTIONS, no_data_text=no_data, show_dots=len(labels) <= 62,
                       x_label_rotation=30,
                       show_minor_x_labels=False,
                       x_labels_major_count=min(len(labels), 8) or None)
    chart.x_labels = list(labels)
    chart.y_labels = _whole_ticks(max((max(v, default=0) for _, v in series), default=0))
    for name, values in series:
        chart.add(name, list(values))
    if len(series) > 1:
        chart.show_legend, chart.legend_at_bottom = True, True
    return _drawn(chart)


def bars(title: str, description: str, labels: list[str], values: list[float],
         maximum: float | None = None) -> Chart:
    """Top-N bars, longest first, labels beside them."""
    drawn = _bars(title, tuple(labels), tuple(values), maximum, _("No data"))
    return _labelled(drawn, title, description)


@functools.lru_cache(maxsize=64)
def _bars(title: str, labels: tuple[str, ...], values: tuple[float, ...],
          maximum: float | None, no_data: str) -> str:
    """(``no_data`` is pygal's text for an empty chart, in the page's language.)"""
    chart = pygal.HorizontalBar(**_OPTIONS, no_data_text=no_data)
    top = maximum if maximum is not None else max(values, default=0)
    chart.range = (0, max(top, 1))
    chart.y_labels = _whole_ticks(top)
    chart.x_labels = list(reversed(labels))
    chart.add(title, list(reversed(values)))
    chart.height = max(160, 28 * len(labels) + 60)
    return _drawn(chart)


def _whole_ticks(top: float, most: int = 6) -> list[int]:
    """Axis ticks on whole numbers (counts have no fractions), at most ``most`` of them."""
    top = max(int(top), 1)
    step = max(1, -(-top // (most - 1)))
    return list(range(0, top + step, step))


def _drawn(chart) -> str:
    """The chart's SVG without what pygal adds for its script, not yet named (drawing is most
    of a page's time, so each drawing is kept for the same numbers: see the callers' caches)."""
    chart.title = None
    root = ET.fromstring(chart.render(is_unicode=True))
    _strip(root)
    root.attrib.pop("id", None)
    root.set("role", "img")
    root.set("class", "chart")
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def _labelled(svg: str, title: str, description: str) -> Chart:
    """A drawing with its own title and description, named by ids unique on the page."""
    number = next(_ids)
    title_id, desc_id = f"chart-{number}-title", f"chart-{number}-desc"
    opening, rest = svg.split(">", 1)  # attribute values have their ">" escaped
    text = (f'{opening} aria-labelledby="{title_id} {desc_id}">'
            f'<title id="{title_id}">{escape(title)}</title>'
            f'<desc id="{desc_id}">{escape(description)}</desc>{rest}')
    return Chart(Markup(text), title, description)


def _strip(element: ET.Element) -> None:
    """Drop pygal's script, inline style, tooltip descriptions, titles and comments."""
    for child in list(element):
        tag = child.tag if isinstance(child.tag, str) else ""
        name = tag.rsplit("}", 1)[-1]
        if name in {"script", "style", "desc", "title"} or not tag:
            element.remove(child)
            continue
        child.attrib.pop("style", None)
        _strip(child)


_stylesheet: str | None = None


def stylesheet() -> str:
    """pygal's CSS for these charts: the same for every chart, scoped to ``svg.chart``."""
    global _stylesheet
    if _stylesheet is None:
        chart = pygal.Bar(**{**_OPTIONS, "no_prefix": False})
        chart.add("x", [1])
        root = ET.fromstring(chart.render(is_unicode=True))
        styles = "\n".join(e.text or "" for e in root.iter(f"{{{SVG}}}style"))
        # Scoped to the charts, so pygal's ``.title`` and the like never touch the page.
        _stylesheet = re.sub(r"#chart-[0-9a-f-]+", "svg.chart", styles)
    return _stylesheet
