"""Key rotation re-seals every secret, and an interruption at any point loses none."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update

from ml_connector.store.connections import open_credentials
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.rotation import key_usage, rewrap_all
from ml_connector.store.schema import upgrade
from ml_connector.store.sealed import SEALED_COLUMNS, token_context
from ml_connector.store.tables import metadata, tokens
from tests.store.secrets_fixture import Planted, plant


def _read_everything(engine: Engine, keyring: Keyring, planted: Planted) -> None:
    """Open every planted secret through the store and compare it with what was written."""
    for (name, system), values in planted.credentials.items():
        assert open_credentials(engine, keyring, name, system) == values
    for sealed in SEALED_COLUMNS[1:]:
        with engine.connect() as conn:
            for row in conn.execute(select(sealed.table)):
                value = keyring.open(getattr(row, sealed.column), context=sealed.context(row))
                assert value in planted.all_values()


@pytest.fixture
def store(empty_engine: Engine) -> Engine:
    upgrade(empty_engine)
    return empty_engine


def test_every_sealed_column_is_known_to_the_rotation() -> None:
    sealed_columns = {
        (table.name, column.name)
        for table in metadata.tables.values()
        for column in table.columns
        if column.name.startswith("sealed")
    }
    assert sealed_columns == {(s.table.name, s.column) for s in SEALED_COLUMNS}


def test_rotation_moves_every_secret_to_the_new_key(store: Engine) -> None:
    old, new = new_key(), new_key()
    planted = plant(store, Keyring([old]))
    ring = Keyring([new, old])
    report = rewrap_all(store, ring)
    assert report.total == 10  # 2 connections x (2 credentials + 2 tokens + 1 channel)
    assert key_usage(store) == {ring.primary_id: 10}
    _read_everything(store, Keyring([new]), planted)


class _CrashError(Exception):
    """The simulated death of the process."""


class _CrashingKeyring(Keyring):
    """A keyring that dies after ``budget`` re-wraps, like a process killed mid-rotation."""

    def __init__(self, keys: list[bytes], budget: int) -> None:
        super().__init__(keys)
        self.budget = budget

    def rewrap(self, sealed: str, *, context: str) -> str:
        if self.budget == 0:
            raise _CrashError
        self.budget -= 1
        return super().rewrap(sealed, context=context)


@pytest.mark.parametrize("crash_after", [0, 1, 3, 5, 9])
def test_an_interrupted_rotation_leaves_everything_readable(
    store: Engine, crash_after: int
) -> None:
    old, new = new_key(), new_key()
    planted = plant(store, Keyring([old]))
    with pytest.raises(_CrashError):
        rewrap_all(store, _CrashingKeyring([new, old], budget=crash_after))
    ring = Keyring([new, old])
    _read_everything(store, ring, planted)
    rewrap_all(store, ring)
    assert key_usage(store) == {ring.primary_id: 10}
    _read_everything(store, Keyring([new]), planted)


def test_rotation_is_a_no_op_when_everything_is_current(store: Engine) -> None:
    ring = Keyring([new_key()])
    plant(store, ring)
    assert rewrap_all(store, ring).total == 0


class _ServiceWritesMidRotation(Keyring):
    """While the rotation holds a token it read, the running service refreshes that token.

    The service still has the old key as its sealing key (it started before the rotation).
    """

    def __init__(self, keys: list[bytes], engine: Engine, service: Keyring) -> None:
        super().__init__(keys)
        self.engine, self.service, self.fresh = engine, service, ""

    def rewrap(self, sealed: str, *, context: str) -> str:
        if not self.fresh and context.startswith("tokens/"):
            self.fresh = f"AT-refreshed-{context}"
            _, connection_id, system, kind = context.split("/")
            with self.engine.begin() as conn:
                conn.execute(
                    update(tokens)
                    .where(tokens.c.connection_id == int(connection_id))
                    .where(tokens.c.system == system, tokens.c.kind == kind)
                    .values(sealed=self.service.seal(self.fresh, context=context))
                )
        return super().rewrap(sealed, context=context)


def test_a_token_refreshed_during_rotation_is_not_overwritten_by_the_stale_one(
    store: Engine,
) -> None:
    old, new = new_key(), new_key()
    service = Keyring([old])
    plant(store, service)
    rotating = _ServiceWritesMidRotation([new, old], store, service)
    rewrap_all(store, rotating)
    assert rotating.fresh
    ring = Keyring([new])
    with store.connect() as conn:
        opened = [
            ring.open(row.sealed, context=token_context(row.connection_id, row.system, row.kind))
            for row in conn.execute(select(tokens))
        ]
    assert rotating.fresh in opened
    assert key_usage(store) == {ring.primary_id: 10}
