"""``ml-connector status``: each connection's health, tokens, lag, backlog and failures."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.connections.status import connection_status

__all__ = ["status_command"]


def status_command(
    ctx: typer.Context,
    connection: str | None = typer.Argument(None, help="connection name; default: all"),
    as_json: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Health, token and channel expiry, poll lag, backlog and failures in the last hour."""
    runtime: Runtime = ctx.obj
    found = connection_status(runtime.engine, datetime.now(UTC), connection)
    if as_json:
        print_json([status.as_json() for status in found])
        return
    rows = [
        [
            s.name,
            s.status,
            "\n".join(f"{k} {v or '-'}" for k, v in sorted(s.token_expiry.items())) or "-",
            "\n".join(f"{t} {lag:.0f} s" for t, lag in sorted(s.poll_lag_seconds.items())) or "-",
            f"{s.backlog} pending, {s.leased} leased",
            f"{s.written_last_hour} written, {s.failed_last_hour} failed",
        ]
        for s in found
    ]
    columns = ["connection", "health", "tokens expire", "poll lag", "inbox", "last hour"]
    print_table("Status", columns, rows)
