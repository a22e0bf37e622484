"""``ml-connector status``: each connection's health, tokens, lag, backlog and failures."""

from __future__ import annotations

from datetime import UTC, datetime

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.connections.status import ConnectionStatus, connection_status

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
            _health(s),
            "\n".join(f"{k} {v or '-'}" for k, v in sorted(s.token_expiry.items())) or "-",
            "\n".join(f"{t} {lag:.0f} s" for t, lag in sorted(s.poll_lag_seconds.items())) or "-",
            f"{s.backlog} pending, {s.leased} leased",
            f"{s.written_last_hour} written, {s.failed_last_hour} failed",
        ]
        for s in found
    ]
    columns = ["connection", "health", "tokens expire", "poll lag", "inbox", "last hour"]
    print_table("Status", columns, rows)
    _reauthorize_hints(found)


def _health(status: ConnectionStatus) -> str:
    """The status word, and a line per system whose access must be granted again soon."""
    return "\n".join([status.status, *(f"re-authorize {s}" for s in sorted(status.reauthorize_by))])


def _reauthorize_hints(found: list[ConnectionStatus]) -> None:
    for status in found:
        for system, moment in sorted(status.reauthorize_by.items()):
            flow = " --flow code" if system == "netsuite" else ""
            when = datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
            typer.echo(
                f"{status.name}: {system} access lapses at {when}; grant it again before then: "
                f"ml-connector auth {system} {status.name}{flow}"
            )
