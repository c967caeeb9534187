"""How well ``POST /api/v1/suggest`` finds the right reply for the judged tickets.

    python bench/suggest.py                # top-1/3/5 and MRR, then the misses
    python bench/suggest.py --all          # every ticket, with what came back
    python bench/suggest.py --tickets FILE # another judged set in the same format

It imports the bundled sample content (``articles/`` and ``macros/``) into a temporary
instance, posts every ticket of ``tests/data/suggest_tickets.jsonl`` to the suggest API as an
agent (Flask's test client), and scores the macros that come back against the ticket's
judgements: a hit is any macro graded 3 (the right reply). MRR is over the first such macro in
the top 20. ``tests/search/test_suggest_floor.py`` holds a floor on this file and on the
held-out sets ``tests/data/suggest_tickets_heldout*.jsonl``, written before the changes they
measure (the first set was written together with suggest's phrase list and flatters).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
TICKETS = REPO / "tests" / "data" / "suggest_tickets.jsonl"
DEPTH = 20

for _key in [k for k in os.environ if k.startswith("KB_")]:
    del os.environ[_key]  # a developer's own instance must not leak in


def load_tickets(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def build_instance(folder: Path):
    """An app with the sample content published and indexed, and an agent's API token."""
    from kb import create_app
    from kb.auth import services as auth_services
    from kb.extensions import db
    from kb.transfer import import_paths

    url = f"sqlite:///{folder / 'kb.sqlite3'}"
    app = create_app({"TESTING": True, "INSTANCE": str(folder), "DATABASE_URL": url,
                      "SQLALCHEMY_DATABASE_URI": url, "INDEX_DIR": str(folder / "index"),
                      "SERVER_NAME": "kb.test", "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        report = import_paths([REPO / "articles", REPO / "macros"], auth_services.system_user(),
                              workers=0)
        agent = auth_services.create_user("agent@example.com", "agent", "password123", "Agent")
        token = auth_services.create_token(agent, "bench")
    return app, token, report.summary()


def rank_of_best(ticket: dict, slugs: list[str]) -> int | None:
    """1-based rank of the first macro graded 3, or None."""
    best = {slug for slug, grade in ticket["macros"].items() if grade == 3}
    for rank, slug in enumerate(slugs, 1):
        if slug in best:
            return rank
    return None


def run(app, token: str, tickets: list[dict]) -> list[tuple[dict, list[dict], list[str]]]:
    client = app.test_client()
    out = []
    for ticket in tickets:
        response = client.post("/api/v1/suggest", json={"text": ticket["text"], "limit": DEPTH},
                               headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        out.append((ticket, body["results"], body.get("terms", [])))
    return out


def report(outcomes, show_all: bool) -> None:
    ranks = []
    for ticket, results, terms in outcomes:
        macros = [r["slug"] for r in results if r["type"] == "macro"]
        rank = rank_of_best(ticket, macros)
        ranks.append(rank)
        if show_all or rank is None or rank > 3:
            wanted = ", ".join(s for s, g in ticket["macros"].items() if g == 3)
            print(f"[{'miss' if rank is None else f'#{rank}'}] ({ticket['style']}) "
                  f"{' '.join(ticket['text'].split())[:110]}")
            print(f"    wanted: {wanted}")
            print(f"    terms:  {' '.join(terms)}")
            print(f"    got:    {', '.join(macros[:5]) or '(no macros)'}")
    n = len(ranks)

    def within(k: int) -> float:
        return sum(1 for r in ranks if r is not None and r <= k) / n

    mrr = sum(1 / r for r in ranks if r is not None) / n
    print()
    print(f"tickets {n}   top-1 {within(1):.1%}   top-3 {within(3):.1%}   "
          f"top-5 {within(5):.1%}   MRR {mrr:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=Path, default=TICKETS)
    parser.add_argument("--all", action="store_true", help="list every ticket, not only misses")
    args = parser.parse_args()
    tickets = load_tickets(args.tickets)
    folder = Path(tempfile.mkdtemp(prefix="kb-bench-suggest-"))
    try:
        app, token, summary = build_instance(folder)
        print(f"samples: {summary}")
        started = time.perf_counter()
        outcomes = run(app, token, tickets)
        took = time.perf_counter() - started
        report(outcomes, args.all)
        print(f"{took / len(tickets) * 1000:.1f} ms a ticket")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
