"""Zoho upserts: throughput against the edition's concurrency, and what 429s cost.

The Zoho simulator answers every call after --latency-ms (default 100) and, like Zoho, refuses
calls beyond the edition's in-flight limit (Standard: 10) and writes of more than 10 records
beyond 10 in flight, with 429. Runs upsert --records records (all inserts) through one stored
connection, all submitted at once:

- heavy:     calls of 100 records, client limit = the edition's 10;
- light:     calls of 10 records (not heavy), client limit 10;
- oversized: calls of 10 records, but the client believes it has 25 slots (its HTTP pool
             allows 20 in flight), so the adaptive limiter must find the org's 10;
- faulty:    heavy, plus injected 429s on --fault-rate of calls.

Each run reports records/s, share of the ceiling (limit x records per call / latency), calls,
429s seen, records journalled as failed, and the limiter's final limit.

    python benchmarks/zoho_upsert.py [--records 2000] [--latency-ms 100] [--fault-rate 0.2]

Prints the figures and writes benchmarks/results/zoho_upsert.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ml_connector.auth.session import open_side
from ml_connector.connections import add_from_file
from ml_connector.rest import RetryPolicy
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from ml_connector.zoho import ZohoCRM, key_field_spec

EDITION, EDITION_LIMIT = "standard", 10
KEY = ["NetSuite_ID"]
NETSUITE = {"account_id": "1234567", "auth": "authorization_code", "client_id": "unused"}


@dataclass(frozen=True)
class Run:
    """One measured run: how many records, how many a call, the client's limit, 429 rate."""

    records: int
    per_call: int
    limit: int
    fault_rate: float = 0.0


async def _run(home: Path, base_url: str, run: Run) -> dict[str, Any]:
    settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
    engine = open_engine(settings)
    async with open_side(engine, keyring_for(settings), "bench", "zoho") as side:
        crm = ZohoCRM(side.client, edition_limit=run.limit, policy=RetryPolicy(initial=0.1))
        await crm.create_field("Accounts", key_field_spec("NetSuite_ID"))
        if run.fault_rate:
            fault = {"kind": "status", "status": 429, "probability": run.fault_rate}
            fault["path"] = "/crm/v8/Accounts/upsert"
            async with httpx.AsyncClient() as control:
                await control.post(f"{base_url}/_sandbox/faults", json=fault)
        rows = [{"Account_Name": f"Co {i}", "NetSuite_ID": str(i)} for i in range(run.records)]
        calls = [
            crm.upsert("Accounts", rows[i : i + run.per_call], duplicate_check_fields=KEY)
            for i in range(0, run.records, run.per_call)
        ]
        started = time.perf_counter()
        results = [r for batch in await asyncio.gather(*calls) for r in batch]
        elapsed = time.perf_counter() - started
    engine.dispose()
    return {
        "seconds": round(elapsed, 2),
        "records_per_second": round(run.records / elapsed),
        "calls": crm.calls,
        "throttled": crm.throttled,
        "failed": sum(not r.ok for r in results),
        "final_limit": crm.limiter.limit,
    }


def _scenario(run: Run, latency_ms: int) -> dict[str, Any]:
    sim = ZohoSimulator(seed=1, edition=EDITION, latency_ms=latency_ms)
    with tempfile.TemporaryDirectory() as tmp, serving(sim.app) as served:
        home = Path(tmp)
        path = home / "bench.json"
        zoho = sim.credentials(served.base_url)
        path.write_text(json.dumps({"netsuite": NETSUITE, "zoho": zoho}))
        settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
        engine = open_engine(settings)
        add_from_file(engine, keyring_for(settings), "bench", path)
        engine.dispose()
        return asyncio.run(_run(home, served.base_url, run))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--fault-rate", type=float, default=0.2)
    args = parser.parse_args()
    print(f"{args.records} records, {EDITION} edition, latency {args.latency_ms} ms")
    runs = {
        "heavy": Run(args.records, 100, EDITION_LIMIT),
        "light": Run(args.records, 10, EDITION_LIMIT),
        "oversized": Run(args.records, 10, 25),
        "faulty": Run(args.records, 100, EDITION_LIMIT, args.fault_rate),
    }
    report: dict[str, Any] = {"records": args.records, "latency_ms": args.latency_ms}
    for name, run in runs.items():
        figures = _scenario(run, args.latency_ms)
        ceiling = EDITION_LIMIT * run.per_call / (args.latency_ms / 1000)
        share = figures["records_per_second"] / ceiling
        print(f"{name:<10} {json.dumps(figures)} ({share:.0%} of {ceiling:,.0f}/s)")
        report[name] = figures | {"ceiling_records_per_second": round(ceiling)}
        report[name]["fraction_of_ceiling"] = round(share, 3)
    out = Path(__file__).with_name("results") / "zoho_upsert.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
