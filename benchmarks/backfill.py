"""Backfill: read throughput against the concurrency ceiling, and memory against table size.

Throughput: the NetSuite simulator answers every SuiteQL page after --latency-ms (default 300);
with a per-account limit of C concurrent calls the ceiling is C x 1000 rows / latency. The
backfill of customers is measured with 1 id range (a single key-paged sequence) and with C
ranges, and reported as rows/s and as a fraction of the ceiling.

Memory: the backfill of every record type runs in a fresh process against a simulator in
another process (so only the connector is measured), once with --small records and once with
--large; the peak resident set sizes should be the same within 20%.

    python benchmarks/backfill.py [--latency-ms 300] [--concurrency 4] [--records 40000]
                                  [--small 20000] [--large 200000]

Prints the figures and writes benchmarks/results/backfill.json.
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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from ml_connector.auth.session import open_side
from ml_connector.connections import add_from_file
from ml_connector.netsuite import RECORD_TYPES, RecordReader, SuiteQL
from ml_connector.rest import AdaptiveLimiter
from ml_connector.settings import load_settings
from ml_connector.store.connections import get_connection
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from ml_connector.sync import backfill

RESULTS = Path(__file__).with_name("results")


def _connect(home: Path, netsuite: dict[str, Any]) -> None:
    path = home / "bench.json"
    path.write_text(
        json.dumps({"netsuite": netsuite, "zoho": {"client_id": "x", "client_secret": "y"}})
    )
    settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
    engine = open_engine(settings)
    add_from_file(engine, keyring_for(settings), "bench", path)
    engine.dispose()


async def _backfill(home: Path, types: tuple[str, ...], concurrency: int, parts: int) -> int:
    settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
    engine = open_engine(settings)
    connection_id = get_connection(engine, "bench").id
    read = 0
    async with open_side(engine, keyring_for(settings), "bench", "netsuite") as side:
        limiter = AdaptiveLimiter(concurrency, adaptive=False)
        reader = RecordReader(SuiteQL(side.client, limiter=limiter))
        for record_type in types:
            result = await backfill(engine, reader, connection_id, record_type, parts=parts)
            read += result.read
    engine.dispose()
    return read


def throughput(latency_ms: int, concurrency: int, records: int) -> dict[str, Any]:
    """Rows/s of a customer backfill with 1 range and with ``concurrency`` ranges."""
    figures: dict[str, Any] = {}
    ceiling = concurrency * 1000 / (latency_ms / 1000)
    for parts in (1, concurrency):
        with _sandbox(records) as (home, described):
            control = described["control"]["netsuite"]
            rule = {"kind": "latency", "path": "/services/rest/query/v1/suiteql"}
            httpx.post(
                control + "/faults", json=rule | {"latency_ms": latency_ms}
            ).raise_for_status()
            httpx.patch(
                control + "/settings", json={"concurrency": concurrency + 1}
            ).raise_for_status()
            _connect(home, described["netsuite"])
            started = time.perf_counter()
            rows = asyncio.run(_backfill(home, ("customer",), concurrency, parts))
            seconds = time.perf_counter() - started
        rate = rows / seconds
        figures[f"ranges_{parts}"] = {
            "rows": rows,
            "seconds": round(seconds, 2),
            "rows_per_s": round(rate),
            "fraction_of_ceiling": round(rate / ceiling, 3),
        }
    head = {"latency_ms": latency_ms, "concurrency": concurrency}
    return head | {"ceiling_rows_per_s": round(ceiling)} | figures


@contextlib.contextmanager
def _sandbox(records: int) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The simulators in their own process (so only the connector is measured here)."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = {**os.environ, "ML_CONNECTOR_HOME": str(home)}
        sandbox = subprocess.Popen(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "ml_connector", "sandbox", "--seed", str(records), "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
        )  # fmt: skip
        try:
            assert sandbox.stdout is not None
            yield home, json.loads(sandbox.stdout.readline())
        finally:
            sandbox.terminate()
            sandbox.wait(timeout=30)


def _child(home: str) -> None:
    """In a fresh process: backfill everything, print the peak RSS in KiB."""
    rows = asyncio.run(_backfill(Path(home), RECORD_TYPES, 4, 4))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "peak_rss_kib": peak}))


def memory(records: int) -> dict[str, Any]:
    """Peak RSS of a process that backfills ``records`` generated records."""
    with _sandbox(records) as (home, described):
        _connect(home, described["netsuite"])
        started = time.perf_counter()
        out = subprocess.run(  # noqa: S603 - this script, as a child
            [sys.executable, __file__, "--child", str(home)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        figures["seconds"] = round(time.perf_counter() - started, 1)
    return {"records": records} | figures


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--records", type=int, default=40_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    report: dict[str, Any] = {
        "throughput": throughput(args.latency_ms, args.concurrency, args.records)
    }
    print(json.dumps(report, indent=2), flush=True)
    small, large = memory(args.small), memory(args.large)
    report["memory"] = {
        "small": small,
        "large": large,
        "large_over_small": round(large["peak_rss_kib"] / small["peak_rss_kib"], 3),
    }
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "backfill.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
