"""``ml-connector connection``: add, list, show and remove customer connections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.connections import add_from_file, show_connection
from ml_connector.store.connections import list_connections, remove_connection

__all__ = ["connection_app"]

connection_app = typer.Typer(help="Customer connections (one per organisation).")

JSON_OPTION = typer.Option(False, "--json", help="print JSON")


@connection_app.command("add")
def add_command(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="short name, used in webhook URLs"),
    config: Path = typer.Option(..., "--config", help="JSON or TOML file (sandbox --json shape)"),
) -> None:
    """Add a connection from a file; secrets are sealed, nothing is stored if the file is wrong."""
    runtime: Runtime = ctx.obj
    row = add_from_file(runtime.engine, runtime.keyring, name, config)
    typer.echo(f"added connection {row.name!r}")


def _summary(view: dict[str, Any]) -> list[Any]:
    netsuite, zoho = view["netsuite"], view["zoho"]
    return [view["name"], view["status"], netsuite["account_id"], zoho["dc"], view["created_at"]]


@connection_app.command("list")
def list_command(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List every connection."""
    runtime: Runtime = ctx.obj
    engine = runtime.engine
    views = [show_connection(engine, row.name).as_json() for row in list_connections(engine)]
    if as_json:
        print_json(views)
        return
    columns = ["name", "status", "NetSuite account", "Zoho DC", "created"]
    print_table("Connections", columns, [_summary(view) for view in views])


@connection_app.command("show")
def show_command(ctx: typer.Context, name: str, as_json: bool = JSON_OPTION) -> None:
    """Show a connection's settings and which secrets are stored (never their values)."""
    runtime: Runtime = ctx.obj
    view = show_connection(runtime.engine, name).as_json()
    if as_json:
        print_json(view)
        return
    rows = [
        [f"{system}.{key}", value]
        for system in ("netsuite", "zoho")
        for key, value in sorted(view[system].items())
    ]
    rows += [[f"{s}.secrets", ", ".join(names)] for s, names in view["secrets_set"].items()]
    print_table(f"Connection {name} ({view['status']})", ["setting", "value"], rows)


@connection_app.command("remove")
def remove_command(ctx: typer.Context, name: str) -> None:
    """Remove a connection and everything stored for it."""
    runtime: Runtime = ctx.obj
    remove_connection(runtime.engine, name)
    typer.echo(f"removed connection {name!r}")
