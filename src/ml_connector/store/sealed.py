"""Where sealed secrets live in the store, and how each is bound to its row.

Every column that holds a sealed value is listed here once, with the associated-data string that
binds a value to its row. Writers and the key rotation use the same list, so a new secret column
that is not listed here cannot be forgotten by a rotation: the test of rotation checks that every
``sealed*`` column in the tables appears in :data:`SEALED_COLUMNS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table

from ml_connector.store.tables import channels, credentials, tokens

__all__ = [
    "SEALED_COLUMNS",
    "SealedColumn",
    "channel_context",
    "credential_context",
    "token_context",
]


def credential_context(connection_id: int, system: str) -> str:
    """Associated data of a connection's credentials for one system."""
    return f"credentials/{connection_id}/{system}"


def token_context(connection_id: int, system: str, kind: str) -> str:
    """Associated data of a cached token."""
    return f"tokens/{connection_id}/{system}/{kind}"


def channel_context(connection_id: int, channel_id: str) -> str:
    """Associated data of a Zoho notification channel's verification token."""
    return f"channels/{connection_id}/{channel_id}"


@dataclass(frozen=True)
class SealedColumn:
    """A column of sealed values, and how to name the row each value belongs to."""

    table: Table
    column: str
    context: Callable[[Any], str]


SEALED_COLUMNS = (
    SealedColumn(credentials, "sealed", lambda r: credential_context(r.connection_id, r.system)),
    SealedColumn(tokens, "sealed", lambda r: token_context(r.connection_id, r.system, r.kind)),
    SealedColumn(
        channels, "sealed_token", lambda r: channel_context(r.connection_id, r.channel_id)
    ),
)
