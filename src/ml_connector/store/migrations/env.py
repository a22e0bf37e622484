"""Alembic environment: runs on the connection that ml_connector.store.schema hands in."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from ml_connector.store.tables import metadata


def run_migrations_online() -> None:
    connection: Connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("ml-connector migrations run against a live database only")
run_migrations_online()
