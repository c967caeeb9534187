"""Relevance of kb's search beside SQLite FTS5 BM25, on the judged sets in bench/relevance/.

    .venv/bin/python bench/relevance.py                 # both sets
    .venv/bin/python bench/relevance.py --set sample    # the bundled sample help center (seconds)
    .venv/bin/python bench/relevance.py --set github    # shared/corpus/github-docs (minutes)

For each set it imports the documents into a fresh kb instance in a temporary folder the way
``kb import`` does (every file published, rendered, indexed), and loads the same files' titles,
tags and plain text into FTS5 (bench/fts.py: porter stemming, BM25 weighting title 3, tags 2,
body 1, all words first and then any word). Every judged query then runs against both: kb
through ``GET /api/v1/search`` as an anonymous reader (published public articles, as the help
center searches), FTS5 over the documents such a reader may see. It prints MRR@10, nDCG@10 and
recall@10 (bench/relevance/metrics.py) per set and over all queries, MRR@10 per kind of query,
and the queries for which kb has no answer in its top 10, with what it showed instead.

Judgements name documents by something stable: the article's slug for the sample content, its
path under ``articles/`` for the GitHub corpus. The temporary folder is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "bench" / "relevance"))

import fts  # noqa: E402
import metrics  # noqa: E402

#: The workplace's shared/ folder: KB_SHARED_DIR, else beside the clone (as the tests find it).
#: Taken out of the environment, where kb would warn of a KB_ setting it does not know.
SHARED = Path(os.environ.pop("KB_SHARED_DIR", "") or REPO.parent / "shared")
CORPORA = {
    "sample": REPO / "articles",
    "github": SHARED / "corpus" / "github-docs",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=(*metrics.SETS, "all"), default="all")
    parser.add_argument("--github-corpus", default=str(CORPORA["github"]),
                        help="the GitHub docs corpus folder (holding articles/)")
    args = parser.parse_args()
    corpora = {**CORPORA, "github": Path(args.github_corpus)}
    names = metrics.SETS if args.set == "all" else (args.set,)
    for name in names:
        if not corpora[name].is_dir():
            parser.error(f"no {name} corpus at {corpora[name]}: "
                         "set KB_SHARED_DIR or --github-corpus")
    workdir = Path(tempfile.mkdtemp(prefix="kb-bench-relevance-"))
    everything: dict[str, list] = {"kb": [], "FTS5": []}
    try:
        for name in names:
            scored = measure(name, corpora[name], workdir / name)
            for engine, rows in scored.items():
                everything[engine] += rows
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if len(names) > 1:
        print(f"\n== all ({len(everything['kb'])} queries)")
        table(everything)
    return 0


# -- one judged set ---------------------------------------------------------------------------

def measure(name: str, corpus: Path, folder: Path) -> dict[str, list]:
    judged = metrics.load(name)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    client, failed = kb_client(folder / "instance", corpus)
    seconds = time.perf_counter() - started
    files = [f for f in documents(corpus) if f[0].resolve() not in failed]
    keys = judgement_keys(name, corpus, files)
    missing = {k for q in judged for k in q.judgements} - set(keys.values())
    if missing:
        raise SystemExit(f"{name}: judged documents not among the public ones: {sorted(missing)}")
    print(f"\n== {name}: {len(judged)} queries over {len(files)} public documents "
          f"(kb import {seconds:.1f} s)")
    db, rowids = fts_database(folder / "fts.sqlite3", files, keys)

    def kb_search(query: metrics.Judged) -> list[str]:
        response = client.get("/api/v1/search", query_string={"q": query.query, "limit": metrics.K})
        if response.status_code != 200:
            raise SystemExit(f"kb answered {response.status_code} to {query.query!r}: "
                             f"{response.get_json()}")
        return [key_of(hit["slug"], keys) for hit in response.get_json()["results"]]

    def fts_search(query: metrics.Judged) -> list[str]:
        return [rowids[row[0]] for row in fts.fts_query_rows(db, "words", query.query)[1]]

    scored = {}
    for engine, search in (("kb", kb_search), ("FTS5", fts_search)):
        started = time.perf_counter()
        scored[engine] = metrics.run(judged, search)
        print(f"  {engine}: {len(judged)} queries in {time.perf_counter() - started:.1f} s")
    table(scored)
    misses(scored["kb"])
    return scored


def documents(corpus: Path) -> list[tuple[Path, dict, str]]:
    """The files an anonymous reader can find once imported: published and public."""
    import frontmatter

    root = corpus / "articles" if (corpus / "articles").is_dir() else corpus
    out = []
    for path in sorted(root.rglob("*.md")):
        post = frontmatter.load(path)
        published = post.get("status", "published") == "published"
        if published and post.get("visibility", "public") == "public":
            out.append((path, post.metadata, post.content))
    return out


def judgement_keys(name: str, corpus: Path, files: list) -> dict[str, str]:
    """File name stem (what kb makes the slug from) -> the key the judgements use."""
    root = corpus / "articles" if (corpus / "articles").is_dir() else corpus
    if name == "sample":
        return {path.stem: str(meta.get("slug") or path.stem) for path, meta, _ in files}
    return {path.stem: path.relative_to(root).as_posix() for path, _, _ in files}


def key_of(slug: str, keys: dict[str, str]) -> str:
    """A result's judgement key; kb shortens very long file names to make slugs."""
    if slug in keys:
        return keys[slug]
    longer = [stem for stem in keys if stem.startswith(slug + "-")]
    return keys[longer[0]] if len(longer) == 1 else f"(slug {slug})"


