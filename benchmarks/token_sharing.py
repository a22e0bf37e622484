"""Token sharing under load: processes x threads calling through one connection.

Starts `ml-connector sandbox` with short token lifetimes, adds a connection to it, then runs
P worker processes with T threads each, every thread calling NetSuite (SuiteQL) and Zoho
(GET /crm/v8/org) in a loop for L token lifetimes. Reports, per simulator, how many token
requests it received (goal: one per lifetime per side) and how many calls failed (goal: 0).

    python benchmarks/token_sharing.py [--processes 2] [--threads 8] [--lifetime 20]
                                       [--lifetimes 3] [--margin 5]

Prints the figures and writes benchmarks/results/token_sharing.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from ml_connector.auth.session import SessionOptions, open_session
from ml_connector.connections import add_from_file
from ml_connector.errors import ConnectorError
from ml_connector.netsuite import SuiteQL
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine

RESULTS = Path(__file__).with_name("results")


def _start_sandbox(home: Path) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {**os.environ, "ML_CONNECTOR_HOME": str(home)}
    process = subprocess.Popen(
        [sys.executable, "-m", "ml_connector", "sandbox", "--seed", "50", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdout is not None
    return process, json.loads(process.stdout.readline())


def _configure(sandbox: dict[str, Any], lifetime: float) -> None:
    control = sandbox["control"]
    with httpx.Client() as http:
        ttl = {"token_ttl": lifetime}
        http.patch(control["netsuite"] + "/settings", json=ttl).raise_for_status()
        http.put(control["zoho"] + "/settings", json=ttl).raise_for_status()
        http.delete(control["netsuite"] + "/calls").raise_for_status()
        http.delete(control["zoho"] + "/counters").raise_for_status()


def _token_requests(sandbox: dict[str, Any]) -> dict[str, int]:
    control = sandbox["control"]
    with httpx.Client() as http:
        netsuite = http.get(control["netsuite"] + "/calls").json()["calls"]
        zoho = http.get(control["zoho"] + "/counters").json()
    zoho_calls = zoho.get("counters", zoho)
    return {
        "netsuite": sum(n for key, n in netsuite.items() if "oauth2/v1/token" in key),
        "zoho": sum(n for key, n in zoho_calls.items() if "/oauth/v2/token" in key),
    }


async def _calls(home: str, deadline: float, margin: float) -> tuple[int, int]:

    settings = load_settings({"ML_CONNECTOR_HOME": home})
    engine = open_engine(settings)
    ok = failed = 0
    options = SessionOptions(refresh_margin=margin)
    async with open_session(engine, keyring_for(settings), "bench", options) as session:
        # the connector's SuiteQL client: per-account limiter and backoff on NetSuite's 429s
        suiteql = SuiteQL(session.netsuite)
        while time.monotonic() < deadline:
            try:
                await suiteql.page("SELECT id FROM subsidiary", limit=1)
                ok += 1
            except ConnectorError as exc:
                failed += 1
                print(f"NetSuite call failed: {exc}", file=sys.stderr)
            zoho = await session.zoho.get("/crm/v8/org")
            if zoho.is_success:
                ok += 1
            else:
                failed += 1
                print(f"Zoho call failed: {zoho.status_code} {zoho.text[:200]}", file=sys.stderr)
    engine.dispose()
    return ok, failed


def _process(home: str, threads: int, deadline: float, margin: float, out: Any) -> None:
    results: list[tuple[int, int]] = []

    def run() -> None:
        try:
            results.append(asyncio.run(_calls(home, deadline, margin)))
        except Exception as exc:  # a crashed thread is a failure to report, not to hide
            print(f"worker thread failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            results.append((0, 1))

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    out.put((sum(r[0] for r in results), sum(r[1] for r in results)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--lifetime", type=float, default=20.0)
    parser.add_argument("--lifetimes", type=int, default=3)
    parser.add_argument("--margin", type=float, default=5.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        sandbox_process, sandbox = _start_sandbox(home)
        try:
            report = _measure(home, sandbox, args)
        finally:
            sandbox_process.terminate()
            sandbox_process.wait(timeout=15)
    print(json.dumps(report, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "token_sharing.json").write_text(json.dumps(report, indent=2) + "\n")


def _measure(home: Path, sandbox: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:

    config = home / "bench.json"
    config.write_text(json.dumps(sandbox))
    settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
    engine = open_engine(settings)
    add_from_file(engine, keyring_for(settings), "bench", config)
    engine.dispose()
    _configure(sandbox, args.lifetime)

    duration = args.lifetime * args.lifetimes
    deadline = time.monotonic() + duration
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(
            target=_process, args=(str(home), args.threads, deadline, args.margin, queue)
        )
        for _ in range(args.processes)
    ]
    started = time.monotonic()
    for process in processes:
        process.start()
    totals = [queue.get(timeout=duration + 120) for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    tokens = _token_requests(sandbox)
    return {
        "processes": args.processes,
        "threads_per_process": args.threads,
        "token_lifetime_s": args.lifetime,
        "refresh_margin_s": args.margin,
        "seconds": round(elapsed, 1),
        "lifetimes_covered": round(elapsed / args.lifetime, 2),
        "token_requests": tokens,
        "goal_token_requests_per_side": -(-int(elapsed) // int(args.lifetime - args.margin)),
        "calls_ok": sum(t[0] for t in totals),
        "calls_failed": sum(t[1] for t in totals),
    }


if __name__ == "__main__":
    main()
