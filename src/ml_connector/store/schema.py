"""Database engines and schema migrations (Alembic, shipped inside the package).

The embedded SQLite default is migrated automatically on first use; an external database
(PostgreSQL) is migrated only by ``ml-connector db upgrade``, so that upgrading the code on one
machine never changes a schema other machines are still using. Either way, a database migrated
by a *newer* ml-connector is refused before anything reads or writes it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from ml_connector.errors import SchemaTooNewError, StoreError
from ml_connector.settings import Settings, sqlalchemy_url

__all__ = [
    "SchemaState",
    "current_revision",
    "ensure_home",
    "head_revision",
    "make_engine",
    "open_engine",
    "schema_state",
    "upgrade",
]

MIGRATIONS = Path(__file__).with_name("migrations")

# Alembic narrates every step at INFO; our callers report the outcome in one line instead.
logging.getLogger("alembic").setLevel(logging.WARNING)


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest schema revision this code knows."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the settings every ml-connector process relies on."""
    full = sqlalchemy_url(url)
    if full.startswith("sqlite"):
        engine = create_engine(full, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(full, pool_pre_ping=True)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open the database: {type(exc).__name__}") from None


class SchemaState:
    """Where a database stands relative to this code."""

    CURRENT = "current"
    EMPTY = "empty"
    BEHIND = "behind"


def schema_state(engine: Engine) -> str:
    """``current``, ``empty`` or ``behind``; raises SchemaTooNewError if it is ahead of us."""
    found = current_revision(engine)
    if found is None:
        return SchemaState.EMPTY
    head = head_revision()
    if found == head:
        return SchemaState.CURRENT
    if _known(ScriptDirectory.from_config(_alembic_config()), found):
        return SchemaState.BEHIND
    raise SchemaTooNewError(found, head)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    return any(script.revision == revision for script in scripts.walk_revisions())


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Migrate to the newest revision; returns (from, to)."""
    before = current_revision(engine)
    if before is not None and not _known(ScriptDirectory.from_config(_alembic_config()), before):
        raise SchemaTooNewError(before, head_revision())
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return before, head_revision()


def ensure_home(settings: Settings) -> None:
    """Create the data directory the embedded database lives in, or say why it cannot be."""
    if not settings.is_embedded:
        return
    try:
        settings.home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"{settings.home}: cannot create the data directory: {exc.strerror}",
            hint="set ML_CONNECTOR_HOME to a directory this user can write",
        ) from None


def open_engine(settings: Settings) -> Engine:
    """The store's engine, migrated if it is the embedded default, checked if it is not."""
    ensure_home(settings)
    engine = make_engine(settings.database_url)
    state = schema_state(engine)
    if state == SchemaState.CURRENT:
        return engine
    if settings.is_embedded:
        upgrade(engine)
        return engine
    engine.dispose()
    raise StoreError(
        f"the database schema is {state}; this ml-connector needs revision {head_revision()}",
        hint="run `ml-connector db upgrade` once, from one machine",
    )
