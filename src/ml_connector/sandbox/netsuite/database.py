"""The simulated account's data: one in-memory SQLite database behind a lock.

SuiteQL runs real SQL over it and the record service and control API read and write the same
rows, so what a client writes is what its next query sees. The lock makes it safe to drive from
the server's event loop and from a test thread at once.
"""

# ruff: noqa: S608 - SQL is built only from the fixed schema's names; values are bound.

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ml_connector.sandbox.netsuite.schema import DDL, TABLE_COLUMNS

__all__ = ["Database", "Row", "iso_utc"]

Row = dict[str, Any]
SQLValue = str | int | float | None

_SEQUENCES = {
    "entity": ("customer", "vendor", "contact", "employee"),
    "entityaddress": ("entityaddress",),
    "addressbook": ("customeraddressbook", "vendoraddressbook", "contactaddressbook"),
}


def iso_utc(timestamp: float) -> str:
    """Epoch seconds as the stored datetime text, ``2026-05-10T12:34:56Z``."""
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _key(table: str) -> str:
    return TABLE_COLUMNS[table][0]


class Database:
    """Rows of the NetSuite tables, with id sequences shared the way NetSuite shares them."""

    def __init__(self) -> None:
        self._conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self.lock = threading.RLock()
        for statement in DDL:
            self._conn.execute(statement)
        self._next: dict[str, int] = {}

    def register(self, name: str, arity: int, function: Callable[..., SQLValue]) -> None:
        """Make a Python function callable from SQL (the SuiteQL shims)."""
        self._conn.create_function(name, arity, function, deterministic=True)

    def next_id(self, table: str) -> int:
        """The next internal id for ``table`` (entities share one sequence)."""
        sequence = next((s for s, ts in _SEQUENCES.items() if table in ts), table)
        with self.lock:
            if sequence not in self._next:
                self._next[sequence] = self._max_id(_SEQUENCES.get(sequence, (table,))) + 1
            value = self._next[sequence]
            self._next[sequence] = value + 1
        return value

    def _max_id(self, tables: Iterable[str]) -> int:
        found = [self._scalar(f"SELECT MAX({_key(t)}) FROM {t}") for t in tables]
        return max([int(v) for v in found if v is not None], default=0)

    def _scalar(self, sql: str, params: Sequence[object] = ()) -> Any:
        row = self._conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, table: str, rows: Iterable[Mapping[str, object]]) -> None:
        """Insert rows (missing columns are NULL) in one transaction."""
        columns = TABLE_COLUMNS[table]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        values = (tuple(row.get(c) for c in columns) for row in rows)
        with self.lock:
            self._conn.execute("BEGIN")
            self._conn.executemany(sql, values)
            self._conn.execute("COMMIT")

    def get(self, table: str, key: int) -> Row | None:
        """One row by primary key."""
        rows = self.select(f"SELECT * FROM {table} WHERE {_key(table)} = ?", [key])
        return rows[0] if rows else None

    def update(self, table: str, key: int, values: Mapping[str, object]) -> None:
        """Set ``values`` on one row (column names must be the table's)."""
        if not values:
            return
        assignments = ", ".join(f"{c} = ?" for c in values)
        sql = f"UPDATE {table} SET {assignments} WHERE {_key(table)} = ?"
        with self.lock:
            self._conn.execute(sql, [*values.values(), key])

    def select(self, sql: str, params: Sequence[object] = ()) -> list[Row]:
        """Rows of any query as dicts keyed by the result column names."""
        with self.lock:
            cursor = self._conn.execute(sql, params)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def execute(
        self, sql: str, params: Sequence[object] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Column names and raw rows of a query (raises ``sqlite3.Error`` as SQLite does)."""
        with self.lock:
            cursor = self._conn.execute(sql, params)
            return [d[0] for d in cursor.description], cursor.fetchall()

    def run(self, sql: str, params: Sequence[object] = ()) -> None:
        """Execute a statement that returns no rows."""
        with self.lock:
            self._conn.execute(sql, params)

    def count(self, table: str) -> int:
        """Rows in ``table``."""
        with self.lock:
            return int(self._scalar(f"SELECT COUNT(*) FROM {table}"))

    def snapshot(self) -> dict[str, list[Row]]:
        """Every table's rows, for the control API's full-state read."""
        return {t: self.select(f"SELECT * FROM {t} ORDER BY 1") for t in TABLE_COLUMNS}
