"""``ml-connector ping``: does each side of a connection work right now?"""

from __future__ import annotations

import asyncio

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.connections.ping import Check, ping
from ml_connector.store.connections import list_connections

__all__ = ["ping_command"]


def ping_command(
    ctx: typer.Context,
    connection: str | None = typer.Argument(None, help="connection name; default: all"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Get tokens and make one cheap call on each side; exit 0 only if everything works."""
    runtime: Runtime = ctx.obj
    names = [connection] if connection else [r.name for r in list_connections(runtime.engine)]
    results = {name: _run(runtime, name) for name in names}
    if as_json:
        print_json({n: [c.__dict__ for c in checks] for n, checks in results.items()})
    else:
        rows = [
            [name, c.system, "ok" if c.ok else "FAILED", c.detail, c.hint]
            for name, checks in results.items()
            for c in checks
        ]
        print_table("Ping", ["connection", "system", "result", "detail", "hint"], rows)
    if not names or not all(c.ok for checks in results.values() for c in checks):
        raise typer.Exit(1)


def _run(runtime: Runtime, name: str) -> list[Check]:
    return asyncio.run(ping(runtime.engine, runtime.keyring, name, runtime.session_options()))
