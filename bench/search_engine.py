"""Benchmark kb's search engine against SQLite FTS5 on the same documents and queries.

Standalone (no Flask, no database)::

    python bench/search_engine.py                 # GitHub docs corpus + 50,000 synthetic docs
    python bench/search_engine.py --docs 10000    # a few minutes
    python bench/search_engine.py --docs 0        # the real corpus only

For each corpus it builds kb's index (SearchIndex.rebuild, on disk) and an FTS5 table of the
same documents (porter + unicode61 folding, BM25 with title 3 / tags 2 / body 1), then runs the
same deterministic query mix against both: one to three words, a quoted phrase, an as-you-type
prefix, and a typo. FTS5 gets the same strategy as kb: all words, then OR when fewer than
``limit`` match; ``word*`` for the prefix; the typo as typed; plus ``snippet()`` and a
``count(*)`` for the total, since kb returns both. kb's result cache is disabled so every query
is computed. Each engine runs the mix twice and both passes are reported: "cold" just after
opening (kb reads and decodes each term the first time a query needs it), "warm" the same
queries again (kb's per-searcher term cache filled, SQLite's page cache warm).
"""

from __future__ import annotations

import argparse
import gc
import glob
import os
import random
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import kb.search.index as kb_index  # noqa: E402
from kb.search import IndexDoc, Scope, SearchIndex  # noqa: E402

CORPUS_GLOB = "../shared/corpus/github-docs/articles/**/*.md"
SCOPE = Scope(frozenset({"article", "macro"}), frozenset({"public", "internal"}), 1)
LIMIT = 10
#: Whether FTS5 also counts the matches (kb always returns the total); --fts-no-count turns it off.
COUNT = True
WORD = re.compile(r"[A-Za-z][a-z]{2,}")
NOW = datetime(2024, 1, 1, tzinfo=timezone.utc)


# -- corpora ---------------------------------------------------------------------------------

def _plain_text(markdown: str) -> str:
    try:
        from kb.content.markdown import to_plain_text
        from kb.content.render_budget import import_budget
    except ImportError:  # crude, good enough for a benchmark
        text = re.sub(r"```.*?```", " ", markdown, flags=re.S)
        text = re.sub(r"<[^>]+>|!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)", r" \1 ", text)
        return " ".join(re.sub(r"[#*_`>|{}%-]+", " ", text).split())
    # The render budget kb import gives: a busy machine must not refuse a long real article.
    with import_budget():
        return to_plain_text(markdown)


def load_real() -> list[IndexDoc]:
    import frontmatter

    base = (REPO / CORPUS_GLOB.split("**")[0]).resolve()
    paths = sorted(glob.glob(str(base / "**/*.md"), recursive=True))
    docs = []
    for i, path in enumerate(paths, start=1):
        post = frontmatter.load(path)
        rel = Path(path).relative_to(base)
        product, area = rel.parts[0], rel.parts[1] if len(rel.parts) > 2 else "general"
        docs.append(IndexDoc(
            id=i, kind="article", revision_id=1, slug=rel.stem,
            title=str(post.get("title", rel.stem)),
            text=_plain_text(post.content), tags=(product, area), category=product,
            section=f"{product}/{area}", visibility="internal" if i % 10 == 0 else "public",
            owner_id=None, updated_at=NOW,
        ))
    return docs


def synthetic(n: int, real: list[IndexDoc], seed: int) -> list[IndexDoc]:
    """``n`` documents of 150-800 words drawn from the real corpus's word frequencies."""
    rng = random.Random(seed)
    counts = Counter(w.lower() for d in real for w in WORD.findall(d.text))
    vocab = [w for w, _ in counts.most_common(20000)]
    cum, total = [], 0
    for w in vocab:
        total += counts[w]
        cum.append(total)
    tagvocab = vocab[50:450]
    docs = []
    for i in range(1, n + 1):
        length = rng.randint(150, 800)
        body = rng.choices(vocab, cum_weights=cum, k=length)
        # Sentences: a capital and a full stop every ~12 words, so snippets look like text.
        text = " ".join(w + ("." if j % 12 == 11 else "") for j, w in enumerate(body))
        title = " ".join(rng.choices(vocab[100:8000], k=rng.randint(3, 8))).capitalize()
        kind = "macro" if i % 5 == 0 else "article"
        docs.append(IndexDoc(
            id=i, kind=kind, revision_id=1, slug=f"doc-{i}", title=title, text=text,
            tags=tuple(rng.sample(tagvocab, rng.randint(1, 3))), category=f"cat-{i % 12}",
            section=None if kind == "macro" else f"cat-{i % 12}/sec-{i % 40}",
            visibility="internal" if kind == "macro" or i % 7 == 0 else "public",
            owner_id=(i % 50) if i % 97 == 0 else None, updated_at=NOW,
        ))
    return docs


