"""Fixtures shared by the whole suite: settings in a temporary home, and the test databases.

PostgreSQL tests use the server named by ``ML_CONNECTOR_TEST_DATABASE_URL`` (``.ci/run`` sets it to
the machine's local server) and get a fresh database each. Outside CI they are skipped when no
server is configured or reachable; under ``CI=true`` they fail instead, so a green CI run always
means the PostgreSQL half ran.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ml_connector.cli import main
from ml_connector.settings import Settings, load_settings, sqlalchemy_url
from ml_connector.store.schema import make_engine

PG_ENV = "ML_CONNECTOR_TEST_DATABASE_URL"


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


Run = Callable[..., Result]


@pytest.fixture
def cli_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    for name in ("DATABASE_URL", "QUEUE_URL", "SECRET_KEYS", "KEY_FILE", "CONFIG"):
        monkeypatch.delenv(f"ML_CONNECTOR_{name}", raising=False)
    monkeypatch.setenv("ML_CONNECTOR_HOME", str(home))
    return home


@pytest.fixture
def run(cli_home: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    def invoke(*args: str) -> Result:
        code = main(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty data directory."""
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings of a fresh embedded deployment in ``home``."""
    return load_settings({"ML_CONNECTOR_HOME": str(home)})


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL tests must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The configured PostgreSQL server, checked once per session."""
    return reachable_postgresql(os.environ.get(PG_ENV, ""))


def reachable_postgresql(url: str) -> str:
    """``url`` with our driver if a server answers there; else skip, or fail under CI."""
    if not url:
        _unavailable(f"{PG_ENV} is not set")
    engine = create_engine(sqlalchemy_url(url))
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        _unavailable(f"PostgreSQL at {PG_ENV} is unreachable: {exc.orig}")
    finally:
        engine.dispose()
    return sqlalchemy_url(url)


@pytest.fixture
def pg_url(pg_admin_url: str) -> Iterator[str]:
    """A URL of a new, empty PostgreSQL database, dropped afterwards."""
    name = f"mlc_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each supported kind."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def empty_engine(database_url: str) -> Iterator[Engine]:
    """An engine on an empty database of each kind."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
