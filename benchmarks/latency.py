"""Latency from a NetSuite change to its Zoho write, at a steady rate, 300 ms per call both sides.

The simulators run in one process (``ml-connector sandbox``), the service in another
(``ml-connector serve``, the embedded default: SQLite store and queue), with the NetSuite
simulator posting each change, signed, to the service's receiver. The account is synced first
without latency; then every call to either simulator costs ``--latency-ms`` and customers are
renamed at ``--rate`` a second for ``--seconds``, each to a name of its own. A change's
latency runs from just before the save to the commit of the audit row recording its Zoho
write (the write is confirmed by then). Goal: p99 under 2 s at 50 changes a second.

    python benchmarks/latency.py [--rate 50] [--seconds 30] [--latency-ms 300] [--records 3000]

Prints p50, p95, p99 and the maximum, and writes benchmarks/results/latency.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from ml_connector.store.keyring import encode_key, new_key
from ml_connector.store.schema import make_engine
from ml_connector.store.tables import audit

RESULTS = Path(__file__).resolve().parent / "results"
SERVING = re.compile(rb"serving on (http://\S+) as all")
PREFIX = "Latency check "


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ML_CONNECTOR_")}
    env |= {"ML_CONNECTOR_HOME": str(home), "ML_CONNECTOR_SECRET_KEYS": encode_key(new_key())}
    return env | {"ML_CONNECTOR_LOG_LEVEL": "WARNING"}


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "ml_connector", *args], env=env, check=True, capture_output=True
    )


@contextmanager
def _process(env: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "ml_connector", *args],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _first_line(log: Path, pattern: re.Pattern[bytes], process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        found = pattern.search(log.read_bytes())
        if found:
            return found.group(1).decode()
        time.sleep(0.1)  # another process: its log is all there is to watch
    raise RuntimeError(log.read_text(errors="replace")[-2000:])


@contextmanager
def _synced(env: dict[str, str], home: Path, records: int) -> Iterator[dict[str, Any]]:
    """Simulators seeded with ``records``, every record already in Zoho; their description."""
    log = home / "sandbox.log"
    command = ("sandbox", "--seed", str(records), "--json")
    with _process(env, log, *command) as sandbox:
        line = _first_line(log, re.compile(rb"^(\{.*\})$", re.MULTILINE), sandbox)
        (home / "sandbox.json").write_text(line)
        _cli(env, "connection", "add", "lat", "--config", str(home / "sandbox.json"))
        _cli(env, "setup", "zoho", "lat")
        _cli(env, "backfill", "lat")
        _cli(env, "sync", "lat")
        yield json.loads(line)


async def _changes(control: str, ids: list[str], rate: float) -> dict[str, float]:
    """Rename one customer every 1/rate seconds; when each change was made (epoch seconds)."""
    made: dict[str, float] = {}
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=control, timeout=30) as http:
        pending = []
        for number, ns_id in enumerate(ids):
            await asyncio.sleep(max(0.0, started + number / rate - time.monotonic()))
            name = f"{PREFIX}{number}"
            made[name] = time.time()
            body = {"fields": {"companyName": name}}
            pending.append(asyncio.create_task(http.patch(f"/records/customer/{ns_id}", json=body)))
        for response in await asyncio.gather(*pending):
            response.raise_for_status()
    return made


def _written(store_url: str) -> dict[str, float]:
    """When each renamed customer's write was committed, by its new name."""
    engine = make_engine(store_url)
    query = select(audit.c.payload, audit.c.created_at).where(
        audit.c.outcome == "written", audit.c.source_type == "customer"
    )
    try:
        with engine.connect() as conn:
            rows = conn.execute(query).all()
    finally:
        engine.dispose()
    written: dict[str, float] = {}
    for payload, created in rows:
        name = (payload or {}).get("Account_Name", "")
        if name.startswith(PREFIX):
            moment = created.replace(tzinfo=created.tzinfo or UTC).timestamp()
            written[name] = min(written.get(name, moment), moment)
    return written


def _wait_written(store_url: str, expected: int, timeout: float) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        written = _written(store_url)
        if len(written) >= expected or time.monotonic() > deadline:
            return written
        time.sleep(0.5)  # the service is another process: the store is polled


def _calls(control: dict[str, str]) -> dict[str, Any]:
    """Calls each simulator served while the changes were synced, by endpoint."""
    netsuite = httpx.get(control["netsuite"] + "/calls").json()["calls"]
    zoho = httpx.get(control["zoho"] + "/counters").json()
    return {"netsuite_calls": netsuite, "zoho_calls": zoho}


def _figures(made: dict[str, float], written: dict[str, float]) -> dict[str, Any]:
    delays = sorted(written[name] - made[name] for name in made if name in written)
    cuts = statistics.quantiles(delays, n=100) if len(delays) > 1 else delays * 99
    return {
        "changes": len(made),
        "written": len(delays),
        "missing": len(made) - len(delays),
        **{f"p{p}_seconds": round(cuts[p - 1], 3) for p in (50, 95, 99)},
        "max_seconds": round(delays[-1], 3) if delays else None,
        "goal_p99_under_2s": bool(delays) and cuts[98] < 2.0,
    }


def measure(rate: float, seconds: float, latency_ms: int, records: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        env = _env(home)
        with _synced(env, home, records) as sandbox:
            control = sandbox["control"]
            log = home / "serve.log"
            with _process(env, log, "serve", "--port", "0", "--poll-seconds", "600") as serve:
                base = _first_line(log, SERVING, serve)
                hook = {"url": f"{base}/hooks/netsuite/lat"}
                httpx.put(control["netsuite"] + "/webhook", json=hook).raise_for_status()
                slow = {"latency_ms": latency_ms}
                httpx.patch(control["netsuite"] + "/settings", json=slow).raise_for_status()
                httpx.put(control["zoho"] + "/settings", json=slow).raise_for_status()
                tables = httpx.get(control["netsuite"] + "/state", timeout=60).json()["tables"]
                ids = [str(row["id"]) for row in tables["customer"]][: int(rate * seconds)]
                httpx.delete(control["netsuite"] + "/calls").raise_for_status()
                httpx.delete(control["zoho"] + "/counters").raise_for_status()
                made = asyncio.run(_changes(control["netsuite"], ids, rate))
                store = f"sqlite:///{home / 'ml-connector.db'}"
                written = _wait_written(store, len(made), timeout=60 + seconds)
                calls = _calls(control)
    figures = _figures(made, written) | calls
    settings = {"rate_per_second": rate, "seconds": seconds, "latency_ms": latency_ms}
    return settings | figures | {"distinct_customers": len(ids)}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--latency-ms", type=int, default=300)
    parser.add_argument("--records", type=int, default=3000)
    args = parser.parse_args()
    report = measure(args.rate, args.seconds, args.latency_ms, args.records)
    report |= {"cpus": os.cpu_count(), "measured_at": datetime.now(UTC).isoformat()}
    for name, value in report.items():
        print(f"{name:>20}: {value}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latency.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
