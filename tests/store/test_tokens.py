"""Cached tokens are written by compare-and-swap: a writer that read an old version loses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from ml_connector.store.connections import add_connection
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import upgrade
from ml_connector.store.tokens import read_token, write_token

KEYRING = Keyring([new_key()])
T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def _write(engine: Engine, connection_id: int, value: str, expected: int | None) -> bool:
    return write_token(
        engine, KEYRING, connection_id, "zoho", "access",
        value=value, expires_at=T0 + timedelta(hours=1), expected_version=expected,
        meta={"api_domain": "https://www.zohoapis.eu"},
    )  # fmt: skip


def test_only_the_writer_holding_the_current_version_wins(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    connection_id = add_connection(empty_engine, KEYRING, name="acme", config={}, secrets={}).id
    assert _write(empty_engine, connection_id, "first", None)
    assert not _write(empty_engine, connection_id, "also-first", None)  # both saw no token
    current = read_token(empty_engine, KEYRING, connection_id, "zoho", "access")
    assert current is not None
    assert current.value == "first"
    assert _write(empty_engine, connection_id, "second", current.version)
    assert not _write(empty_engine, connection_id, "stale", current.version)  # read before "second"
    newest = read_token(empty_engine, KEYRING, connection_id, "zoho", "access")
    assert newest is not None
    assert (newest.value, newest.version) == ("second", current.version + 1)
    assert newest.meta == {"api_domain": "https://www.zohoapis.eu"}
