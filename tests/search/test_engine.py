"""The search engine (kb.search) on its own: no Flask, no database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager

import pytest

from kb.search import IndexCorruptError, IndexDoc, Scope, SearchIndex
from tests.support import another_app, make_doc

ANONYMOUS = Scope(frozenset({"article"}), frozenset({"public"}), None)
AGENT = Scope(frozenset({"article", "macro"}), frozenset({"public", "internal"}), 7)
OTHER_AGENT = Scope(frozenset({"article", "macro"}), frozenset({"public", "internal"}), 8)


FILLER = "Read this page to learn more about how the help center works for your team. "

CORPUS = [
    make_doc(1, "Reset your password", "If you forgot your password, reset it from the sign in "
             "page. We send a reset link to your inbox. " + FILLER, tags=("password", "login")),
    make_doc(2, "Change your email address", "Open settings and change the email address used "
             "for notifications. The password stays the same. " + FILLER),
    make_doc(3, "Billing and refunds", "Refunds go back to the original card within five days. "
             "Invoices are listed under billing. " + FILLER, category="billing",
             section="billing/payments", tags=("refund",)),
    make_doc(4, "Two-factor authentication", "Turn on two-factor authentication to protect the "
             "account. Recovery codes let you sign in without your phone. " + FILLER),
    make_doc(5, "Internal: fraud review", "Escalate suspected fraud to the risk team before any "
             "refund. " + FILLER, visibility="internal", category="billing",
             section="billing/payments"),
    make_doc(6, "Billing::Refunds::Refund timeline", "Hi {{customer.first_name}}, your refund "
             "was issued and reaches your card within five days.", kind="macro",
             category="billing", tags=("refund", "billing")),
    make_doc(7, "Personal::Greeting", "Hello, thanks for writing in about your refund.",
             kind="macro", category="personal", owner_id=7),
    make_doc(8, "Personal::Sign off", "Best regards from the refund desk.", kind="macro",
             category="personal", owner_id=8),
]


@pytest.fixture
def index() -> SearchIndex:
    ix = SearchIndex.in_memory()
    ix.apply(CORPUS, [], position=1)
    yield ix
    ix.close()


@contextmanager
def term_cache(root):
    """A term cache over an index's live generation, opened through the engine's interface."""
    from kb.search.engine import TermCache, open_generation, read_current

    _, _, searcher = open_generation(root, read_current(root))
    try:
        yield TermCache(searcher)
    finally:
        searcher.close()


def ids(page_or_hits) -> list[int]:
    hits = getattr(page_or_hits, "hits", page_or_hits)
    return [h.id for h in hits]


def test_all_words_rank_above_any_word(index):
    page = index.search("password email", AGENT)
    assert ids(page)[0] == 2  # the only document with both words
    assert set(ids(page)) >= {1, 2}


def test_fallback_finds_documents_matching_some_words(index):
    page = index.search("refunds zeppelin", ANONYMOUS)
    assert ids(page) == [3]
    assert page.hits[0].matched == ("refunds",)


def test_quoted_phrase_needs_the_words_in_order(index):
    assert ids(index.search('"reset link"', ANONYMOUS)) == [1]
    assert ids(index.search('"link reset"', ANONYMOUS)) == []


def test_phrase_with_an_unknown_word_falls_back_to_the_phrase(index):
    page = index.search('"reset link" zeppelin', ANONYMOUS)
    assert ids(page) == [1]
    assert page.hits[0].matched == ("reset", "link")


def test_as_you_type_matches_a_prefix_of_the_last_word(index):
    assert ids(index.search("two-factor authent", ANONYMOUS, as_you_type=True)) == [4]
    assert 3 in ids(index.search("refu", ANONYMOUS, as_you_type=True))
    assert ids(index.search("refu", ANONYMOUS)) == []  # not a prefix unless typing


def test_as_you_type_expands_a_common_prefix_to_its_most_frequent_and_its_rare_words():
    # "con" names two words in most documents and a rare one. Reading every common completion
    # on each keystroke made short prefixes the slowest queries; the most frequent one and the
    # rare ones are kept, the next common one waits for another letter.
    ix = SearchIndex.in_memory()
    ix.apply([make_doc(i, f"Guide {i}", " ".join(words) + " " + FILLER) for i, words in [
        *((i, ("contacts", "conditions")) for i in range(1, 10)),
        (10, ("contacts",)), (11, ("contacts",)), (12, ("conditions",)), (13, ("convoys",)),
    ]], [], position=1)
    found = ids(ix.search("con", ANONYMOUS, as_you_type=True, limit=20))
    assert sorted(found) == [*range(1, 12), 13]
    assert 12 in ids(ix.search("cond", ANONYMOUS, as_you_type=True, limit=20))


def test_as_you_type_ranks_a_document_by_all_the_completions_it_holds():
    # "pay" completes to a word in most documents and to three rare ones: a document holding
    # all three rare ones adds them up and comes first.
    docs = [make_doc(i, f"Guide {i}", "payments " + FILLER) for i in range(1, 40)]
    docs += [make_doc(40, "Guide 40", "payouts " + FILLER),
             make_doc(41, "Guide 41", "payouts payroll paypal " + FILLER),
             make_doc(42, "Guide 42", "payroll " + FILLER)]
    ix = SearchIndex.in_memory()
    ix.apply(docs, [], position=1)
    found = ids(ix.search("pay", ANONYMOUS, as_you_type=True, limit=50))
    assert found[0] == 41
    assert set(found[1:3]) == {40, 42}
    assert sorted(found) == list(range(1, 43))
    ix.close()


def test_typo_finds_the_document_and_suggests_the_correction(index):
    page = index.search("pasword reset", ANONYMOUS)
    assert ids(page)[0] == 1
    assert page.suggestion == "password reset"


def test_no_suggestion_from_documents_out_of_scope(index):
    index.apply([make_doc(60, "Chargeback playbook", "Chargeback disputes go to risk.",
                          visibility="internal")], [], 2)
    assert index.search("chargebak", AGENT).suggestion == "chargeback"
    page = index.search("chargebak", ANONYMOUS)
    assert (page.total, page.suggestion) == (0, None)


def test_title_match_outranks_body_match(index):
    index.apply([make_doc(50, "Invoices", "Where to find past statements for tax purposes."),
                 make_doc(51, "Statements", "Invoices, invoices: invoices are listed monthly.")],
                [], 2)
    assert ids(index.search("invoices", ANONYMOUS))[:2] == [50, 51]


def test_accents_are_folded_and_words_stemmed(index):
    index.apply([make_doc(20, "Café opening hours", "The café opens early.")], [], 2)
    page = index.search("cafe opened", ANONYMOUS)
    assert ids(page)[0] == 20
    assert page.hits[0].matched == ("cafe", "opened")


def test_anonymous_never_sees_internal_articles_or_macros(index):
    page = index.search("refund fraud billing", ANONYMOUS)
    assert ids(page) == [3]
    assert index.search("fraud", ANONYMOUS).total == 0


def test_personal_documents_show_to_their_owner_only(index):
    assert 7 in ids(index.search("refund", AGENT, limit=20))
    assert 8 not in ids(index.search("refund", AGENT, limit=20))
    assert 8 in ids(index.search("refund", OTHER_AGENT, limit=20))
    assert 7 not in ids(index.search("refund", OTHER_AGENT, limit=20))


@pytest.mark.parametrize("facet, expected", [
    ({"kind": "macro"}, {6, 7}),
    ({"kind": "article"}, {3, 5}),
    ({"category": "billing"}, {3, 5, 6}),
    ({"section": "billing/payments"}, {3, 5}),
    ({"tag": "Refund"}, {3, 6}),
])
def test_facet_filters(index, facet, expected):
    assert set(ids(index.search("refund", AGENT, limit=20, **facet))) == expected


def test_pagination_total_counts_every_match(index):
    docs = [make_doc(100 + i, f"Guide {i}", "workspace setup notes") for i in range(25)]
    index.apply(docs, [], 2)
    first = index.search("workspace", ANONYMOUS, limit=10)
    third = index.search("workspace", ANONYMOUS, limit=10, offset=20)
    assert (first.total, third.total) == (25, 25)
    assert (len(first.hits), len(third.hits)) == (10, 5)
    assert not set(ids(first)) & set(ids(third))


def test_every_page_of_a_fallback_query_agrees_on_the_total(index):
    index.apply([make_doc(90 + i, f"Workspace note {i}", "refund workspace") for i in range(4)],
                [], 2)
    pages = [index.search("workspace refund", AGENT, limit=3, offset=o) for o in (0, 3, 6)]
    assert len({p.total for p in pages}) == 1
    seen = [h.id for p in pages for h in p.hits]
    assert len(seen) == len(set(seen))


def test_snippet_escapes_html_and_marks_matched_words(index):
    index.apply([make_doc(30, "Scripts", 'Paste <script>alert("x")</script> & your token here.')],
                [], 2)
    snippet = index.search("token", ANONYMOUS).hits[0].snippet
    assert "<mark>token</mark>" in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


@pytest.mark.parametrize("query", [
    '"unbalanced quote', 'password"', '""', "AND OR NOT", "password AND NOT", "title:password",
    "*", "?", "pass*", "pa?word", "(password", "password)", "~2", "^3", "[a TO z]", "{}",
    "\x00\x01\x1b[31m", "\u202epassword", "x" * 10_000, "password " * 500, " ", "",
    "ünïcødé ✓ 🔑", "a b c d e f g h i j k l m n o p q r s t", "--", "\\", "'; DROP TABLE",
])
def test_hostile_queries_return_a_page(index, query):
    for as_you_type in (False, True):
        page = index.search(query, AGENT, as_you_type=as_you_type)
        assert page.total >= len(page.hits)
        assert len(page.query) <= 256


def test_apply_keeps_the_last_of_duplicate_ids_and_records_position(index):
    index.apply([make_doc(40, "Old title"), make_doc(40, "Quarterly roadmap", revision_id=2)],
                [], position=9)
    assert ids(index.search("roadmap", ANONYMOUS)) == [40]
    assert index.search("old title", ANONYMOUS).total == 0
    assert index.position() == 9
    assert index.indexed_revisions()[40] == 2


def test_update_in_a_later_commit_replaces_the_document(index):
    index.apply([make_doc(1, "Reset your passphrase", revision_id=2)], [], 2)
    page = index.search("reset", ANONYMOUS)
    assert ids(page) == [1]
    assert page.hits[0].title == "Reset your passphrase"


def test_delete_removes_the_document(index):
    index.apply([], [3], position=2)
    assert index.search("invoices", ANONYMOUS).total == 0
    assert 3 not in index.indexed_revisions()
    assert index.doc_count() == len(CORPUS) - 1


def test_new_index_is_empty_at_position_zero(tmp_path):
    with SearchIndex.open(tmp_path / "ix") as ix:
        assert (ix.position(), ix.doc_count(), ix.indexed_revisions()) == (0, 0, {})


def test_rebuild_swaps_while_searches_keep_answering(tmp_path):
    ix = SearchIndex.open(tmp_path / "ix")
    ix.apply(CORPUS, [], 1)
    answers: list[int] = []
    stop = threading.Event()

    def searching() -> None:
        while not stop.is_set():
            answers.append(ix.search("refund", AGENT).total)

    reader = threading.Thread(target=searching)
    reader.start()
    try:
        big = CORPUS + [make_doc(200 + i, f"Refund case {i}", FILLER * 20) for i in range(200)]
        ix.rebuild(big, position=5)
    finally:
        stop.set()
        reader.join()
    assert answers and all(n > 0 for n in answers)
    assert ix.position() == 5
    assert ix.search("refund case", AGENT).total == 200
    assert sorted(p.name for p in (tmp_path / "ix").glob("gen-*")) == ["gen-2"]
    ix.close()


def test_rebuild_in_memory_replaces_everything(index):
    index.rebuild([make_doc(70, "Fresh start", "Only this one.")], position=8)
    assert (index.doc_count(), index.position()) == (1, 8)
    assert ids(index.search("fresh", ANONYMOUS)) == [70]


def test_concurrent_searches_and_commits_do_not_interfere(index):
    errors: list[BaseException] = []

    def searching() -> None:
        try:
            for i in range(40):
                page = index.search(("refund", "password reset", "bill")[i % 3], AGENT,
                                    as_you_type=i % 2 == 0)
                assert page.total >= len(page.hits)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for t in threads:
        t.start()
    for n in range(5):
        index.apply([make_doc(80 + n, f"Refund note {n}", "refund details")], [], 2 + n)
    for t in threads:
        t.join()
    assert errors == []
    assert index.search("refund note", AGENT, limit=5).total == 5


def test_open_after_a_crash_mid_rebuild_removes_the_half_built_generation(tmp_path):
    root = tmp_path / "ix"
    with SearchIndex.open(root) as ix:
        ix.apply(CORPUS, [], 3)
    half = root / "gen-2"
    half.mkdir()
    (half / "MAIN_x.seg").write_bytes(b"\0" * 100)  # what a killed rebuild leaves behind
    with SearchIndex.open(root) as ix:
        assert ix.position() == 3
        assert ids(ix.search("invoices", ANONYMOUS)) == [3]
    assert not half.exists()


def test_open_raises_index_corrupt_error_for_unreadable_files(tmp_path):
    root = tmp_path / "ix"
    with SearchIndex.open(root) as ix:
        ix.apply(CORPUS, [], 1)
    for toc in (root / "gen-1").glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(IndexCorruptError):
        SearchIndex.open(root)


def test_refresh_sees_a_commit_from_another_instance(tmp_path):
    reader = SearchIndex.open(tmp_path / "ix")
    writer = SearchIndex.open(tmp_path / "ix")
    assert reader.search("invoices", ANONYMOUS).total == 0
    writer.apply(CORPUS, [], 4)
    reader.refresh()
    assert ids(reader.search("invoices", ANONYMOUS)) == [3]
    assert reader.position() == 4
    writer.rebuild(CORPUS[:2], 6)
    reader.refresh()
    assert reader.search("invoices", ANONYMOUS).total == 0
    reader.close()
    writer.close()


@pytest.mark.slow
def test_writer_lock_of_a_killed_process_does_not_block(tmp_path):
    root = tmp_path / "ix"
    SearchIndex.open(root).close()
    holder = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from kb.search.engine import open_generation, read_current
        root = Path({str(root)!r})
        _, ix, _ = open_generation(root, read_current(root))
        writer = ix.writer()   # hold the write lock, never commit
        print("locked", flush=True)
        time.sleep(60)
    """)
    with subprocess.Popen([sys.executable, "-c", holder], stdout=subprocess.PIPE,
                          text=True) as proc:
        assert proc.stdout.readline().strip() == "locked"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    positions = []

    def write():
        with SearchIndex.open(root) as ix:
            ix.apply(CORPUS, [], 2)
            positions.append(ix.position())

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    writer.join(120)  # generous: a lock that blocked would never let go
    assert not writer.is_alive(), "the dead process's lock still blocks writers"
    assert positions == [2]