def queries(docs: list[IndexDoc], seed: int, per_type: int) -> list[tuple[str, str]]:
    """A deterministic mix of what people type, drawn from the documents' own words."""
    rng = random.Random(seed + 1)
    out: list[tuple[str, str]] = []

    def words_of(doc: IndexDoc, k: int) -> list[str]:
        pool = [w.lower() for w in WORD.findall(doc.title + " " + doc.text[:3000])]
        return rng.sample(pool, min(k, len(pool))) if pool else ["help"]

    for k in (1, 2, 3):
        for _ in range(per_type):
            out.append((f"{k} word{'s' if k > 1 else ''}", " ".join(words_of(rng.choice(docs), k))))
    for _ in range(per_type):
        doc = rng.choice(docs)
        seq = [w.lower() for w in WORD.findall(doc.text[:3000])]
        j = rng.randrange(max(1, len(seq) - 2))
        out.append(("phrase", '"' + " ".join(seq[j:j + 2]) + '"'))
    for _ in range(per_type):
        ws = words_of(rng.choice(docs), rng.randint(1, 2))
        last = ws[-1]
        cut = rng.randint(3, max(3, min(6, len(last))))
        out.append(("prefix", " ".join(ws[:-1] + [last[:cut]])))
    for _ in range(per_type):
        long_words = [w for w in words_of(rng.choice(docs), 8) if len(w) >= 6] or ["password"]
        w = rng.choice(long_words)
        j = rng.randrange(1, len(w) - 1)
        typo = rng.choice([w[:j] + w[j + 1:], w[:j] + w[j + 1] + w[j] + w[j + 2:],
                           w[:j] + rng.choice("aeiourst") + w[j + 1:]])
        extra = words_of(rng.choice(docs), 1) if rng.random() < 0.5 else []
        out.append(("typo", " ".join([typo] + extra)))
    return out


# -- engines ---------------------------------------------------------------------------------

def build_kb(docs: list[IndexDoc], folder: str) -> tuple[SearchIndex, float]:
    ix = SearchIndex.open(folder)
    started = time.perf_counter()
    ix.rebuild(docs, position=1)
    return ix, len(docs) / (time.perf_counter() - started)


def build_fts(docs: list[IndexDoc], path: str) -> tuple[sqlite3.Connection, float]:
    db = sqlite3.connect(path, check_same_thread=False)
    db.execute("CREATE VIRTUAL TABLE docs USING fts5(title, tags, body, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    started = time.perf_counter()
    with db:
        db.executemany("INSERT INTO docs(rowid, title, tags, body) VALUES (?, ?, ?, ?)",
                       ((d.id, d.title, " ".join(d.tags), d.text) for d in docs))
    return db, len(docs) / (time.perf_counter() - started)


def fts_query(db: sqlite3.Connection, kind: str, q: str) -> int:
    words = [w for w in re.findall(r"\w+", q.lower())]
    if not words:
        return 0
    quoted = [f'"{w}"' for w in words]
    if kind == "phrase":
        expressions = ['"' + " ".join(words) + '"']
    elif kind == "prefix":
        quoted[-1] += "*"
        expressions = [" ".join(quoted), " OR ".join(quoted)]
    else:
        expressions = [" ".join(quoted), " OR ".join(quoted)]
    for i, expr in enumerate(expressions):
        rows = db.execute(
            "SELECT rowid, snippet(docs, 2, '<mark>', '</mark>', '…', 16) FROM docs "
            "WHERE docs MATCH ? ORDER BY bm25(docs, 3.0, 2.0, 1.0) LIMIT ?",
            (expr, LIMIT)).fetchall()
        if not COUNT:
            if len(rows) >= LIMIT or i == len(expressions) - 1 or len(words) == 1:
                return len(rows)
            continue
        total = db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (expr,)).fetchone()[0]
        if total >= LIMIT or i == len(expressions) - 1 or len(words) == 1:
            return total
    return 0


