"""Measure the insights report pages over a year of data.

    python bench/insights.py                                   # SQLite in a temporary folder
    python bench/insights.py --database-url postgresql+psycopg://postgres@127.0.0.1/kb_bench
    python bench/insights.py --searches 100000 --votes 20000   # a quicker look
    python bench/insights.py --keep /tmp/kb-insights --searches 200000 --votes 40000
                                   # fill once into that folder; later runs reuse the filled data

It fills an empty database with ``--searches`` search events (bursts already folded, a Zipf
mix of queries, a fifth finding nothing, some clicked) spread over the last 365 days,
``--votes`` helpful/not helpful votes, daily article views and macro uses, then rolls up every
finished day as the scheduled job does (today's rows stay raw, as they would be).

It then requests each report page (signed in as an editor, through the app's test client: the
whole page, charts and all) ``--runs`` times for the default range (the last 30 days) and for
the whole year, and prints p50/p95 beside the plain SQL aggregate over the raw rows that the
same report would need without the roll-ups (measured the same number of times).

Target: every report page p95 < 300 ms, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TARGET_P95_MS = 300.0

for _key in [k for k in os.environ if k.startswith("KB_")]:
    del os.environ[_key]  # a developer's own instance must not leak in


def build_app(folder: Path, url: str | None):
    from kb import create_app

    url = url or f"sqlite:///{folder / 'kb.sqlite3'}"
    return create_app({"TESTING": True, "INSTANCE": str(folder), "DATABASE_URL": url,
                       "SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": str(folder / "index"),
                       "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})


def fill(args, rng: random.Random) -> dict:
    """Write the year of data with Core bulk inserts; answers what was written."""
    from sqlalchemy import insert, update

    from kb.extensions import db
    from kb.models import (ArticleViewDaily, Document, Feedback, MacroUse, Revision, SearchClick,
                           SearchLog)
    from kb.models.types import utcnow

    now = utcnow()
    connection = db.session.connection()
    docs, revs = [], []
    for n in range(1, args.articles + args.macros + 1):
        kind = "article" if n <= args.articles else "macro"
        docs.append({"id": n, "kind": kind, "slug": f"{kind}-{n}", "created_at": now,
                     "updated_at": now, "use_count": 0})
        stale = now.date() - timedelta(days=rng.randint(-200, 200))
        revs.append({"id": n, "document_id": n, "number": 1, "title": f"{kind.title()} {n}",
                     "body": "Body.", "html": "<p>Body.</p>", "text": "Body.", "state": "published",
                     "visibility": "public", "created_at": now, "origin": "app", "slug": f"{kind}-{n}",
                     "review_by": stale if kind == "article" else None, "tags": "[]", "meta": "{}",
                     "outline": "[]", "message": ""})
    connection.execute(insert(Document), docs)
    connection.execute(insert(Revision), revs)
    connection.execute(update(Document).values(latest_revision_id=Document.id,
                                               published_revision_id=Document.id))
    vocabulary = [f"query {n}" for n in range(args.queries)]
    weights = [1 / (n + 1) for n in range(args.queries)]
    zero = set(rng.sample(range(args.queries), args.queries // 5))
    year = 365 * 24 * 3600
    batch, clicks = [], []
    for n in range(args.searches):
        index = rng.choices(range(args.queries), weights)[0] if n % 1000 == 0 else None
        index = index if index is not None else _zipf(rng, args.queries)
        at = now - timedelta(seconds=rng.random() * year)
        found = 0 if index in zero else rng.randint(1, 40)
        burst = f"b{n:x}"
        shown = [rng.randint(1, args.articles) for _ in range(min(found, 5))]
        batch.append({"query": vocabulary[index], "scope": "public" if n % 4 else "staff",
                      "surface": "page", "result_count": found, "took_ms": 5.0, "created_at": at,
                      "burst": burst, "role": None, "shown": json.dumps(shown)})
        if shown and rng.random() < 0.3:
            clicks.append({"burst": burst, "document_id": shown[0], "rank": 1 + rng.randrange(len(shown)),
                           "created_at": at + timedelta(seconds=5)})
        if len(batch) >= 20_000:
            connection.execute(insert(SearchLog), batch)
            connection.execute(insert(SearchClick), clicks) if clicks else None
            batch, clicks = [], []
    if batch:
        connection.execute(insert(SearchLog), batch)
    if clicks:
        connection.execute(insert(SearchClick), clicks)
    votes = [{"document_id": 1 + n % args.articles, "voter": f"v{n:x}", "helpful": rng.random() < .7,
              "comment": "Needs more detail." if n % 50 == 0 else "",
              "created_at": now - timedelta(seconds=rng.random() * year)} for n in range(args.votes)]
    for start in range(0, len(votes), 20_000):
        connection.execute(insert(Feedback), votes[start:start + 20_000])
    views = [{"day": now.date() - timedelta(days=d), "document_id": a, "views": rng.randint(0, 40)}
             for d in range(365) for a in range(1, args.articles + 1)]
    for start in range(0, len(views), 20_000):
        connection.execute(insert(ArticleViewDaily), views[start:start + 20_000])
    uses = [{"document_id": args.articles + 1 + rng.randrange(args.macros),
             "created_at": now - timedelta(seconds=rng.random() * year)} for _ in range(args.uses)]
    for start in range(0, len(uses), 20_000):
        connection.execute(insert(MacroUse), uses[start:start + 20_000])
    db.session.commit()
    from kb.insights import tiers

    tiers.recount()  # the counters per day and month the app keeps as votes and uses happen
    return {"searches": args.searches, "votes": args.votes, "views rows": len(views),
            "macro uses": args.uses}


def _zipf(rng: random.Random, size: int) -> int:
    """An index from 0 to size-1, the low ones far more often (a Zipf-like mix of queries)."""
    return min(int(size ** rng.random()) - 1, size - 1)


def roll_up(resume: bool = False) -> int:
    """Roll up every finished day, as the job does (``resume``: only the days after the last
    one rolled, for a kept database)."""
    from kb.insights import rollup
    from kb.insights.ranges import today

    last = rollup.rolled_through() if resume else None
    day = last + timedelta(days=1) if last else rollup._earliest_raw_day()
    return rollup.roll_days(day, today() - timedelta(days=1)) if day is not None else 0


def raw_aggregates(days: int):
    """The plain SQL each report needs over the raw rows, for a range of ``days``."""
    from sqlalchemy import case, func, select

    from kb.extensions import db
    from kb.models import Feedback, MacroUse, SearchLog
    from kb.models.types import utcnow

    since = utcnow() - timedelta(days=days)

    def searches():
        db.session.execute(select(SearchLog.query, func.count(),
                                  func.sum(case((SearchLog.result_count == 0, 1), else_=0)))
                           .where(SearchLog.created_at >= since).group_by(SearchLog.query)
                           .order_by(func.count().desc()).limit(20)).all()

    def articles():
        db.session.execute(select(Feedback.document_id, func.count())
                           .where(Feedback.created_at >= since).group_by(Feedback.document_id)).all()

    def macros():
        db.session.execute(select(MacroUse.document_id, func.count())
                           .where(MacroUse.created_at >= since).group_by(MacroUse.document_id)).all()

    return {"searches": searches, "articles": articles, "macros": macros, "health": None}


def timed(call, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(round(.95 * len(times))) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an EMPTY database (default: SQLite in a temp folder)")
    parser.add_argument("--searches", type=int, default=1_000_000)
    parser.add_argument("--votes", type=int, default=200_000)
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--macros", type=int, default=100)
    parser.add_argument("--uses", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20_000, help="distinct queries")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", metavar="DIR", help="fill into DIR (and the database) once; "
                        "a later run with the same DIR measures the data already there")
    args = parser.parse_args()
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        measure(args, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="kb-bench-insights-") as folder:
            measure(args, Path(folder))


def measure(args, folder: Path) -> None:
    rng = random.Random(20261206)
    marker = folder / "filled.json"
    app = build_app(folder, args.database_url)
    with app.app_context():
        from kb.auth import services as auth_services
        from kb.extensions import db
        from kb.instance import upgrade_schema
        from kb.insights.ranges import today

        upgrade_schema()
        if marker.exists():
            print(f"reusing {marker.read_text()} from {folder}")
            started = time.perf_counter()
            print(f"rolled up {roll_up(resume=True)} days in {time.perf_counter() - started:.0f} s")
        else:
            started = time.perf_counter()
            written = fill(args, rng)
            print(f"filled {written} in {time.perf_counter() - started:.0f} s")
            started = time.perf_counter()
            print(f"rolled up {roll_up()} days in {time.perf_counter() - started:.0f} s")
            auth_services.create_user("editor@example.com", "editor", "password123", "Ed")
            from sqlalchemy import text

            started = time.perf_counter()
            db.session.execute(text("ANALYZE"))  # planner statistics, as autovacuum would have
            db.session.commit()
            print(f"analyzed in {time.perf_counter() - started:.0f} s")
            if args.keep:
                marker.write_text(json.dumps(written))
        client = app.test_client()
        client.post("/login", data={"email": "editor@example.com", "password": "password123"})
        year = f"from={(today() - timedelta(days=364)).isoformat()}&to={today().isoformat()}"
        print(f"\n{'report':<10} {'range':<8} {'page p50':>9} {'page p95':>9} "
              f"{'raw SQL p50':>12} {'raw SQL p95':>12}  target p95 < {TARGET_P95_MS:.0f} ms")
        worst = 0.0
        for label, query, days in (("30 days", "", 30), ("year", year, 365)):
            raw = raw_aggregates(days)
            for report in ("searches", "articles", "macros", "health"):
                if report == "health" and query:
                    continue

                def page(report=report, query=query):
                    answer = client.get(f"/admin/insights/{report}?{query}")
                    assert answer.status_code == 200, answer.status_code

                page()  # warm-up: templates compiled, caches filled
                p50, p95 = timed(page, args.runs)
                worst = max(worst, p95)
                if raw[report] is not None:
                    r50, r95 = timed(raw[report], args.runs)
                    raw_text = f"{r50:>10.1f} ms {r95:>9.1f} ms"
                else:
                    raw_text = f"{'-':>12} {'-':>12}"
                print(f"{report:<10} {label:<8} {p50:>6.1f} ms {p95:>6.1f} ms {raw_text}")
        print(f"\nworst page p95: {worst:.1f} ms ({'met' if worst < TARGET_P95_MS else 'MISSED'})")


if __name__ == "__main__":
    main()