def test_key_terms_picks_the_distinctive_words_of_a_message(index):
    chatter = [make_doc(300 + i, f"Note {i}", "Hello, thanks for the update. It was charged to "
                        "the card on Monday, I think. " + FILLER) for i in range(20)]
    index.apply(chatter, [], 2)
    message = ("Hello, I was charged twice and I want a refund. The invoice says the card was "
               "billed on Monday. Thanks, Zyxwq")
    terms = index.key_terms(message, AGENT, limit=3)
    assert {"refund", "invoice"} <= set(terms)
    assert not {"hello", "thanks", "was", "zyxwq"} & set(terms)


def test_related_returns_similar_documents_in_scope_only(index):
    related = ids(index.related(3, ANONYMOUS))
    assert 3 not in related
    assert not {5, 6, 7, 8} & set(related)  # internal, macros, personal
    agent_related = ids(index.related(3, AGENT))
    assert 6 in agent_related or 5 in agent_related
    assert index.related(5, ANONYMOUS) == []  # not in scope at all


# -- kinds as partitions of the index ----------------------------------------------------------

def test_a_document_scores_the_same_whichever_kinds_the_query_covers(index):
    everything = {h.id: h.score for h in index.search("refund card", AGENT).hits}
    macros = index.search("refund card", AGENT, kind="macro")
    articles = index.search("refund card", AGENT, kind="article")
    assert ids(macros)[0] == 6 and ids(articles)[0] == 3
    assert {h.kind for h in macros.hits} == {"macro"}
    assert {h.kind for h in articles.hits} == {"article"}
    for hit in macros.hits + articles.hits:
        assert hit.score == everything[hit.id]


