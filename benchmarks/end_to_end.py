"""End to end: a NetSuite backfill written to Zoho, with added latency on every call.

The simulators run in two other processes (`ml-connector sandbox --latency-ms L`, one serving
NetSuite, one Zoho, as they are two services), so only the connector is measured here. The
backfill reads while the pipeline writes, as the service runs them. Reports records per second
from the start of the backfill to the last write, as a fraction of the ceiling Zoho's limits
set (10 heavy upserts in flight x 100 records per call / latency), Zoho upsert calls per record
written, the Zoho writes a second run over unchanged data makes (goal: zero), and the CPU time
the connector and each simulator spent over the measured window (on Linux), so a change's cost
per record can be compared with less noise than the rate.

    python benchmarks/end_to_end.py [--records 100000] [--latency-ms 300] [--batch 500]
                                    [--workers 6] [--in-process]

The rows are read by `ml-connector backfill` in a process of its own, as an operator runs it
beside the service, while this process drains the inbox as the worker does (its batches in
flight, its linger); ``--in-process`` reads in the draining process instead.

Prints the figures and writes benchmarks/results/end_to_end.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from ml_connector.connections import add_from_file
from ml_connector.jobs.work import JobContext
from ml_connector.mapping import default_mapping
from ml_connector.netsuite import RECORD_TYPES
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.leases import claimable
from ml_connector.store.schema import open_engine
from ml_connector.store.tables import inbox
from ml_connector.sync import backfill_types
from ml_connector.sync.pipeline import DrainReport, Pipeline
from ml_connector.sync.services import Services, open_services
from ml_connector.zoho import prepare_org

RESULTS = Path(__file__).with_name("results")
HEAVY_IN_FLIGHT, PER_CALL = 10, 100
# the worker's drain stays this long for more rows, as it does in the service
LINGER_SECONDS = float(JobContext.__dataclass_fields__["linger_seconds"].default)  # type: ignore[arg-type]
POLL_SECONDS = 0.05


def _simulator(home: Path, records: int, latency_ms: int) -> tuple[subprocess.Popen[str], Any]:
    env = {**os.environ, "ML_CONNECTOR_HOME": str(home)}
    command = [sys.executable, "-m", "ml_connector", "sandbox", "--seed", str(records)]
    process = subprocess.Popen(  # noqa: S603 - our own CLI
        [*command, "--latency-ms", str(latency_ms), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def _sandbox(
    home: Path, records: int, latency_ms: int
) -> tuple[list[subprocess.Popen[str]], dict[str, Any]]:
    """NetSuite from one simulator process, Zoho from another, as they are two services."""
    netsuite, seeded = _simulator(home, records, latency_ms)
    zoho, empty = _simulator(home, 0, latency_ms)
    described = {"netsuite": seeded["netsuite"], "zoho": empty["zoho"]}
    return [netsuite, zoho], described


def _cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU (user + system) used so far by this process and by each simulator process."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    waited = resource.getrusage(resource.RUSAGE_CHILDREN)  # the backfill process, once ended
    used = {"connector": own.ru_utime + own.ru_stime, "backfill": waited.ru_utime + waited.ru_stime}
    tick = os.sysconf("SC_CLK_TCK")
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # not Linux: only the connector's own figure
            continue
        used[name] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


def _requeue_everything(services: Services, db_ids: dict[str, list[str]], engine: Any) -> None:
    """Change events for every record again, as if NetSuite re-sent them all."""
    now = datetime.now(UTC)
    rows = [
        {"connection_id": services.connection_id, "source": "event",
         "idempotency_key": f"bench:{t}:{i}", "record_type": t, "record_id": i,
         "status": "pending", "received_at": now}
        for t, ids in db_ids.items() for i in ids
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(inbox), rows)


@dataclass
class _Feed:
    """How the rows reach the inbox: read by this process, or by `ml-connector backfill`."""

    home: Path
    separate: bool
    queued: asyncio.Event = field(default_factory=asyncio.Event)
    done_at: float | None = None

    async def read(self, engine: Engine, services: Services) -> None:
        if self.separate:
            # `ml-connector backfill` fills the inbox from its own process while the worker
            # writes, as an operator runs it next to `serve`
            env = {**os.environ, "ML_CONNECTOR_HOME": str(self.home)}
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "ml_connector", "backfill", "bench",
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
            )  # fmt: skip
            _, errors = await process.communicate()
            if process.returncode:
                raise SystemExit(f"backfill failed: {errors.decode()[-2000:]}")
        else:
            await backfill_types(
                engine, services.reader, services.connection_id, RECORD_TYPES,
                progress=lambda _type: lambda _n: self.queued.set(),
            )  # fmt: skip
        self.done_at = time.perf_counter()
        self.queued.set()

    async def rows_or_end(self, engine: Engine, connection_id: int) -> None:
        """Until rows may be claimable (the worker hears of them by a wake-up) or reading ended."""
        while self.separate and self.done_at is None:
            if claimable(engine, connection_id):
                return
            with contextlib.suppress(TimeoutError):  # another process: look again
                await asyncio.wait_for(self.queued.wait(), POLL_SECONDS)
        await self.queued.wait()


async def _write_all(
    pipeline: Pipeline, feed: _Feed, workers: int, written: list[float]
) -> DrainReport:
    """Drain until every row is written; ``written`` gets the time each batch was committed."""

    async def committed(report: DrainReport) -> None:
        written.append(time.perf_counter())

    total = DrainReport()
    while True:
        feed.queued.clear()
        read_before = feed.done_at is not None  # every row was in before this drain began
        report = await pipeline.drain(workers=workers, linger=LINGER_SECONDS, after_batch=committed)
        total += report
        if read_before and not report.claimed:
            return total
        if not report.claimed:
            await feed.rows_or_end(pipeline.engine, pipeline.connection_id)


async def _second_run(services: Services, pipeline: Pipeline, engine: Engine) -> dict[str, int]:
    """Every record again, unchanged: how many Zoho writes that makes (goal: none)."""
    ids: dict[str, list[str]] = {}
    for record_type in RECORD_TYPES:
        ids[record_type] = [
            str(r["id"]) async for page in services.reader.pages(record_type) for r in page
        ]
    _requeue_everything(services, ids, engine)
    calls_before = services.zoho.calls
    second = await pipeline.drain()
    writes = services.zoho.calls - calls_before
    return {"events": second.claimed, "unchanged": second.unchanged, "zoho_writes": writes}


async def _measure(options: argparse.Namespace, home: Path, pids: dict[str, int]) -> dict[str, Any]:
    settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
    engine = open_engine(settings)
    keyring = keyring_for(settings)
    add_from_file(engine, keyring, "bench", home / "bench.json")
    mapping = default_mapping()
    async with open_services(engine, keyring, "bench", mapping=mapping) as services:
        await prepare_org(services.zoho, mapping)
        pipeline = Pipeline(
            engine, services.connection_id, reader=services.reader, zoho=services.zoho,
            mapping=mapping, batch=options.batch, capacity=services.zoho.upsert_capacity,
        )  # fmt: skip
        feed = _Feed(home, separate=not options.in_process)
        cpu_before = _cpu_seconds(pids)
        started = time.perf_counter()
        calls_before = services.zoho.calls
        written: list[float] = []
        _, report = await asyncio.gather(
            feed.read(engine, services), _write_all(pipeline, feed, options.workers, written)
        )
        # the last write, not the end of the drain's linger (a second of waiting for more rows)
        finished = max(written)
        cpu = {k: v - cpu_before.get(k, 0.0) for k, v in _cpu_seconds(pids).items()}
        upserts = services.zoho.calls - calls_before
        second = await _second_run(services, pipeline, engine)
    engine.dispose()
    assert feed.done_at is not None
    seconds = finished - started
    ceiling = HEAVY_IN_FLIGHT * PER_CALL / (options.latency_ms / 1000)
    rate = report.written / seconds
    connector_cpu = cpu["connector"] + cpu["backfill"]
    return {
        "records_written": report.written,
        "failed": report.failed,
        "read_seconds": round(feed.done_at - started, 1),
        "write_seconds": round(finished - feed.done_at, 1),  # writing left when reading ended
        "records_per_s": round(rate),
        "ceiling_records_per_s": round(ceiling),
        "fraction_of_ceiling": round(rate / ceiling, 3),
        "zoho_calls_per_100_written": round(100 * upserts / max(report.written, 1), 3),
        "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
        "connector_cpu_us_per_record": round(1e6 * connector_cpu / max(report.written, 1)),
        "second_run": second,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=6, help="batches in flight at once")
    parser.add_argument(
        "--in-process", action="store_true",
        help="read in the writing process instead of running `ml-connector backfill` beside it",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        processes, described = _sandbox(home, args.records, args.latency_ms)
        try:
            (home / "bench.json").write_text(json.dumps(described))
            pids = {"netsuite": processes[0].pid, "zoho": processes[1].pid}
            figures = asyncio.run(_measure(args, home, pids))
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    settings = {"records": args.records, "latency_ms": args.latency_ms, "batch": args.batch}
    reader = "in-process" if args.in_process else "backfill command"
    report = settings | {"workers": args.workers, "reader": reader} | figures
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "end_to_end.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