# -- the two engines --------------------------------------------------------------------------

def kb_client(instance: Path, corpus: Path):
    """A migrated kb instance holding ``corpus`` as ``kb import`` leaves it, a test client of
    its API, and the files kb refused (left out of FTS5 too, so both search the same set).
    Searching is not rate limited here: every query comes from one client."""
    os.environ["KB_INSTANCE"] = str(instance)
    from kb import create_app
    from kb.auth.services import system_user
    from kb.cli import upgrade_schema
    from kb.transfer import import_paths

    app = create_app({"RATE_LIMIT_PER_MINUTE": 0})
    with app.app_context():
        upgrade_schema()
        report = import_paths([corpus], system_user())
    for path, reason in report.failures:
        print(f"kb import refused {path}: {reason}")
    return app.test_client(), {Path(path).resolve() for path, _ in report.failures}


def fts_database(path: Path, files: list, keys: dict[str, str]):
    """FTS5 over the same files: title, tags and the plain text kb indexes for the body."""
    from kb.content.markdown import to_plain_text
    from kb.content.render_budget import import_budget

    rows, rowids = [], {}
    # The render budget kb import gives (a busy machine must not refuse a long real article).
    with import_budget():
        for rowid, (file, meta, body) in enumerate(files, start=1):
            tags = meta.get("tags") or []
            title = str(meta.get("title", file.stem))
            rows.append((rowid, title, " ".join(map(str, tags)), to_plain_text(body)))
            rowids[rowid] = keys[file.stem]
    return fts.build(str(path), {"docs": rows}), rowids


# -- printing ---------------------------------------------------------------------------------

def table(scored: dict[str, list]) -> None:
    summaries = {engine: metrics.summarise(rows) for engine, rows in scored.items()}
    print(f"  {'':10} {'MRR@10':>8} {'nDCG@10':>8} {'recall@10':>10} {'no answer in top 10':>20}")
    for engine, s in summaries.items():
        print(f"  {engine:10} {s.mrr:8.3f} {s.ndcg:8.3f} {s.recall:10.3f} {len(s.missed):20d}")
    kinds: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for engine, rows in scored.items():
        for row in rows:
            kinds[row.judged.kind][engine].append(row)
    print("  MRR@10 by kind of query:")
    for kind, by in sorted(kinds.items()):
        figures = "  ".join(f"{engine} {metrics.summarise(rows).mrr:.3f}"
                            for engine, rows in by.items())
        print(f"    {kind:12} {len(by['kb']):3d}  {figures}")


def misses(rows: list) -> None:
    missed = [row for row in rows if row.missed]
    if missed:
        print(f"  kb has no answer in its top 10 for {len(missed)}:")
    for row in missed:
        shown = ", ".join(row.ranked[:3]) or "nothing"
        print(f"    [{row.judged.kind}] {row.judged.query!r} -> {shown}")


if __name__ == "__main__":
    sys.exit(main())