def test_a_macro_query_expands_a_prefix_over_the_macros_words_only(index):
    # "issu" is the start of a word in macro 6 only; in an article-only scope nothing starts so.
    assert ids(index.search("issu", AGENT, kind="macro", as_you_type=True)) == [6]
    assert ids(index.search("issu", ANONYMOUS, as_you_type=True)) == []
    assert ids(index.search("issu", AGENT, as_you_type=True)) == [6]


def test_a_phrase_is_checked_in_every_kind_the_scope_covers(index):
    assert ids(index.search('"five days"', AGENT, kind="macro")) == [6]
    assert ids(index.search('"five days"', ANONYMOUS)) == [3]
    assert sorted(ids(index.search('"five days"', AGENT))) == [3, 6]


def test_related_and_key_terms_stay_within_the_scopes_kinds(index):
    assert all(h.kind == "article" for h in index.related(3, ANONYMOUS))
    assert "greeting" not in index.key_terms("greeting about the refund", ANONYMOUS)


def test_an_unknown_kind_is_refused_when_indexing(index):
    with pytest.raises(ValueError):
        index.apply([make_doc(70, "Odd", "odd", kind="snippet")], [], 2)


def test_an_index_built_with_an_older_schema_is_refused_then_rebuilt(tmp_path, monkeypatch):
    from kb.search import indexer
    from kb.search.engine import storage
    from kb.search.schema import SCHEMA_VERSION

    root = tmp_path / "ix"
    with monkeypatch.context() as m:
        m.setattr(storage, "SCHEMA_VERSION", SCHEMA_VERSION - 1)  # what an older kb wrote
        with SearchIndex.open(root) as ix:
            ix.apply(CORPUS, [], 5)
    with pytest.raises(IndexCorruptError, match="schema"):
        SearchIndex.open(root)
    # A node whose index an older kb wrote opens it afresh.
    with another_app(tmp_path, INDEX_DIR=str(root)) as app, app.app_context(), indexer.get_index() as ix:
        assert ix.position() == 0  # a fresh index: the next catch-up replays the outbox
        ix.apply(CORPUS, [], 5)
        assert ids(ix.search("invoices", ANONYMOUS)) == [3]
    assert list(tmp_path.glob("ix.corrupt-*"))