def timed(fn, qs) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for kind, q in qs:
        started = time.perf_counter()
        fn(kind, q)
        out.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(name: str, docs: list[IndexDoc], per_type: int, seed: int) -> None:
    words = sum(len(d.text.split()) for d in docs) / max(1, len(docs))
    print(f"\n## {name}: {len(docs):,} documents, mean {words:.0f} words")
    qs = queries(docs, seed, per_type)
    # The corpus is millions of Python objects a server never holds; without this the cyclic
    # GC walks them all during the timed queries and charges kb (which allocates) for it.
    gc.collect()
    gc.freeze()
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        ix, kb_rate = build_kb(docs, os.path.join(tmp, "index"))
        size = sum(f.stat().st_size for f in Path(tmp, "index").rglob("*") if f.is_file())
        db, fts_rate = build_fts(docs, os.path.join(tmp, "fts.db"))
        print(f"build: kb {kb_rate:,.0f} docs/s ({size / 2**20:.1f} MiB), "
              f"FTS5 {fts_rate:,.0f} docs/s")

        def kb_search(kind: str, q: str) -> int:
            return ix.search(q, SCOPE, limit=LIMIT, as_you_type=kind == "prefix").total

        def fts_search(kind: str, q: str) -> int:
            return fts_query(db, kind, q)

        # First pass: kb has just opened the index, so each term is read from disk and decoded
        # the first time a query uses it. Second pass: the same queries again, kb's term cache
        # warm (its result cache stays off), FTS5 with SQLite's page cache warm.
        kb_cold, fts_cold = timed(kb_search, qs), timed(fts_search, qs)
        kb_warm, fts_warm = timed(kb_search, qs), timed(fts_search, qs)
        print(f"{'query type':<10} {'n':>4} | {'kb cold p50/p95':>16} {'FTS5 p50/p95':>14} "
              f"{'ratio':>5} | {'kb warm p50/p95':>16} {'FTS5 p50/p95':>14} {'ratio':>5}")
        for runs in (kb_cold, fts_cold, kb_warm, fts_warm):
            runs["all"] = [v for k in list(runs) for v in runs[k]]
        for kind in kb_cold:
            row = [f"{kind:<10} {len(kb_cold[kind]):>4}"]
            for a, b in ((kb_cold[kind], fts_cold[kind]), (kb_warm[kind], fts_warm[kind])):
                row.append(f"{pct(a, 50):>7.1f}/{pct(a, 95):<8.1f} "
                           f"{pct(b, 50):>6.1f}/{pct(b, 95):<7.1f}{pct(a, 95) / pct(b, 95):>5.2f}")
            print(" | ".join(row))
        kb_index.RESULT_CACHE_SIZE = 256
        timed(kb_search, qs[:50])
        cached = timed(kb_search, qs[:50])  # repeat: served from kb's result cache
        kb_index.RESULT_CACHE_SIZE = 0
        print(f"kb repeated query (result cache): p50 {statistics.median(cached['1 word']):.3f} ms")
        ix.close()
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50_000, help="synthetic documents (0: none)")
    parser.add_argument("--queries", type=int, default=50, help="queries per type (6 types)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-real", action="store_true", help="skip the GitHub docs corpus")
    parser.add_argument("--fts-no-count", action="store_true",
                        help="FTS5 returns the top 10 without counting all matches")
    args = parser.parse_args()
    global COUNT
    COUNT = not args.fts_no_count
    kb_index.RESULT_CACHE_SIZE = 0
    started = time.perf_counter()
    real = load_real()
    print(f"loaded {len(real):,} articles in {time.perf_counter() - started:.1f} s")
    if not args.no_real:
        run("GitHub docs", real, args.queries, args.seed)
    if args.docs:
        kb_index.RESULT_CACHE_SIZE = 0
        run("synthetic", synthetic(args.docs, real, args.seed), args.queries, args.seed)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {rss:,.0f} MiB")


if __name__ == "__main__":
    main()
