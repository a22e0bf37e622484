"""End to end: a NetSuite backfill written to Zoho, with added latency on every call.

The simulators run in two other processes (`ml-connector sandbox --latency-ms L`, one serving
NetSuite, one Zoho, as they are two services), so only the connector is measured here. The
backfill reads while the pipeline writes, as the service runs
them (the worker drains what each committed page queued). Reports records per second from the
start of the backfill to the last write, as a fraction of the ceiling Zoho's limits set (10 heavy
upserts in flight x 100 records per call / latency), Zoho upsert calls per record written, and
the Zoho writes a second run over unchanged data makes (goal: zero), and the CPU time the
connector and each simulator spent over the measured window (on Linux), so a change's cost per
record can be compared with less noise than the rate.

    python benchmarks/end_to_end.py [--records 100000] [--latency-ms 300] [--batch 500]
                                    [--workers 6]

Prints the figures and writes benchmarks/results/end_to_end.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from ml_connector.connections import add_from_file
from ml_connector.jobs.work import JobContext
from ml_connector.mapping import default_mapping
from ml_connector.netsuite import RECORD_TYPES
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from ml_connector.store.tables import inbox
from ml_connector.sync import backfill_types
from ml_connector.sync.pipeline import DrainReport, Pipeline
from ml_connector.sync.services import Services, open_services
from ml_connector.zoho import prepare_org

RESULTS = Path(__file__).with_name("results")
HEAVY_IN_FLIGHT, PER_CALL = 10, 100
# the worker's drain stays this long for more rows, as it does in the service
LINGER_SECONDS: float = JobContext.__dataclass_fields__["linger_seconds"].default


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
    used = {"connector": own.ru_utime + own.ru_stime}
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


async def _measure(
    home: Path, batch: int, latency_ms: int, workers: int, pids: dict[str, int]
) -> dict[str, Any]:
    settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
    engine = open_engine(settings)
    keyring = keyring_for(settings)
    add_from_file(engine, keyring, "bench", home / "bench.json")
    mapping = default_mapping()
    async with open_services(engine, keyring, "bench", mapping=mapping) as services:
        await prepare_org(services.zoho, mapping)
        pipeline = Pipeline(
            engine, services.connection_id, reader=services.reader, zoho=services.zoho,
            mapping=mapping, batch=batch, capacity=services.zoho.upsert_capacity,
        )  # fmt: skip
        cpu_before = _cpu_seconds(pids)
        started = time.perf_counter()
        calls_before = services.zoho.calls
        queued = asyncio.Event()
        reading: list[float] = []

        async def read_all() -> None:
            await backfill_types(
                engine, services.reader, services.connection_id, RECORD_TYPES,
                progress=lambda _type: lambda _n: queued.set(),
            )  # fmt: skip
            reading.append(time.perf_counter())
            queued.set()

        async def write_all() -> DrainReport:
            total = DrainReport()
            while True:
                queued.clear()
                report = await pipeline.drain(workers=workers, linger=LINGER_SECONDS)
                total += report
                if reading and not report.claimed:
                    return total
                if not report.claimed:
                    await queued.wait()

        _, report = await asyncio.gather(read_all(), write_all())
        read_done = reading[0]
        finished = time.perf_counter()
        cpu = {k: v - cpu_before.get(k, 0.0) for k, v in _cpu_seconds(pids).items()}
        upserts = services.zoho.calls - calls_before
        ids: dict[str, list[str]] = {}
        for record_type in RECORD_TYPES:
            ids[record_type] = [
                str(r["id"]) async for page in services.reader.pages(record_type) for r in page
            ]
        _requeue_everything(services, ids, engine)
        calls_before = services.zoho.calls
        second = await pipeline.drain()
        second_writes = services.zoho.calls - calls_before
    engine.dispose()
    seconds = finished - started
    ceiling = HEAVY_IN_FLIGHT * PER_CALL / (latency_ms / 1000)
    rate = report.written / seconds
    return {
        "records_written": report.written,
        "failed": report.failed,
        "read_seconds": round(read_done - started, 1),
        "write_seconds": round(finished - read_done, 1),  # writing left when reading ended
        "records_per_s": round(rate),
        "ceiling_records_per_s": round(ceiling),
        "fraction_of_ceiling": round(rate / ceiling, 3),
        "write_phase_fraction_of_ceiling": round(rate / ceiling, 3),  # phases overlap
        "zoho_calls_per_100_written": round(100 * upserts / max(report.written, 1), 3),
        "cpu_seconds": {k: round(v, 1) for k, v in cpu.items()},
        "connector_cpu_us_per_record": round(1e6 * cpu["connector"] / max(report.written, 1)),
        "second_run": {
            "events": second.claimed,
            "unchanged": second.unchanged,
            "zoho_writes": second_writes,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--workers", type=int, default=6, help="batches in flight at once")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        processes, described = _sandbox(home, args.records, args.latency_ms)
        try:
            (home / "bench.json").write_text(json.dumps(described))
            pids = {"netsuite": processes[0].pid, "zoho": processes[1].pid}
            figures = asyncio.run(_measure(home, args.batch, args.latency_ms, args.workers, pids))
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=30)
    settings = {"records": args.records, "latency_ms": args.latency_ms, "batch": args.batch}
    report = settings | {"workers": args.workers} | figures
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "end_to_end.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
