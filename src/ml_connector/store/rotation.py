"""Key rotation: re-wrap every sealed secret under the keyring's primary key.

Rows are re-wrapped in small transactions, each row's update guarded by the sealed value and key
id it was read with (compare-and-swap), so a rotation can be interrupted at any point, run again,
or run while the service writes: every row is at every moment sealed under either its old key or
the new one, both are in the ring, and ``keys retire`` drops the old one only once no row needs it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select, update

from ml_connector.store.keyring import Keyring
from ml_connector.store.sealed import SEALED_COLUMNS, SealedColumn

__all__ = ["RotationReport", "key_usage", "rewrap_all"]

BATCH = 100


@dataclass
class RotationReport:
    """What a rotation did, per table."""

    primary_id: str
    rewrapped: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """Secrets re-wrapped in all."""
        return sum(self.rewrapped.values())


def rewrap_all(engine: Engine, keyring: Keyring) -> RotationReport:
    """Re-wrap every secret not yet under the primary key; safe to interrupt and repeat."""
    report = RotationReport(primary_id=keyring.primary_id)
    for sealed in SEALED_COLUMNS:
        while done := _rewrap_batch(engine, keyring, sealed):
            report.rewrapped[sealed.table.name] += done
    return report


def _rewrap_batch(engine: Engine, keyring: Keyring, sealed: SealedColumn) -> int:
    table = sealed.table
    stale = table.c.key_id != keyring.primary_id
    with engine.begin() as conn:
        rows = conn.execute(select(table).where(stale).limit(BATCH)).all()
        for row in rows:
            value = getattr(row, sealed.column)
            fresh = keyring.rewrap(value, context=sealed.context(row))
            # guarded by the value read, not only its key: a token the service refreshed in the
            # meantime (under the same old key) must not be overwritten by the stale one
            column = table.c[sealed.column]
            guard = (table.c.id == row.id) & (table.c.key_id == row.key_id) & (column == value)
            values = {sealed.column: fresh, "key_id": keyring.primary_id}
            conn.execute(update(table).where(guard).values(values))
    return len(rows)


def key_usage(engine: Engine) -> Counter[str]:
    """How many stored secrets each key id seals."""
    usage: Counter[str] = Counter()
    with engine.connect() as conn:
        for sealed in SEALED_COLUMNS:
            table = sealed.table
            query = select(table.c.key_id, func.count()).group_by(table.c.key_id)
            usage.update({kid: int(n) for kid, n in conn.execute(query)})
    return usage
