"""The store's tables (SQLAlchemy Core): every piece of work is a row before anything acts on it.

The migrations in ``store/migrations`` create exactly these tables; a test compares the two so
they cannot drift. Columns that hold secrets are named ``sealed*`` and only ever hold values
sealed by :class:`~ml_connector.store.keyring.Keyring`, together with the id of the key that sealed
them (``key_id``), so a key rotation can find what it still has to re-wrap with an index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import DateTime, TypeDecorator

__all__ = [
    "audit",
    "channels",
    "connections",
    "credentials",
    "cursors",
    "inbox",
    "links",
    "locks",
    "metadata",
    "runs",
    "tokens",
]

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# BigInteger ids that are still INTEGER PRIMARY KEY (rowid aliases) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        stamp: datetime = value
        return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _connection_fk(*, primary_key: bool = False) -> Column[int]:
    return Column(
        "connection_id",
        Id,
        ForeignKey("connections.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


connections = Table(
    "connections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("status", String(20), nullable=False, server_default="active"),
    Column("config", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

credentials = Table(
    "credentials",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _connection_fk(),
    Column("system", String(20), nullable=False),
    Column("sealed", Text, nullable=False),
    Column("key_id", String(32), nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("connection_id", "system"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _connection_fk(),
    Column("system", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("sealed", Text, nullable=False),
    Column("key_id", String(32), nullable=False, index=True),
    Column("expires_at", UTCDateTime),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("connection_id", "system", "kind"),
)

inbox = Table(
    "inbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _connection_fk(),
    Column("source", String(30), nullable=False),
    Column("idempotency_key", String(200), nullable=False),
    Column("record_type", String(30), nullable=False),
    Column("record_id", String(64), nullable=False),
    Column("payload", JSON),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("lease_until", UTCDateTime),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("received_at", UTCDateTime, nullable=False),
    Column("done_at", UTCDateTime),
    Column("last_error", Text),
    UniqueConstraint("connection_id", "idempotency_key"),
    Index(None, "status", "connection_id", "id"),
    Index(None, "status", "lease_until"),
)

links = Table(
    "links",
    metadata,
    _connection_fk(primary_key=True),
    Column("ns_type", String(30), primary_key=True),
    Column("ns_id", String(64), primary_key=True),
    Column("zoho_module", String(60), nullable=False),
    Column("zoho_id", String(64), nullable=False),
    Column("payload_hash", String(64)),
    Column("written_at", UTCDateTime),
    Index(None, "connection_id", "zoho_module", "zoho_id"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _connection_fk(),
    Column("kind", String(30), nullable=False),
    Column("status", String(20), nullable=False, server_default="running"),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime),
    Column("counts", JSON),
    Column("error", Text),
    Index(None, "connection_id", "started_at"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _connection_fk(),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="SET NULL")),
    Column("source_type", String(30), nullable=False),
    Column("source_id", String(64), nullable=False),
    Column("zoho_module", String(60)),
    Column("zoho_id", String(64)),
    Column("mapping_version", String(64)),
    Column("payload", JSON),
    Column("outcome", String(20), nullable=False),
    Column("code", String(60)),
    Column("message", Text),
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("replay_of", Id, ForeignKey("audit.id", ondelete="SET NULL")),
    Index(None, "connection_id", "created_at"),
    Index(None, "connection_id", "source_type", "source_id"),
    Index(None, "connection_id", "outcome", "created_at"),
)

cursors = Table(
    "cursors",
    metadata,
    _connection_fk(primary_key=True),
    Column("stream", String(60), primary_key=True),
    Column("watermark_time", UTCDateTime),
    Column("watermark_id", String(64)),
    Column("backfill_position", String(64)),
    Column("updated_at", UTCDateTime, nullable=False),
)

channels = Table(
    "channels",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _connection_fk(),
    Column("channel_id", String(40), nullable=False, unique=True),
    Column("events", JSON, nullable=False),
    Column("sealed_token", Text, nullable=False),
    Column("key_id", String(32), nullable=False, index=True),
    Column("expires_at", UTCDateTime),
    Column("renewed_at", UTCDateTime),
    Column("status", String(20), nullable=False, server_default="active"),
)

locks = Table(
    "locks",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)
