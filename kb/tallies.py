"""Counters kept per day and per month as things happen: article views, readers' votes and
macro uses. Each change adds to its day's row and its month's row in one statement each (an
upsert that adds), so concurrent writers never lose a count and the insights reports read
sums that are already made.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

#: The key of a counter row besides its day or month.
KEY = "document_id"


def month_of(day: date) -> date:
    return day.replace(day=1)


def add(connection: Connection, daily: Table, monthly: Table, rows: list[dict]) -> None:
    """Add each row's counters (``{"day", "document_id", counter: amount…}``, amounts may be
    negative) to its day's and its month's row, in the connection's transaction."""
    days: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    months: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for name, amount in row.items():
            if name not in ("day", KEY):
                days[(row["day"], row[KEY])][name] += amount
                months[(month_of(row["day"]), row[KEY])][name] += amount
    counters = sorted({name for sums in days.values() for name in sums})
    if not counters:
        return
    dialect = connection.dialect.name
    for table, period, sums in ((daily, "day", days), (monthly, "month", months)):
        values = [{period: key[0], KEY: key[1], **{n: sums[key].get(n, 0) for n in counters}}
                  for key in sums if any(sums[key].values())]
        if values:
            connection.execute(_adding(table, period, counters, dialect), values)


def _adding(table: Table, period: str, counters: list[str], dialect: str):
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return insert.on_conflict_do_update(
        index_elements=[table.c[period], table.c[KEY]],
        set_={name: table.c[name] + insert.excluded[name] for name in counters})
