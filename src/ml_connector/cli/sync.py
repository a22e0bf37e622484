"""``ml-connector sync``, ``replay`` and ``audit``: run the pipeline and look at what it did."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.cli.values import parse_moment, parse_record, parse_types
from ml_connector.connections.audit import AuditFilter, audit_trail
from ml_connector.mapping import MappingFile, default_mapping, load_mapping
from ml_connector.netsuite import RECORD_TYPES
from ml_connector.sync import poll
from ml_connector.sync.pipeline import DrainReport
from ml_connector.sync.reconcile import ReconcileReport, queue_fixes, reconcile
from ml_connector.sync.replay import replay_connection
from ml_connector.sync.services import open_services

__all__ = ["audit_app", "reconcile_command", "replay_command", "sync_command"]

MAPPING_OPTION = typer.Option(None, "--mapping", help="mapping file (default: the shipped one)")
JSON_OPTION = typer.Option(False, "--json", help="print JSON")


def _mapping(path: Path | None) -> MappingFile:
    return load_mapping(path).mapping if path else default_mapping()


async def _sync(
    runtime: Runtime, name: str, mapping: MappingFile, poll_since: datetime | None
) -> DrainReport:
    options = runtime.session_options()
    async with open_services(
        runtime.engine, runtime.keyring, name, mapping=mapping, options=options
    ) as services:
        if poll_since is not None:
            for record_type in RECORD_TYPES:
                await poll(
                    runtime.engine,
                    services.reader,
                    services.connection_id,
                    record_type,
                    start=poll_since,
                )
        return await services.pipeline.drain()


def sync_command(
    ctx: typer.Context,
    connection: str,
    mapping: Path | None = MAPPING_OPTION,
    poll_hours: float = typer.Option(
        1.0, "--poll-hours", help="on a first poll, look this far back (0: do not poll)"
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Poll NetSuite for changes, then write everything queued to Zoho."""
    runtime: Runtime = ctx.obj
    since = datetime.now(UTC) - timedelta(hours=poll_hours) if poll_hours > 0 else None
    report = asyncio.run(_sync(runtime, connection, _mapping(mapping), since))
    if as_json:
        print_json(report.__dict__)
        return
    typer.echo(
        f"{report.claimed} events: {report.written} written, {report.unchanged} unchanged, "
        f"{report.failed} failed, {report.skipped} skipped"
    )
    if report.failed:
        typer.echo(f"see them with: ml-connector audit {connection} --failed")


def replay_command(
    ctx: typer.Context,
    connection: str,
    *,
    failed: bool = typer.Option(True, "--failed", help="records whose last attempt failed"),
    record: str | None = typer.Option(None, "--record", help="only this record, TYPE:ID"),
    since: str | None = typer.Option(None, help="only failures since this time (ISO)"),
    mapping: Path | None = MAPPING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Re-send the stored payloads of records whose last write failed (NetSuite is not read)."""
    runtime: Runtime = ctx.obj
    del failed  # failed attempts are the only ones a replay re-sends; the flag says so
    report = asyncio.run(
        replay_connection(
            runtime.engine,
            runtime.keyring,
            connection,
            _mapping(mapping),
            options=runtime.session_options(),
            record=parse_record(record),
            since=parse_moment(since, "--since"),
        )
    )
    if as_json:
        print_json(report.as_json())
        return
    typer.echo(
        f"{report.replayed} replayed: {report.written} written, {report.failed} failed; "
        f"{report.not_replayable} need their NetSuite row again (a poll or backfill brings it)"
    )


audit_app = typer.Typer(help="The audit trail: every attempt at every record.")


@audit_app.command("list")
def audit_list(
    ctx: typer.Context,
    connection: str,
    *,
    outcome: str | None = typer.Option(None, help="written, unchanged, failed or skipped"),
    record: str | None = typer.Option(None, "--record", help="one record, TYPE:ID"),
    since: str | None = typer.Option(None, help="from this time (ISO)"),
    until: str | None = typer.Option(None, help="before this time (ISO)"),
    limit: int = typer.Option(50, help="newest rows to show"),
    as_json: bool = JSON_OPTION,
) -> None:
    """The newest audit rows, narrowed by outcome, record and time."""
    runtime: Runtime = ctx.obj
    chosen = AuditFilter.parse(
        outcome=outcome, record=record, since=since, until=until, limit=limit
    )
    rows = audit_trail(runtime.engine, connection, chosen)
    if as_json:
        print_json([row.as_json() for row in rows])
        return
    table = [
        [row.created_at, f"{row.source_type} {row.source_id}", row.outcome,
         row.zoho_id or "", row.code or "", (row.message or "")[:60]]
        for row in rows
    ]  # fmt: skip
    print_table("Audit", ["when", "record", "outcome", "Zoho id", "code", "message"], table)


@audit_app.command("show")
def audit_show(
    ctx: typer.Context, connection: str, record: str, as_json: bool = JSON_OPTION
) -> None:
    """Every attempt at one record (TYPE:ID), newest first, with the payload sent."""
    runtime: Runtime = ctx.obj
    rows = audit_trail(runtime.engine, connection, AuditFilter.parse(record=record, limit=1000))
    if as_json:
        print_json([row.as_json() for row in rows])
        return
    for row in rows:
        typer.echo(f"{row.created_at} {row.outcome} {row.zoho_module or ''} {row.zoho_id or ''}")
        if row.code:
            typer.echo(f"  {row.code}: {row.message or ''}")
        if row.payload:
            typer.echo("  " + json.dumps(row.payload, sort_keys=True, default=str))


async def _reconcile(
    runtime: Runtime, name: str, mapping: MappingFile, types: list[str], fix: bool
) -> tuple[ReconcileReport, int]:
    options = runtime.session_options()
    engine = runtime.engine
    async with open_services(engine, runtime.keyring, name, mapping=mapping, options=options) as s:
        found = await reconcile(
            engine, s.connection_id, reader=s.reader, zoho=s.zoho, mapping=mapping, types=types
        )
        queued = queue_fixes(engine, s.connection_id, found.differences) if fix else 0
    return found, queued


def reconcile_command(
    ctx: typer.Context,
    connection: str,
    *,
    types: str = typer.Option(",".join(RECORD_TYPES), help="comma-separated record types"),
    fix: bool = typer.Option(False, "--fix", help="queue the differences for sync"),
    mapping: Path | None = MAPPING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Compare every NetSuite record with its Zoho record; exit 1 if anything differs."""
    runtime: Runtime = ctx.obj
    chosen = parse_types(types)
    found, queued = asyncio.run(_reconcile(runtime, connection, _mapping(mapping), chosen, fix))
    if as_json:
        print_json(
            {
                "compared": found.compared,
                "missing": found.count("missing"),
                "different": found.count("different"),
                "orphaned": found.count("orphaned"),
                "differences": [d.__dict__ for d in found.differences],
                "queued": queued,
            }
        )
    else:
        rows = [
            [f"{d.record_type} {d.record_id}", d.kind, ", ".join(d.fields)]
            for d in found.differences
        ]
        print_table("Differences", ["NetSuite record", "kind", "fields"], rows[:200])
        typer.echo(f"{sum(found.compared.values())} compared; {len(found.differences)} differ")
        if queued:
            typer.echo(f"{queued} queued; run `ml-connector sync {connection}` to write them")
    if found.differences and not fix:
        raise typer.Exit(1)
