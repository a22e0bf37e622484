"""``ml-connector db``: schema migrations."""

from __future__ import annotations

import typer

from ml_connector.cli.output import print_json
from ml_connector.cli.runtime import Runtime
from ml_connector.store.schema import (
    current_revision,
    ensure_home,
    head_revision,
    make_engine,
    upgrade,
)

__all__ = ["db_app"]

db_app = typer.Typer(help="Database schema: upgrade and inspect.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """Migrate the database to the schema this version needs (safe to repeat)."""
    runtime: Runtime = ctx.obj
    ensure_home(runtime.settings)
    engine = make_engine(runtime.settings.database_url)
    before, after = upgrade(engine)
    engine.dispose()
    if before == after:
        typer.echo(f"database already at revision {after}")
    else:
        typer.echo(f"database upgraded from {before or 'empty'} to revision {after}")


@db_app.command("status")
def status_command(
    ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="print JSON")
) -> None:
    """Show the database's schema revision and the one this version needs."""
    runtime: Runtime = ctx.obj
    engine = make_engine(runtime.settings.database_url)
    found = current_revision(engine)
    engine.dispose()
    state = {"current": found, "head": head_revision(), "up_to_date": found == head_revision()}
    if as_json:
        print_json(state)
    else:
        typer.echo(f"database revision {found or 'empty'}; this version needs {state['head']}")
