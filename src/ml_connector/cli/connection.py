"""``ml-connector connection``: add, list, show and remove customer connections."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import typer

from ml_connector.auth.session import open_side
from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.connections import (
    connection_views,
    load_connection_file,
    show_connection,
    store_connection,
    validate_name,
)
from ml_connector.errors import ConnectorError
from ml_connector.store.channels import active_channel
from ml_connector.store.connections import get_connection, remove_connection
from ml_connector.zoho import ZohoCRM, disable_channels

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
    # the name and the file are checked before the store or the key file is touched, so bad
    # input on a new machine leaves no database and no key behind
    validate_name(name)
    parsed = load_connection_file(config)
    row = store_connection(runtime.engine, runtime.keyring, name, parsed)
    typer.echo(f"added connection {row.name!r}")


def _summary(view: dict[str, Any]) -> list[Any]:
    netsuite, zoho = view["netsuite"], view["zoho"]
    return [view["name"], view["status"], netsuite["account_id"], zoho["dc"], view["created_at"]]


@connection_app.command("list")
def list_command(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List every connection."""
    runtime: Runtime = ctx.obj
    views = [view.as_json() for view in connection_views(runtime.engine)]
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
    """Remove a connection and everything stored for it (its Zoho channel is disabled first)."""
    runtime: Runtime = ctx.obj
    connection = get_connection(runtime.engine, name)
    if active_channel(runtime.engine, connection.id) is not None:
        try:
            asyncio.run(_disable_channels(runtime, name, connection.id))
        except (ConnectorError, httpx.HTTPError) as exc:  # removal must not depend on Zoho
            typer.echo(f"warning: could not disable the Zoho channel: {exc}", err=True)
    remove_connection(runtime.engine, name)
    typer.echo(f"removed connection {name!r}")


async def _disable_channels(runtime: Runtime, name: str, connection_id: int) -> None:
    options = runtime.session_options()
    async with open_side(runtime.engine, runtime.keyring, name, "zoho", options) as side:
        await disable_channels(runtime.engine, ZohoCRM(side.client), connection_id)
