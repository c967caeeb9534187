"""Suggestions from a customer's message: the documents that best answer a ticket, for agents
(suggest-from-ticket) and for the public request form.

Split from :mod:`kb.search.service` (which it uses for scope, re-checks and the search log): a
message is not a query, so it is read by :mod:`kb.search.ticket_text`, looked up word by word
in the index, and scored on the whole message. Each step runs in the language of the locale
asked for (:mod:`kb.search.languages`), the default locale's when none is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select

from kb import locales, permissions, validation
from kb.extensions import db
from kb.models import Document, MacroUse, Revision
from kb.models.activity import TICKET_TERMS_DAYS
from kb.models.content import MACRO
from kb.models.types import utcnow
from kb.search import ticket_text
from kb.search.documents import Hit, Scope
from kb.search.indexer import get_index
from kb.search.languages import analysing
from kb.search.linked_articles import linked_revisions
from kb.search.searchlog import burst_key, search_log
from kb.search.service import (
    _TEXTS, MAX_LIMIT, MAX_QUERY, Result, _role_name, recheck, scope_for, unavailable_when_broken,
)


@dataclass(frozen=True)
class Suggestion:
    terms: list[str]
    results: list[Result]


#: Documents each key word brings in as candidates, before they are scored together.
CANDIDATES_PER_WORD = 12


def suggest(actor: permissions.Actor, text: str, limit: int = 5,
            burst: str | None = None, surface: str = "suggest",
            locale: str | None = None) -> Suggestion:
    """The documents that best answer a customer's message.

    The index finds candidates for each of the message's key words (and tells how rare each
    word is, correcting misspellings); :mod:`kb.search.ticket_text` then scores every
    candidate on the whole message, by where the words appear in it, and past uses lift the
    macros agents reach for. The scoring reads the documents from the database, so a result
    is always the published revision the caller may read. ``surface`` names the page asking
    in the search log (``suggest`` for agents, ``contact`` for the public request form).
    ``locale`` (the customer's language) keeps to the documents in that locale and reads the
    message in its language, or the default locale's when that suggests nothing; without it,
    every locale's documents are candidates and the message is read in the default language.

    :raises ValidationError: a bad text, burst id or locale.
    """
    text = validation.text(text, "text", max_length=MAX_QUERY)
    locale = locales.check(locale) if locale is not None else None
    key = burst_key(burst, surface)
    started = time.perf_counter()
    scope = scope_for(actor)
    terms, found, ranked = _suggest_in(actor, text, scope, locale, limit)
    if not ranked and locale is not None and locale != locales.default():
        # Nothing in the customer's language: the default language's documents, read as such.
        terms, found, ranked = _suggest_in(actor, text, scope, locales.default(), limit)
    if not terms:
        return Suggestion([], [])
    took = (time.perf_counter() - started) * 1000
    scope_name = "staff" if permissions.is_staff(actor) else "public"
    search_log().record(" ".join(t.word for t in terms), scope_name, surface, len(found), took,
                        burst=key, role=_role_name(actor), shown=[r.document.id for r in ranked])
    return Suggestion([t.word for t in sorted(terms, key=lambda t: -t.weight)], ranked)


def _suggest_in(actor: permissions.Actor, text: str, scope: Scope, locale: str | None,
                limit: int) -> tuple[list[ticket_text.Term], list[Result], list[Result]]:
    """Suggest's key terms, candidates and ranked results within ``locale`` (None: all),
    the message read in that locale's language (None: the default locale's)."""
    with analysing(locale or locales.default()):
        with unavailable_when_broken():
            terms, hits = _look_up(ticket_text.key_words(text), scope, locale)
        if not terms:
            return [], [], []
        found = recheck(actor, hits)
        ranked = _rank(actor, terms, found)[:min(max(limit, 1), MAX_LIMIT)]
        with unavailable_when_broken():
            ranked = _snippets_for(terms, scope, ranked)
    return terms, found, ranked


def ticket_fingerprint(actor: permissions.Actor, text: str) -> str | None:
    """The key terms a macro use keeps of a ticket (:func:`ticket_text.fingerprint`): only the
    words the help center the actor can see holds, as suggest reads them."""
    text = validation.text(text, "ticket", max_length=MAX_QUERY)
    with unavailable_when_broken(), analysing(locales.default()):
        terms, _ = _look_up(ticket_text.key_words(text), scope_for(actor))
    return ticket_text.fingerprint(terms)


def _look_up(words: list[ticket_text.Term], scope: Scope, locale: str | None = None
             ) -> tuple[list[ticket_text.Term], list[Hit]]:
    """Each word's document frequency and best documents (in ``locale``, None: all), through
    the engine: a word the index does not know is replaced by the engine's correction, and a
    word it never saw is dropped."""
    index = get_index()
    say_nothing = ticket_text.filler()
    frequencies: dict[str, int] = {}
    candidates: dict[int, Hit] = {}
    kept: dict[str, ticket_text.Term] = {}
    for term in words:
        page = index.search(term.word, scope, limit=CANDIDATES_PER_WORD, locale=locale)
        if page.total == 0 or page.suggestion:
            # Not in the index as written: its plain form ("transferred": "transfer", "took":
            # "take") is a surer reading than the engine's spelling correction ("too").
            for form in ticket_text.other_forms(term.word):
                other = index.search(form, scope, limit=CANDIDATES_PER_WORD, locale=locale)
                if other.total and not other.suggestion:
                    term = ticket_text.Term(form, ticket_text.stem(form), boost=term.boost)
                    page = other
                    break
        if page.suggestion and " " not in page.suggestion.strip():
            corrected = page.suggestion.strip().lower()
            if corrected in say_nothing:
                continue  # a correction to a filler word says nothing
            term = ticket_text.Term(corrected, ticket_text.stem(corrected), boost=term.boost)
        if page.total == 0 or term.stem in kept:
            continue
        kept[term.stem] = term
        frequencies[term.stem] = page.total
        for hit in page.hits:
            candidates.setdefault(hit.id, hit)
    terms = ticket_text.weigh(list(kept.values()), frequencies, index.doc_count())
    return terms, list(candidates.values())


_PROFILED = (
    select(Revision.id, Revision.title, Revision.tags, Revision.text, Document.locale)
    .join(Document, Document.id == Revision.document_id)
    .where(Revision.id.in_(bindparam("ids", expanding=True)))
)
_USES = select(Document.id, Document.use_count).where(
    Document.id.in_(bindparam("ids", expanding=True)), Document.use_count > 0)
_PROFILES_MAX = 5_000
#: The most recent uses with a ticket's terms read per suggestion, over all candidates.
_PAST_USES_MAX = 2_000
_PAST_USES = (
    select(MacroUse.document_id, MacroUse.ticket_terms)
    .where(MacroUse.document_id.in_(bindparam("ids", expanding=True)),
           MacroUse.ticket_terms.is_not(None), MacroUse.created_at >= bindparam("since"))
    .order_by(MacroUse.id.desc()).limit(_PAST_USES_MAX)
)


def _past_uses(connection, ids: list[int]) -> dict[int, list[frozenset[str]]]:
    """Each candidate macro's recent uses for tickets, as the sets of those tickets' stems."""
    since = utcnow() - timedelta(days=TICKET_TERMS_DAYS)
    pasts: dict[int, list[frozenset[str]]] = {}
    for row in connection.execute(_PAST_USES, {"ids": ids, "since": since}):
        pasts.setdefault(row.document_id, []).append(frozenset(row.ticket_terms.split()))
    return pasts


def _profiles(connection, kinds: dict[int, str]) -> dict[int, ticket_text.Profile]:
    """The scoring profile of each published revision (by id, with its document's kind)."""
    # One cache per app, so tests (and apps) never share revision ids between databases.
    cache = current_app.extensions.setdefault("kb.suggest_profiles", {})
    missing = [rev for rev in kinds if rev not in cache]
    if missing:
        if len(cache) > _PROFILES_MAX:
            cache.clear()
        for row in connection.execute(_PROFILED, {"ids": missing}):
            # A published revision never changes, so its profile is kept by its id; it is
            # read in its document's language, as the index reads it.
            with analysing(row.locale):
                cache[row.id] = ticket_text.profile(kinds[row.id], row.title, row.tags or [],
                                                    row.text or "")
    return {rev: cache[rev] for rev in kinds if rev in cache}


def _rank(actor: permissions.Actor, terms: list[ticket_text.Term], found: list[Result]
          ) -> list[Result]:
    """Score the candidates on the whole message, best first (the engine's order breaks ties)."""
    if not found:
        return []
    connection = db.session.connection()
    macro_ids = [r.document.id for r in found if r.document.kind == MACRO]
    links = linked_revisions(actor, connection, macro_ids)
    kinds = {r.document.published_revision_id: r.document.kind for r in found}
    for revs in links.values():
        kinds.update((rev, "article") for rev in revs)
    profiles = _profiles(connection, kinds)
    uses = dict(connection.execute(_USES, {"ids": [r.document.id for r in found]}).all())
    pasts = _past_uses(connection, macro_ids)
    lengths = [p.length for p in profiles.values()]
    average = sum(lengths) / len(lengths) if lengths else 1.0
    articles = {rev: ticket_text.score(terms, profiles[rev], average)[0]
                for revs in links.values() for rev in revs if rev in profiles}
    scored = []
    for order, result in enumerate(found):
        doc = profiles.get(result.document.published_revision_id)
        if doc is None:
            continue
        value, matched = ticket_text.score(terms, doc, average, uses.get(result.document.id, 0))
        value += ticket_text.linked_lift(
            value, [articles.get(rev, 0.0) for rev in links.get(result.document.id, [])])
        if value <= 0:
            continue
        value *= 1 + ticket_text.past_use_lift(terms, pasts.get(result.document.id, []))
        hit = replace(result.hit, score=round(value, 4), matched=tuple(matched))
        scored.append((-value, order, replace(result, hit=hit)))
    scored.sort(key=lambda item: item[:2])
    return [result for _, _, result in scored]


def _snippets_for(terms: list[ticket_text.Term], scope: Scope, results: list[Result]
                  ) -> list[Result]:
    """Give each result a snippet that marks the message's words it holds: the candidates came
    from one-word searches, whose snippets mark that one word only."""
    if not results:
        return results
    words = " ".join(t.word for t in sorted(terms, key=lambda t: -t.weight)[:12])
    snippet = get_index().search(words, scope, limit=1).snippet
    if snippet is None:
        return results
    ids = [r.document.published_revision_id for r in results]
    texts = dict(db.session.connection().execute(_TEXTS, {"ids": ids}).all())
    out = []
    for result in results:
        made = snippet(texts.get(result.document.published_revision_id) or "")
        if "<mark>" in made:
            result = replace(result, hit=replace(result.hit, snippet=made))
        out.append(result)
    return out
