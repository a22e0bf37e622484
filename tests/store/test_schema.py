"""Migrations: the same schema on SQLite and PostgreSQL, applied safely, refused when too new."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from ml_connector.errors import SchemaTooNewError, StoreError
from ml_connector.settings import Settings, load_settings
from ml_connector.store.schema import (
    SchemaState,
    head_revision,
    open_engine,
    schema_state,
    upgrade,
)
from ml_connector.store.tables import metadata

DESIGN_TABLES = {
    "connections",
    "credentials",
    "tokens",
    "inbox",
    "links",
    "audit",
    "cursors",
    "channels",
    "runs",
}


def test_migrations_create_every_table_of_the_design(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) >= DESIGN_TABLES


def test_migrated_schema_matches_the_table_definitions(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    with empty_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_upgrade_twice_changes_nothing(empty_engine: Engine) -> None:
    first = upgrade(empty_engine)
    second = upgrade(empty_engine)
    assert first == (None, head_revision())
    assert second == (head_revision(), head_revision())
    assert schema_state(empty_engine) == SchemaState.CURRENT


def _stamp(engine: Engine, revision: str) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_a_schema_from_a_newer_version_is_refused(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    _stamp(empty_engine, "9999_from_the_future")
    with pytest.raises(SchemaTooNewError, match="9999_from_the_future"):
        schema_state(empty_engine)
    with pytest.raises(SchemaTooNewError):
        upgrade(empty_engine)
    with empty_engine.connect() as conn:
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    assert version == "9999_from_the_future"


def test_the_embedded_default_is_migrated_on_first_use(settings: Settings) -> None:
    assert not settings.home.exists()
    engine = open_engine(settings)
    assert schema_state(engine) == SchemaState.CURRENT
    assert (settings.home / "ml-connector.db").is_file()
    engine.dispose()


@pytest.mark.postgres
def test_an_external_database_needs_an_explicit_upgrade(pg_url: str, settings: Settings) -> None:
    external = load_settings(
        {"ML_CONNECTOR_HOME": str(settings.home), "ML_CONNECTOR_DATABASE_URL": pg_url}
    )
    with pytest.raises(StoreError, match="schema is empty") as info:
        open_engine(external)
    assert "db upgrade" in info.value.hint
    assert not external.is_embedded
