"""Zoho notification channels as the store keeps them: one active channel per connection.

Zoho's callbacks carry no signature, only the token we gave the channel, so the token is a
secret: it is sealed with the channel's row as associated data (:func:`channel_context`) and
opened only to compare it with a delivery's. A channel that was re-provisioned or disabled is
kept with its status (``replaced``, ``disabled``) rather than deleted, so a late callback of an
old channel is refused with a reason a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from ml_connector.store.keyring import Keyring
from ml_connector.store.sealed import channel_context
from ml_connector.store.tables import channels

__all__ = [
    "ACTIVE",
    "DISABLED",
    "REPLACED",
    "StoredChannel",
    "active_channel",
    "channel_by_id",
    "mark_channel",
    "open_token",
    "renewed",
    "save_channel",
]

ACTIVE, REPLACED, DISABLED = "active", "replaced", "disabled"


@dataclass(frozen=True)
class StoredChannel:
    """One channel row; the token stays sealed until :func:`open_token` is asked for it."""

    connection_id: int
    channel_id: str
    events: tuple[str, ...]
    sealed_token: str
    expires_at: datetime | None
    renewed_at: datetime | None
    status: str


def _stored(row: Any) -> StoredChannel:
    return StoredChannel(
        row.connection_id, row.channel_id, tuple(row.events), row.sealed_token,
        row.expires_at, row.renewed_at, row.status,
    )  # fmt: skip


def active_channel(engine: Engine, connection_id: int) -> StoredChannel | None:
    """The connection's newest active channel, if it has one."""
    query = (
        select(channels)
        .where((channels.c.connection_id == connection_id) & (channels.c.status == ACTIVE))
        .order_by(channels.c.id.desc())
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _stored(row) if row else None


def channel_by_id(engine: Engine, channel_id: str) -> StoredChannel | None:
    """The channel Zoho calls ``channel_id``, whatever its status."""
    with engine.connect() as conn:
        row = conn.execute(select(channels).where(channels.c.channel_id == channel_id)).first()
    return _stored(row) if row else None


def open_token(keyring: Keyring, channel: StoredChannel) -> str:
    """The channel's verification token, in clear."""
    context = channel_context(channel.connection_id, channel.channel_id)
    return keyring.open(channel.sealed_token, context=context)


def save_channel(
    conn: Connection,
    keyring: Keyring,
    *,
    connection_id: int,
    channel_id: str,
    events: tuple[str, ...],
    token: str,
    expires_at: datetime,
    now: datetime,
) -> None:
    """Record a channel Zoho accepted, in the caller's transaction, its token sealed."""
    sealed = keyring.seal(token, context=channel_context(connection_id, channel_id))
    conn.execute(
        insert(channels).values(
            connection_id=connection_id,
            channel_id=channel_id,
            events=list(events),
            sealed_token=sealed,
            key_id=keyring.primary_id,
            expires_at=expires_at,
            renewed_at=now,
            status=ACTIVE,
        )
    )


def renewed(engine: Engine, channel_id: str, *, expires_at: datetime, now: datetime) -> None:
    """Zoho accepted a new expiry for the channel."""
    with engine.begin() as conn:
        conn.execute(
            update(channels)
            .where(channels.c.channel_id == channel_id)
            .values(expires_at=expires_at, renewed_at=now)
        )


def mark_channel(conn: Connection, channel_id: str, status: str) -> None:
    """Retire a channel (``replaced`` or ``disabled``) in the caller's transaction."""
    conn.execute(update(channels).where(channels.c.channel_id == channel_id).values(status=status))