# -- phrase positions ---------------------------------------------------------------------------

def _phrase_corpus(n: int, seed: int) -> list[IndexDoc]:
    import random

    rng = random.Random(seed)
    vocab = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    return [make_doc(100 + i, f"Note {i} " + " ".join(rng.choices(vocab, k=3)),
                     " ".join(rng.choices(vocab, k=rng.randint(5, 40))))
            for i in range(n)]


def _brute_phrase(docs: list[IndexDoc], phrase: str) -> set[int]:
    from kb.search.schema import stem, words

    want = [stem(w) for w in words(phrase)]
    out = set()
    for d in docs:
        for text in (d.title, d.text):
            got = [stem(w) for w in words(text)]
            if any(got[i:i + len(want)] == want for i in range(len(got))):
                out.add(d.id)
    return out


def test_phrase_matches_equal_a_brute_force_check_over_many_posting_blocks():
    # 600 documents over 8 words: each word's postings span several 128-posting blocks, most
    # documents hold a word more than once, and the totals are exact (under 2,000 candidates).
    docs = _phrase_corpus(600, seed=3)
    ix = SearchIndex.in_memory()
    ix.apply(docs[:300], [], position=1)
    ix.apply(docs[300:], [], position=2)
    for phrase in ("alpha bravo", "bravo alpha", "golf golf", "echo delta hotel",
                   "charlie foxtrot charlie"):
        page = ix.search(f'"{phrase}"', ANONYMOUS, limit=100)
        expected = _brute_phrase(docs, phrase)
        assert page.total == len(expected), phrase
        assert set(ids(page)) <= expected and len(page.hits) == min(100, len(expected))
    ix.close()


