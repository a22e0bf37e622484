"""No stored secret can be read from the database's raw bytes, on either backend."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.rotation import rewrap_all
from ml_connector.store.schema import make_engine, upgrade
from tests.store.secrets_fixture import Planted, plant


def _assert_absent(raw: bytes, planted: Planted) -> None:
    assert raw, "nothing was read: the scan would pass vacuously"
    for value in planted.all_values():
        assert value.encode() not in raw
        # the random part alone, in case a prefix were transformed
        assert value.split("-", 1)[1].encode() not in raw


def _fill(engine: Engine) -> Planted:
    upgrade(engine)
    old = new_key()
    planted = plant(engine, Keyring([old]), connections=3)
    rewrap_all(engine, Keyring([new_key(), old]))  # rotation must not leave plaintext behind
    return planted


def test_sqlite_files_hold_no_plaintext_secret(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    planted = _fill(engine)
    # read while the write-ahead log is still live, then again after checkpointing into the file
    raw_live = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    engine.dispose()
    raw_closed = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    _assert_absent(raw_live, planted)
    _assert_absent(raw_closed, planted)
    assert b"credentials" in raw_closed  # the scan did read the database itself


@pytest.mark.postgres
def test_postgresql_dump_holds_no_plaintext_secret(pg_url: str) -> None:
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump is installed with the PostgreSQL client"
    engine = make_engine(pg_url)
    planted = _fill(engine)
    engine.dispose()
    url = make_url(pg_url)
    dump = subprocess.run(  # noqa: S603 - fixed program, arguments from the test's own URL
        [
            pg_dump,
            *("-h", url.host or "127.0.0.1", "-p", str(url.port or 5432)),
            *("-U", url.username or "postgres", "--data-only", str(url.database)),
        ],
        check=True,
        capture_output=True,
    ).stdout
    assert b"COPY public.credentials" in dump
    _assert_absent(dump, planted)
