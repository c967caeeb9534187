"""Search as kb serves it, beside SQLite FTS5 on the same documents and queries, in one run.

    python bench/search.py                          # 10,000 articles + 2,000 macros
    python bench/search.py --articles 50000 --macros 10000
    python bench/search.py --real                   # the GitHub docs corpus instead
    python bench/search.py --locale fr              # the same, every document and query in fr

It builds a real kb instance (SQLite database through the migrations, documents and published
revisions written in bulk, then ``kb reindex``'s rebuild), and an FTS5 database of the same
texts. Then, for both:

1. index build docs/s;
2. in-process query p50/p95 per query type (1-3 words, phrase, as-you-type prefix, typo, and the
   agent's as-you-type macro queries), kb through its search service (scope, index, database
   re-check, then the promoted-answer look-up the API and pages make) and FTS5 through the same strategy (all words, then OR; ``word*``; snippets);
3. over HTTP: ``kb serve --workers 2`` and a gunicorn FTS5 endpoint (bench/fts_server.py) with
   the same workers, one keep-alive client, p50/p95 per query type;
4. under load: wrk, 16 connections, 10 s, cycling through the query mix, on both servers.

Everything runs on 127.0.0.1 and stops by itself; the temp folder is removed at the end.

``--locale fr`` runs the same corpus as documents in locale ``fr`` (``KB_LOCALES=en,fr``), each
indexed with the French analysis (:mod:`kb.search.languages`), and every kb query with
``locale=fr`` (read as French, filtered to that locale): the cost of search per locale against
the default run and FTS5 at the same size. The texts stay the generated ones, so the figures
compare the work, not relevance.
"""

from __future__ import annotations

import argparse
import gc
import html
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import fts  # noqa: E402
from search_engine import load_real, pct, queries, synthetic  # noqa: E402

WORKERS = 2


def corpus(args) -> list:
    real = load_real()
    if args.real:
        docs = real
    else:
        docs = synthetic(args.articles + args.macros, real, args.seed)
    out = []
    for n, doc in enumerate(docs):
        kind = "macro" if n >= len(docs) - args.macros and not args.real else "article"
        title = doc.title if kind == "article" else "::".join(doc.title.split()[:3]).title() + " " + doc.title
        out.append(doc.__class__(**{**doc.__dict__, "id": n + 1, "kind": kind, "title": title[:300],
                                    "slug": f"doc-{n + 1}", "owner_id": None,
                                    "visibility": "public" if kind == "article" else "internal"}))
    return out


def macro_queries(docs: list, per_type: int, seed: int) -> list[tuple[str, str]]:
    """What an agent types in the macro library: the first letters of a macro's title words."""
    rng = random.Random(seed + 7)
    macros = [d for d in docs if d.kind == "macro"]
    out = []
    for _ in range(per_type if macros else 0):
        words = re.findall(r"[a-z]{3,}", rng.choice(macros).title.lower().replace("::", " "))
        k = rng.randint(1, min(2, len(words)))
        chosen = words[:k]
        chosen[-1] = chosen[-1][:rng.randint(2, max(2, len(chosen[-1])))]
        out.append(("macro as-you-type", " ".join(chosen)))
    return out


# -- the kb instance --------------------------------------------------------------------------

