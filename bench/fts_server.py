"""The reference for bench/search.py: the same search endpoint shape, answered by SQLite FTS5.

Served by gunicorn with the same worker settings as kb, so the HTTP figures compare the
engines and not the servers. ``FTS_DB`` names the database bench/search.py built.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from pathlib import Path

from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fts import fts_query_rows  # noqa: E402

app = Flask(__name__)
_local = threading.local()


def connection() -> sqlite3.Connection:
    if not hasattr(_local, "db"):
        _local.db = sqlite3.connect(os.environ["FTS_DB"], check_same_thread=False)
    return _local.db


@app.get("/api/v1/search")
def search():
    q = request.args.get("q", "")
    kind = "prefix" if request.args.get("prefix") == "true" else ("phrase" if q.startswith('"') else "words")
    table = "macros" if request.args.get("type") == "macro" else "docs"
    total, rows = fts_query_rows(connection(), kind, q, table)
    return jsonify({"query": q, "total": total, "suggestion": None,
                    "results": [{"id": r[0], "title": r[1], "snippet": r[2]} for r in rows]})