def test_a_phrase_checked_lazily_while_ranking_ranks_as_a_full_check_would(monkeypatch):
    # Over PHRASE_VERIFY_ALL candidates, a common phrase is checked in batches while ranking
    # (batches far smaller than the words' postings); the page must be the one checking every
    # candidate first gives.
    from kb.search.engine import postings

    docs = _phrase_corpus(2000, seed=11)
    ix = SearchIndex.in_memory()
    ix.apply(docs, [], position=1)
    pages = {}
    for verify_all in (100_000, 100):
        monkeypatch.setattr(postings, "PHRASE_VERIFY_ALL", verify_all)
        ix.apply([], [], position=1 + verify_all)  # a new searcher: nothing cached
        pages[verify_all] = [ix.search(f'"{phrase}"', ANONYMOUS, limit=5)
                             for phrase in ("alpha bravo", "golf golf", "hotel echo")]
    for lazy, full in zip(pages[100], pages[100_000]):
        assert lazy.hits == full.hits and len(full.hits) == 5
    ix.close()


def test_a_phrase_check_answers_for_the_candidates_it_is_given_only(tmp_path):
    from kb.search.engine import verify_phrase
    from kb.search.schema import stem

    docs = _phrase_corpus(300, seed=7)
    with SearchIndex.open(tmp_path / "ix") as ix:
        ix.apply(docs, [], position=1)
    with term_cache(tmp_path / "ix") as cache:
        number = cache.searcher.document_number
        expected = {number(id=str(d)) for d in _brute_phrase(docs, "alpha bravo")}
        assert len(expected) > 10
        asked = sorted(expected)[::2] + [d for d in range(cache.doc_count) if d not in expected][:50]
        fields = ("article_title", "article_body")
        assert verify_phrase(cache, fields, [stem("alpha"), stem("bravo")], sorted(asked)) == \
            set(asked) & expected


