"""The rows each insights page shows, as plain lists: the page's tables and its CSV download
are built from the same function, so the CSV holds exactly the page's rows.

The CSV is read by programs, so it stays English with ISO dates; the page passes its own
``_`` (gettext) and number and date formatters to the same functions, so a French page says
the same rows in French. The defaults here are the CSV's."""

from __future__ import annotations

import csv
import io

from kb.insights import articles, contact, health, macros, searches

#: A spreadsheet runs a cell starting with one of these as a formula; such text (a reader's
#: query, a title) is written with a leading apostrophe so it stays text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _same(text: str) -> str:
    """The CSV's ``_``: the English words, as marked for the page's catalogs."""
    return text


def _iso(day) -> str:
    return day.strftime("%Y-%m-%d")


def _minute(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


QUERY_HEAD = ["query", "searches", "zero results", "clicked searches", "click-through",
              "average results", "average click rank"]


def query_rows(rows: list[searches.QueryRow], percent=_percent, number=_number) -> list[list]:
    return [[r.query, r.searches, r.zero_results, r.clicked, percent(r.click_rate),
             number(r.average_results), number(r.average_rank)] for r in rows]


def searches_csv(report: searches.SearchReport) -> list[list]:
    out: list[list] = [["list", "day", *QUERY_HEAD]]
    out += [["volume", v.day.isoformat(), "", v.searches, v.zero_results, "", "", "", ""]
            for v in report.volume]
    for name, rows in (("top", report.top), ("zero results", report.zero_results),
                       ("no clicks", report.no_clicks)):
        out += [[name, "", *row] for row in query_rows(rows)]
    return out


ARTICLE_HEAD = ["id", "slug", "title", "status", "visibility", "views", "helpful",
                "not helpful", "helpful ratio", "comments", "search impressions", "search clicks",
                "review by"]


def article_rows(rows: list[articles.ArticleRow], term=_same, percent=_percent,
                 day=_iso) -> list[list]:
    return [[r.id, r.slug, r.title, term(r.status), term(r.visibility), r.views, r.helpful,
             r.not_helpful, percent(r.ratio), r.comments, r.impressions, r.clicks,
             day(r.review_by) if r.review_by else ""] for r in rows]


MACRO_HEAD = ["id", "slug", "title", "uses", "last used"]


def macro_rows(rows: list[macros.MacroRow], _=_same, when=_minute) -> list[list]:
    return [[r.id, r.slug, r.title, r.uses, when(r.last_used_at) if r.last_used_at else _("never")]
            for r in rows]


def macros_csv(report: macros.MacroReport) -> list[list]:
    out: list[list] = [["list", "day", *MACRO_HEAD]]
    out += [["volume", d.isoformat(), "", "", "", n, ""] for d, n in report.volume]
    out += [["macros", "", *row] for row in macro_rows(report.rows)]
    out += [["rarely used", "", *row] for row in macro_rows(report.rarely_used)]
    for row, flags in report.flagged:
        out += [["flagged", "", row.id, row.slug, row.title, "", flag.message] for flag in flags]
    return out


HEALTH_HEAD = ["problem", "kind", "id", "title", "detail"]


def health_rows(found: health.Health, _=_same, term=_same, percent=_percent, day=_iso,
                number=str, flag_text=lambda flag: flag.message) -> list[list]:
    out: list[list] = []
    out += [[_("review due"), term(d.kind), d.id, d.title,
             _("review by %(day)s") % {"day": day(d.review_by)}] for d in found.review_due]
    out += [[_("unhelpful"), term("article"), r.id, r.title,
             _("%(percent)s helpful of %(votes)s votes") % {"percent": percent(r.ratio),
                                                            "votes": number(r.votes)}]
            for r in found.unhelpful]
    out += [[_("zero results"), term("search"), "", q.query,
             _("%(count)s searches found nothing") % {"count": number(q.zero_results)}]
            for q in found.zero_results]
    for d, flags in found.flagged:
        out += [[_("macro link"), term(d.kind), d.id, d.title, flag_text(flag)] for flag in flags]
    out += [[_("stale draft"), term(d.kind), d.id, d.title,
             _("%(state)s since %(day)s") % {"state": term(d.state).replace("_", " "),
                                             "day": day(d.updated_at)}]
            for d in found.stale_drafts]
    return out


def to_csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return buffer.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CONTACT_HEAD = ["topic", "started", "deflected", "sent", "waiting", "deflection rate"]


def contact_rows(rows: list[contact.TopicRow], percent=_percent) -> list[list]:
    return [[r.name, r.started, r.deflected, r.sent, r.waiting, percent(r.rate)] for r in rows]


def contact_csv(report: contact.ContactReport) -> list[list]:
    out: list[list] = [["list", "day or topic or article", "started", "deflected", "sent",
                        "waiting", "deflection rate"]]
    out += [["day", d.day.isoformat(), d.started, d.deflected, d.sent, d.waiting,
             _percent(d.rate)] for d in report.days]
    out += [["topic", *row] for row in contact_rows(report.topics)]
    out += [["article", a.title, "", a.deflections, "", "", ""] for a in report.articles]
    return out
