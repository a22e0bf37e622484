"""Cached tokens in the store: sealed, with an expiry and a version for compare-and-swap.

Every worker thread and process reads the same row, so a token minted once serves all of them;
a write only lands if the row still has the version the writer read (or does not exist yet),
so two refreshes racing cannot overwrite a newer token with an older one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from ml_connector.store.keyring import Keyring
from ml_connector.store.sealed import token_context
from ml_connector.store.tables import tokens

__all__ = ["StoredToken", "read_token", "write_token"]


@dataclass(frozen=True)
class StoredToken:
    """A token as cached: the secret value, when it expires, and facts that came with it."""

    value: str
    expires_at: datetime | None
    version: int
    meta: dict[str, Any] = field(default_factory=dict)


def _where(connection_id: int, system: str, kind: str) -> Any:
    return (
        (tokens.c.connection_id == connection_id)
        & (tokens.c.system == system)
        & (tokens.c.kind == kind)
    )


def read_token(
    engine: Engine, keyring: Keyring, connection_id: int, system: str, kind: str
) -> StoredToken | None:
    """The cached token of one kind, or None."""
    query = select(tokens).where(_where(connection_id, system, kind))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    opened = json.loads(
        keyring.open(row.sealed, context=token_context(connection_id, system, kind))
    )
    return StoredToken(opened["value"], row.expires_at, row.version, opened.get("meta", {}))


def write_token(
    engine: Engine,
    keyring: Keyring,
    connection_id: int,
    system: str,
    kind: str,
    *,
    value: str,
    expires_at: datetime | None,
    expected_version: int | None,
    meta: dict[str, Any] | None = None,
) -> bool:
    """Store a token if the row is still at ``expected_version`` (None: absent); True if written."""
    sealed = keyring.seal(
        json.dumps({"value": value, "meta": meta or {}}),
        context=token_context(connection_id, system, kind),
    )
    values = {
        "sealed": sealed,
        "key_id": keyring.primary_id,
        "expires_at": expires_at,
        "updated_at": datetime.now(UTC),
    }
    if expected_version is None:
        return _insert(engine, connection_id, system, kind, values)
    guard = _where(connection_id, system, kind) & (tokens.c.version == expected_version)
    with engine.begin() as conn:
        changed = conn.execute(
            update(tokens).where(guard).values(version=expected_version + 1, **values)
        ).rowcount
    return bool(changed)


def _insert(
    engine: Engine, connection_id: int, system: str, kind: str, values: dict[str, Any]
) -> bool:
    row = {"connection_id": connection_id, "system": system, "kind": kind, **values}
    try:
        with engine.begin() as conn:
            conn.execute(insert(tokens).values(row))
    except IntegrityError:
        return False
    return True
