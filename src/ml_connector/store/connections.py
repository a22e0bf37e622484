"""Repository functions for connections and their sealed credentials.

A connection row holds only what is safe to show (account ids, URLs, the auth flow); each system's
secrets are one JSON document sealed into ``credentials`` in the same transaction, so a connection
never exists without its credentials, nor credentials without their connection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ml_connector.errors import AlreadyExistsError, NotFoundError
from ml_connector.store.keyring import Keyring
from ml_connector.store.sealed import credential_context
from ml_connector.store.tables import connections, credentials

__all__ = [
    "ConnectionRow",
    "add_connection",
    "get_connection",
    "list_connections",
    "open_credentials",
    "remove_connection",
    "set_status",
]


@dataclass(frozen=True)
class ConnectionRow:
    """A connection as stored, without its secrets."""

    id: int
    name: str
    status: str
    config: dict[str, Any]
    created_at: datetime
    updated_at: datetime


def add_connection(
    engine: Engine,
    keyring: Keyring,
    *,
    name: str,
    config: dict[str, Any],
    secrets: dict[str, dict[str, str]],
) -> ConnectionRow:
    """Store a new connection and seal its secrets, all or nothing."""
    now = datetime.now(UTC)
    try:
        with engine.begin() as conn:
            row = {"name": name, "config": config, "created_at": now, "updated_at": now}
            inserted = conn.execute(insert(connections).values(row)).inserted_primary_key
            assert inserted is not None, "an insert always has a primary key"
            connection_id = int(inserted[0])
            for system, values in secrets.items():
                sealed = _sealed(keyring, connection_id, system, values, now)
                conn.execute(insert(credentials).values(sealed))
    except IntegrityError:
        raise AlreadyExistsError("connection", name) from None
    return get_connection(engine, name)


def _sealed(
    keyring: Keyring, connection_id: int, system: str, values: dict[str, str], now: datetime
) -> dict[str, Any]:
    context = credential_context(connection_id, system)
    return {
        "connection_id": connection_id,
        "system": system,
        "sealed": keyring.seal(json.dumps(values, sort_keys=True), context=context),
        "key_id": keyring.primary_id,
        "updated_at": now,
    }


def list_connections(engine: Engine) -> list[ConnectionRow]:
    """Every connection, by name."""
    with engine.connect() as conn:
        rows = conn.execute(select(connections).order_by(connections.c.name)).mappings().all()
    return [_row(dict(row)) for row in rows]


def _row(row: dict[str, Any]) -> ConnectionRow:
    return ConnectionRow(**row)


def get_connection(engine: Engine, name: str) -> ConnectionRow:
    """The connection called ``name``."""
    with engine.connect() as conn:
        row = conn.execute(select(connections).where(connections.c.name == name)).mappings().first()
    if row is None:
        raise NotFoundError("connection", name)
    return _row(dict(row))


def open_credentials(engine: Engine, keyring: Keyring, name: str, system: str) -> dict[str, str]:
    """The secrets of one system of a connection, decrypted."""
    connection = get_connection(engine, name)
    query = select(credentials.c.sealed).where(
        credentials.c.connection_id == connection.id, credentials.c.system == system
    )
    with engine.connect() as conn:
        sealed = conn.execute(query).scalar_one_or_none()
    if sealed is None:
        return {}
    opened: dict[str, str] = json.loads(
        keyring.open(sealed, context=credential_context(connection.id, system))
    )
    return opened


def remove_connection(engine: Engine, name: str) -> None:
    """Delete a connection and everything that belongs to it."""
    with engine.begin() as conn:
        found = conn.execute(
            select(func.count()).select_from(connections).where(connections.c.name == name)
        ).scalar_one()
        if not found:
            raise NotFoundError("connection", name)
        conn.execute(delete(connections).where(connections.c.name == name))


def set_status(engine: Engine, connection_id: int, status: str) -> None:
    """Record a connection's health (``active``, ``needs_reauth``, …)."""
    with engine.begin() as conn:
        conn.execute(
            update(connections)
            .where(connections.c.id == connection_id)
            .values(status=status, updated_at=datetime.now(UTC))
        )
