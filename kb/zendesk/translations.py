"""Reading Zendesk article translations into translation items for :mod:`kb.zendesk.importer`.

Zendesk gives translations two ways, both read: rows of ``articles.json`` whose ``locale`` is not
their ``source_locale`` (its list endpoint asked for one locale), and what
``GET /api/v2/help_center/articles/{id}/translations.json`` answers, saved either one file per
article under ``translations/`` or all in one ``translations.json``. Zendesk's locale tags
(``en-us``, ``fr-ca``) are matched to ``KB_LOCALES`` here; a translation kb has no locale for, or
one that lands on the default locale (which the source holds), is a note and is skipped: the
import goes on. Nothing here touches the database.
"""

from __future__ import annotations

from pathlib import Path

from kb import locales
from kb.content import services
from kb.content.services import DocumentInput
from kb.content.slugs import slugify
from kb.errors import KbError
from kb.models.content import ARTICLE
from kb.transfer import ParsedFile
from kb.zendesk import html
from kb.zendesk.reader import (Export, ZendeskFileError, ZendeskItem, listed, load, times,
                               unpublished_status)


def kb_locale(tag: str) -> tuple[str | None, bool]:
    """The configured locale a Zendesk tag stands for, and whether the match was exact.

    Case is ignored; ``fr-ca`` falls back to ``fr`` and ``pt`` to ``pt-BR`` when only those are
    configured.
    """
    wanted = (tag or "").strip().lower()
    configured = locales.configured()
    for locale in configured:
        if locale.lower() == wanted:
            return locale, True
    language = wanted.split("-")[0]
    for locale in configured:
        if locale.lower() == language:
            return locale, False
    for locale in configured:
        if locale.lower().split("-")[0] == language:
            return locale, False
    return None, False


def read(directory: Path, result: Export) -> None:
    """Append an item per translation found, after the articles (a translation needs its source)."""
    articles = result.article_rows
    sources = {row["id"]: row for row in articles if not _is_translation(row)}
    found: list[tuple[dict, str, int, int | None]] = []  # (row, origin, article id, translation id)
    for path in _files(directory):
        origin = str(path.relative_to(directory))
        try:
            rows = load(path, "translations")
        except ZendeskFileError as exc:
            result.failures.append((origin, str(exc)))
            continue
        for row in rows:
            source_id = row.get("source_id")
            if not isinstance(source_id, int) and path.parent.name == "translations" and path.stem.isdigit():
                source_id = int(path.stem)
            if row.get("source_type") in ("Category", "Section"):  # kb.zendesk.place_translations
                result.place_rows.append((row, f"{origin}#{row['id']}", row["source_type"],
                                          source_id if isinstance(row.get("source_id"), int) else None))
                continue
            if not isinstance(source_id, int) or row.get("source_type", "Article") != "Article":
                result.notes.append((f"{origin}#{row['id']}", "not an article translation; skipped"))
                continue
            found.append((row, f"{origin}#{row['id']}", source_id, row["id"]))
    for row in articles:
        if _is_translation(row):
            found.append((row, f"articles.json#{row['id']}:{row['locale']}", row["id"], None))
    chosen: dict[tuple[int, str], str] = {}
    # exact locale matches first, so fr wins over fr-ca for kb's fr
    ranked = sorted(found, key=lambda f: not kb_locale(str(f[0].get("locale") or ""))[1])
    for row, origin, source_id, own_id in ranked:
        _translation(row, origin, source_id, own_id, sources.get(source_id), chosen, result)


def _is_translation(row: dict) -> bool:
    return bool(row.get("source_locale") and row.get("locale")
                and str(row["locale"]).lower() != str(row["source_locale"]).lower())


def _files(directory: Path) -> list[Path]:
    folder = directory / "translations"
    files = sorted(folder.glob("*.json"), key=lambda p: (len(p.stem), p.stem)) if folder.is_dir() else []
    combined = directory / "translations.json"
    return [combined, *files] if combined.exists() else files


def _translation(row: dict, origin: str, source_id: int, own_id: int | None, source: dict | None,
                 chosen: dict[tuple[int, str], str], result: Export) -> None:
    tag = str(row.get("locale") or "")
    if source is not None and tag.lower() == str(source.get("locale") or "").lower():
        return  # Zendesk lists the source's own locale among its translations: that is the article
    locale, _ = kb_locale(tag)
    if locale is None:
        result.notes.append((origin, f"a {tag or 'locale-less'} translation; this help center has "
                                     f"{', '.join(locales.configured())}, so it is skipped"))
        return
    if locale == locales.default():
        result.notes.append((origin, f"a {tag} translation in the default locale {locale}, "
                                     "which its source article holds; skipped"))
        return
    if (source_id, locale) in chosen:
        result.notes.append((origin, f"a {tag} translation; {chosen[source_id, locale]} is already "
                                     f"this article's {locale} translation, so it is skipped"))
        return
    chosen[source_id, locale] = origin
    if row.get("outdated"):
        result.notes.append((origin, "marked outdated in Zendesk; kb flags a translation outdated "
                                     "only when its source changes after it, so check it by hand"))
    title = str(row.get("title") or "").strip()
    zendesk = {"locale": tag, **times(row)}
    if row.get("hidden"):
        zendesk["hidden"] = True
    if own_id is not None:
        zendesk["translation_id"] = own_id
    try:
        data = DocumentInput(
            title=title, body=html.to_markdown(row.get("body") or ""),
            tags=services.normalise_tags([str(t) for t in listed(row.get("label_names"))]),
            slug=slugify(title or f"{source_id}-{locale}"), meta={"zendesk": zendesk},
            message=f"Imported from Zendesk: the {tag} translation of article {source_id}")
    except KbError as exc:
        result.failures.append((origin, exc.message))
        return
    except Exception as exc:  # noqa: BLE001 - one translation's surprise must not end the import
        result.failures.append((origin, f"cannot be converted: {exc}"[:300]))
        return
    status = unpublished_status(row, origin, result)
    parsed = ParsedFile(data.slug, status, data, locale=locale)
    result.items.append(ZendeskItem(ARTICLE, own_id or source_id, origin, parsed,
                                    source_id=source_id, translation_id=own_id))