def test_phrase_words_answer_the_same_once_their_positions_are_kept():
    """A phrase's words keep their positions after a check; later checks read the kept ones."""
    docs = _phrase_corpus(400, seed=5) + [make_doc(900, "Lonely zebra crossing", "zebra")]
    ix = SearchIndex.in_memory()
    ix.apply(docs, [], position=1)
    phrases = ("alpha bravo", "bravo alpha", "golf hotel", "hotel golf", "zebra crossing")
    first = {phrase: ix.search(f'"{phrase}"', ANONYMOUS, limit=100) for phrase in phrases}
    assert ids(first["zebra crossing"]) == [900]  # inlined postings too
    for phrase in phrases:
        again = ix.search(f'"{phrase}"', ANONYMOUS, limit=100)
        expected = _brute_phrase(docs, phrase)
        assert again.total == first[phrase].total == len(expected), phrase
        assert ids(again) == ids(first[phrase]) and set(ids(again)) <= expected, phrase
    ix.close()


def test_phrase_is_checked_when_its_words_were_first_loaded_by_a_plain_query(index):
    assert ids(index.search("reset link", ANONYMOUS))  # loads the terms without positions
    assert ids(index.search('"reset link"', ANONYMOUS)) == [1]
    assert ids(index.search('"link reset"', ANONYMOUS)) == []


