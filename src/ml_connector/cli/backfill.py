"""``ml-connector backfill``: every NetSuite record of a connection into the pipeline."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from ml_connector.auth.session import open_side
from ml_connector.cli.runtime import Runtime
from ml_connector.cli.sync import MAPPING_OPTION
from ml_connector.cli.values import parse_moment, parse_types
from ml_connector.mapping import MappingFile, default_mapping, load_mapping
from ml_connector.netsuite import RECORD_TYPES, RecordReader, SuiteQL, account_zone
from ml_connector.rest import AdaptiveLimiter
from ml_connector.store.connections import get_connection
from ml_connector.sync import BackfillResult, backfill_types

__all__ = ["backfill_command"]


class _RateColumn(ProgressColumn):
    """Records per second, as the bar's task measures them."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rec/s" if speed else "… rec/s")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        _RateColumn(),
        TimeRemainingColumn(),
    )


def _advance(progress: Progress, task: TaskID) -> Callable[[int], None]:
    return lambda count: progress.advance(task, count)


async def _run(
    runtime: Runtime, name: str, types: list[str], since: datetime | None, mapping: MappingFile
) -> list[BackfillResult]:
    engine, row = runtime.engine, get_connection(runtime.engine, name)
    options = runtime.session_options()
    async with open_side(engine, runtime.keyring, name, "netsuite", options) as side:
        limit = int(row.config["netsuite"].get("concurrency", 4))
        suiteql = SuiteQL(side.client, limiter=AdaptiveLimiter(limit, adaptive=False))
        # --since is a moment; SuiteQL compares it in the account's time zone
        zone = account_zone(row.config["netsuite"].get("time_zone"))
        # each row travels in its event and is mapped as read: it must hold the custom fields
        reader = RecordReader(suiteql, custom_fields=mapping.custom_columns(), zone=zone)
        with _progress() as progress:
            tasks = {t: progress.add_task(t, total=None) for t in types}

            async def total(record_type: str) -> None:
                progress.update(tasks[record_type], total=await reader.count(record_type, since))

            # the totals only size the bars: counted beside the reading, not before it
            counting = [asyncio.ensure_future(total(t)) for t in types]
            try:
                results = await backfill_types(
                    engine, reader, row.id, types, since=since, parts=limit,
                    progress=lambda record_type: _advance(progress, tasks[record_type]),
                )  # fmt: skip
            except BaseException:
                for count in counting:
                    count.cancel()
                await asyncio.gather(*counting, return_exceptions=True)
                raise
            await asyncio.gather(*counting)
            return results


def backfill_command(
    ctx: typer.Context,
    connection: str,
    types: str = typer.Option(",".join(RECORD_TYPES), help="comma-separated record types"),
    since: str | None = typer.Option(None, help="only records changed since (ISO date)"),
    mapping: Path | None = MAPPING_OPTION,
) -> None:
    """Queue every record for sync; Ctrl-C is safe, running again resumes where it stopped."""
    runtime: Runtime = ctx.obj
    chosen = load_mapping(mapping).mapping if mapping else default_mapping()
    try:
        results = asyncio.run(
            _run(runtime, connection, parse_types(types), parse_moment(since, "--since"), chosen)
        )
    except KeyboardInterrupt:
        typer.echo("stopped; every finished page is saved; run the same command to resume")
        raise typer.Exit(130) from None
    for result in results:
        resumed = " (resumed where the last run stopped)" if result.resumed else ""
        typer.echo(f"{result.record_type}: {result.read} read, {result.queued} queued{resumed}")