def build_instance(folder: Path, docs: list, locale: str | None = None) -> tuple[object, str, float]:
    """A migrated SQLite instance holding ``docs`` as published documents (in ``locale``, or
    the default one); returns the app, an agent's API token and the index build rate."""
    os.environ["KB_INSTANCE"] = str(folder)
    from kb import create_app
    from kb.auth.services import create_token, create_user
    from kb.cli import upgrade_schema
    from kb.extensions import db
    from kb.models import Category, Document, IndexEvent, Revision, Section
    from kb.search import indexer

    app = create_app({"INDEX_IN_PROCESS": False, **({"LOCALES": f"en,{locale}"} if locale else {})})
    with app.app_context():
        upgrade_schema()
        agent = create_user("agent@bench.invalid", "agent", "benchmark-password", "Agent")
        token = create_token(agent, "bench")
        sections = {}
        for doc in docs:
            if doc.section and doc.section not in sections:
                cat_slug, sec_slug = doc.section.split("/")
                category = db.session.execute(db.select(Category).filter_by(slug=cat_slug)).scalar()
                if category is None:
                    category = Category(slug=cat_slug, title=cat_slug)
                    db.session.add(category)
                    db.session.flush()
                section = Section(category_id=category.id, slug=sec_slug, title=sec_slug)
                db.session.add(section)
                db.session.flush()
                sections[doc.section] = section.id
        db.session.commit()
        started = time.perf_counter()
        for chunk in range(0, len(docs), 5000):
            part = docs[chunk:chunk + 5000]
            db.session.execute(db.insert(Document), [
                {"id": d.id, "kind": d.kind, "slug": d.slug, "created_by_id": agent.id,
                 "locale": locale or "en"} for d in part])
            db.session.execute(db.insert(Revision), [{
                "id": d.id, "document_id": d.id, "number": 1, "title": d.title, "body": d.text,
                "html": f"<p>{html.escape(d.text)}</p>", "text": d.text, "outline": [], "tags": list(d.tags),
                "section_id": sections.get(d.section), "visibility": d.visibility, "meta": {},
                "author_id": agent.id, "state": "published", "message": "bench"} for d in part])
            db.session.execute(db.update(Document).where(Document.id.in_([d.id for d in part]))
                               .values(latest_revision_id=Document.id, published_revision_id=Document.id))
            db.session.execute(db.insert(IndexEvent), [{"document_id": d.id} for d in part])
            db.session.commit()
        print(f"database: {len(docs):,} published documents written in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        indexer.rebuild()
        rate = len(docs) / (time.perf_counter() - started)
    return app, token, rate


# -- measuring --------------------------------------------------------------------------------

def in_process_kb(app, mix, locale: str | None = None) -> dict[str, list[float]]:
    from kb.extensions import db
    from kb.models import User
    from kb.search import promoted

    out: dict[str, list[float]] = {}
    with app.app_context():
        agent = db.session.execute(db.select(User).filter_by(email="agent@bench.invalid")).scalar_one()
        for kind, q in mix:
            macro = kind.startswith("macro")
            actor = agent if macro else None
            started = time.perf_counter()
            # What the API and the pages call: the search service, then the promoted answer.
            promoted.search(actor, q, kind="macro" if macro else None, locale=locale,
                            as_you_type=kind in ("prefix", "macro as-you-type"))
            out.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            db.session.rollback()
    return out


def in_process_fts(db, mix) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for kind, q in mix:
        macro = kind.startswith("macro")
        started = time.perf_counter()
        fts.fts_query_rows(db, "prefix" if kind in ("prefix", "macro as-you-type") else kind, q,
                           "macros" if macro else "docs")
        out.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return out


#: Set by ``--locale``: every kb search asks for it.
LOCALE: str | None = None


def request_path(kind: str, q: str) -> str:
    params = {"q": q}
    if LOCALE:
        params["locale"] = LOCALE
    if kind in ("prefix", "macro as-you-type"):
        params["prefix"] = "true"
    if kind.startswith("macro"):
        params["type"] = "macro"
    return "/api/v1/search?" + urllib.parse.urlencode(params)


def over_http(port: int, mix, token: str) -> tuple[dict[str, list[float]], int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    out: dict[str, list[float]] = {}
    errors = 0
    for kind, q in mix:
        headers = {"Authorization": f"Bearer {token}"} if kind.startswith("macro") else {}
        started = time.perf_counter()
        connection.request("GET", request_path(kind, q), headers=headers)
        response = connection.getresponse()
        response.read()
        errors += response.status != 200
        out.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    connection.close()
    return out, errors


def under_load(port: int, mix, folder: Path, name: str) -> str:
    if not shutil.which("wrk"):
        return "wrk not installed (apt-get install wrk): load test skipped"
    paths = [request_path(kind, q) for kind, q in mix if not kind.startswith("macro")]
    script = folder / f"{name}.lua"
    script.write_text("paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
                      "i = 0\nrequest = function()\n  i = i % #paths + 1\n"
                      "  return wrk.format('GET', paths[i])\nend\n")
    run = subprocess.run(["wrk", "-t2", "-c16", "-d10s", "--latency", "-s", str(script),
                          f"http://127.0.0.1:{port}"], capture_output=True, text=True, timeout=60)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", run.stdout)
    p99 = re.search(r"99%\s+([\d.]+\w+)", run.stdout)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", run.stdout)
    socket_errors = re.search(r"Socket errors: (.*)", run.stdout)
    return (f"{float(rate.group(1)) if rate else 0:8.0f} req/s   p99 {p99.group(1) if p99 else '?':>8}   "
            f"non-2xx {bad.group(1) if bad else 0}   socket errors: {socket_errors.group(1) if socket_errors else 'none'}")


# -- servers ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], env: dict, port: int) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                time.sleep(1.0)  # let every worker finish opening the index
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"server on {port} did not start: {' '.join(command)}")


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


# -- report -----------------------------------------------------------------------------------

def table(title: str, kb_times: dict, fts_times: dict) -> None:
    print(f"\n{title}")
    print(f"  {'query type':<20}{'kb p50':>9}{'kb p95':>9}{'FTS5 p50':>10}{'FTS5 p95':>10}{'p95 ratio':>11}")
    everything_kb, everything_fts = [], []
    for kind in kb_times:
        k, f = kb_times[kind], fts_times.get(kind, [0.0])
        everything_kb += k
        everything_fts += f
        print(f"  {kind:<20}{pct(k, 50):9.1f}{pct(k, 95):9.1f}{pct(f, 50):10.1f}{pct(f, 95):10.1f}"
              f"{pct(k, 95) / max(pct(f, 95), 0.01):10.1f}x")
    print(f"  {'all':<20}{pct(everything_kb, 50):9.1f}{pct(everything_kb, 95):9.1f}"
          f"{pct(everything_fts, 50):10.1f}{pct(everything_fts, 95):10.1f}"
          f"{pct(everything_kb, 95) / max(pct(everything_fts, 95), 0.01):10.1f}x   (ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--macros", type=int, default=2_000)
    parser.add_argument("--real", action="store_true", help="the GitHub docs corpus instead of generated documents")
    parser.add_argument("--queries", type=int, default=40, help="queries per type")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--locale", help="index every document in this locale (KB_LOCALES=en,<it>) "
                                         "and search with locale=<it>, e.g. fr")
    args = parser.parse_args()
    global LOCALE
    LOCALE = args.locale

    folder = Path(tempfile.mkdtemp(prefix="kb-bench-search-"))
    servers: list[subprocess.Popen] = []
    try:
        docs = corpus(args)
        articles = [d for d in docs if d.kind == "article"]
        print(f"# kb search benchmark: {len(articles):,} articles, {len(docs) - len(articles):,} macros"
              + (f", every document and query in locale {args.locale}" if args.locale else ""))
        mix = queries(articles, args.seed, args.queries) + macro_queries(docs, args.queries, args.seed)
        random.Random(args.seed).shuffle(mix)
        # Different queries to warm up with and to load with, so kb's result cache (keyed by
        # query) cannot answer the measured ones: every figure is a computed search.
        warm_mix = queries(articles, args.seed + 100, 5) + macro_queries(docs, 5, args.seed + 100)
        load_mix = queries(articles, args.seed + 200, 1000)

        app, token, kb_rate = build_instance(folder / "instance", docs, args.locale)
        started = time.perf_counter()
        fts_db = fts.build(str(folder / "fts.sqlite3"), {
            "docs": ((d.id, d.title, " ".join(d.tags), d.text) for d in articles),
            "macros": ((d.id, d.title, " ".join(d.tags), d.text) for d in docs if d.kind == "macro"),
        })
        fts_rate = len(docs) / (time.perf_counter() - started)
        print(f"\nindex build: kb {kb_rate:,.0f} docs/s   FTS5 {fts_rate:,.0f} docs/s")

        # The corpus is millions of Python objects a server never holds: without this the cyclic
        # GC walks them during the timed queries and charges kb (which allocates) for it.
        gc.collect()
        gc.freeze()
        in_process_kb(app, warm_mix, args.locale)  # warm-up: term caches, page cache
        in_process_fts(fts_db, warm_mix)
        table("in-process query times, ms (kb: search service with scope and database re-check)",
              in_process_kb(app, mix, args.locale), in_process_fts(fts_db, mix))
        if args.no_http:
            return

        env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
        # The anonymous searches come from one client far faster than a person types: without
        # this, most would be refused (429) by the per-client limit and timed as such.
        env.update({"KB_INSTANCE": str(folder / "instance"), "PYTHONPATH": str(REPO),
                    "KB_RATE_LIMIT_PER_MINUTE": "0"})
        if args.locale:
            env["KB_LOCALES"] = f"en,{args.locale}"
        kb_port, fts_port = free_port(), free_port()
        servers.append(start([sys.executable, "-c", "from kb.cli import main; main()", "serve",
                              "--port", str(kb_port), "--workers", str(WORKERS)], env, kb_port))
        servers.append(start([sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", "gthread",
                              "--threads", "4", "-b", f"127.0.0.1:{fts_port}", "--chdir", str(REPO / "bench"),
                              "fts_server:app"], {**env, "FTS_DB": str(folder / "fts.sqlite3")}, fts_port))
        for _ in range(WORKERS):  # warm every worker
            over_http(kb_port, warm_mix, token)
            over_http(fts_port, warm_mix, token)
        kb_http, kb_errors = over_http(kb_port, mix, token)
        fts_http, fts_errors = over_http(fts_port, mix, token)
        table(f"over HTTP, one keep-alive client, {WORKERS} workers, ms (errors: kb {kb_errors}, FTS5 {fts_errors})",
              kb_http, fts_http)
        print(f"\nunder load (wrk, 16 connections, 10 s, {WORKERS} workers, anonymous article searches):")
        print(f"  kb   {under_load(kb_port, load_mix, folder, 'kb')}")
        print(f"  FTS5 {under_load(fts_port, load_mix, folder, 'fts')}")
    finally:
        for server in servers:
            stop(server)
        import resource

        print(f"\npeak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