def test_phrase_needs_adjacent_occurrences_when_its_words_repeat():
    ix = SearchIndex.in_memory()
    ix.apply([make_doc(1, "Kilo notes", "kilo lima tango kilo tango lima"),
              make_doc(2, "Lima notes", "lima tango kilo tango lima tango lima kilo")],
             [], position=1)
    assert ids(ix.search('"kilo lima"', ANONYMOUS)) == [1]
    assert ids(ix.search('"lima kilo"', ANONYMOUS)) == [2]
    assert sorted(ids(ix.search('"tango lima"', ANONYMOUS))) == [1, 2]
    assert ids(ix.search('"tango lima tango"', ANONYMOUS)) == [2]
    ix.close()


def test_a_typo_that_swaps_two_letters_is_corrected(index):
    # Rebuilt: one segment, searched by Whoosh's automaton, which knows no swaps (several
    # segments are searched word by word, with swaps).
    index.rebuild(CORPUS, position=2)
    page = index.search("passwrod", ANONYMOUS)
    assert ids(page)[0] == 1
    assert page.suggestion == "password"


@pytest.mark.parametrize("in_memory", [True, False], ids=["word list", "term table"])
def test_misspellings_are_found_in_the_vocabulary_as_whoosh_finds_them(in_memory, monkeypatch, tmp_path):
    from kb.search.engine import postings

    if not in_memory:
        monkeypatch.setattr(postings, "WORDS_IN_MEMORY", 5)

    def text(term) -> str:  # Whoosh gives terms as UTF-8 bytes
        return term.decode("utf-8") if isinstance(term, bytes) else term

    words = ["password", "passport", "passwords", "pasword", "billing", "bill", "building",
             "payout", "payouts", "layout", "refund", "refunds", "rebound", "zebra"]
    with SearchIndex.open(tmp_path / "ix") as ix:
        ix.apply([make_doc(i, w, f"{w} help") for i, w in enumerate(words[:7], 1)], [], position=1)
        ix.apply([make_doc(i, w, f"{w} help") for i, w in enumerate(words[7:], 8)], [], position=2)
    with term_cache(tmp_path / "ix") as cache:
        assert len(list(cache.reader.leaf_readers())) >= 2  # the vocabulary spans segments
        lexicon = cache.lexicon(("article",))
        for typo in ("pasword", "bilding", "paiout", "refnd", "zebra", "xylophone", "p"):
            for maxdist, prefix in ((1, 1), (2, 1), (2, 0)):
                expected = list(map(text, cache.reader.terms_within("vocab", typo, maxdist,
                                                                    prefix=prefix)))
                assert list(lexicon.terms_within("vocab", typo, maxdist, prefix)) == expected
        assert "password" in lexicon.terms_within("vocab", "pasword", 1, 1)  # first commit
        assert "refund" in lexicon.terms_within("vocab", "refnd", 1, 1)  # second commit
        assert (cache.words("vocab") is not None) == in_memory
