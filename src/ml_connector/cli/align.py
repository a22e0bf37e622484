"""``ml-connector align``: reference data (categories, hierarchies) on both sides."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from ml_connector.cli.output import print_json, print_table
from ml_connector.cli.runtime import Runtime
from ml_connector.cli.sync import JSON_OPTION, MAPPING_OPTION
from ml_connector.mapping import MappingFile, default_mapping, load_mapping
from ml_connector.netsuite import RecordService
from ml_connector.sync.align import AlignReport, Direction, Sides, align, parse_direction
from ml_connector.sync.services import open_services

__all__ = ["align_command"]


async def _align(
    runtime: Runtime, name: str, mapping: MappingFile, direction: Direction, apply: bool
) -> AlignReport:
    engine = runtime.engine
    options = runtime.session_options()
    async with open_services(engine, runtime.keyring, name, mapping=mapping, options=options) as s:
        records = RecordService(s.session.netsuite, limiter=s.suiteql.limiter)
        sides = Sides(s.suiteql, records, s.reader, s.zoho)
        return await align(
            engine, s.connection_id, sides, mapping, direction=direction, apply=apply
        )


def align_command(
    ctx: typer.Context,
    connection: str,
    *,
    apply: bool = typer.Option(False, "--apply", help="create what is missing, queue parents"),
    direction: str = typer.Option("both", help="to-zoho, to-netsuite or both"),
    mapping: Path | None = MAPPING_OPTION,
    as_json: bool = JSON_OPTION,
) -> None:
    """Compare categories and parent links on both sides; exit 1 if something is left to do."""
    runtime: Runtime = ctx.obj
    chosen = parse_direction(direction)
    rules = load_mapping(mapping).mapping if mapping else default_mapping()
    report = asyncio.run(_align(runtime, connection, rules, chosen, apply))
    if as_json:
        print_json({"differences": [d.__dict__ for d in report.differences], "applied": apply})
    else:
        columns = ["side", "kind", "where", "value", "action"] + (["outcome"] if apply else [])
        rows = [
            [d.side, d.kind, d.where, d.value, d.action] + ([d.outcome] if apply else [])
            for d in report.differences
        ]
        print_table("Differences", columns, rows)
        if apply and any(d.kind == "parent" for d in report.differences):
            typer.echo(f"records queued; run `ml-connector sync {connection}` to write them")
    if report.failed() or (report.differences and not apply):
        raise typer.Exit(1)
