"""Webhook receiver: sustained NetSuite change events accepted (committed) per second.

The web role (``ml-connector serve --role web``) runs in its own process over SQLite (the
embedded default) and over PostgreSQL with a Redis queue (scaled out). A load process posts
correctly signed events, each for its own record, from many concurrent clients for a fixed
time; an event counts as accepted when the receiver answered 202, i.e. after its inbox row was
committed. Afterwards the inbox is counted, so the figure is rows stored, not answers. Also
reports the answer latency percentiles seen by the clients.

    python benchmarks/receiver.py [--seconds 20] [--clients 32] [--stores sqlite,postgresql]
                                  [--database-url postgresql://postgres@127.0.0.1:5432/test]

PostgreSQL gets a scratch database (created and dropped) and Redis database 15 (flushed).
Prints the figures and writes benchmarks/results/receiver.json.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import redis
from sqlalchemy import func, select

from ml_connector.sandbox.netsuite.events import ChangeEvent, sign
from ml_connector.store.keyring import encode_key, new_key
from ml_connector.store.schema import make_engine
from ml_connector.store.tables import inbox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.scale_kill import scratch_database  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
ACCOUNT = "1234567"
REDIS_URL = "redis://127.0.0.1:6379/15"
SERVING = re.compile(rb"serving on (http://\S+) as web")


def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ML_CONNECTOR_")}
    env |= {"ML_CONNECTOR_HOME": str(home), "ML_CONNECTOR_SECRET_KEYS": encode_key(new_key())}
    env["ML_CONNECTOR_LOG_LEVEL"] = "WARNING"
    if database_url:
        env |= {"ML_CONNECTOR_DATABASE_URL": database_url, "ML_CONNECTOR_QUEUE_URL": REDIS_URL}
    return env


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "ml_connector", *args], env=env, check=True, capture_output=True
    )


@contextmanager
def web_role(home: Path, database_url: str | None, secret: str) -> Iterator[tuple[str, str]]:
    """A connection ``bench`` and the web role serving it; its base URL and store URL."""
    env = _env(home, database_url)
    config = home / "bench.json"
    netsuite = {"account_id": ACCOUNT, "auth": "authorization_code", "client_id": "unused"}
    zoho = {"client_id": "unused", "client_secret": "unused"}
    config.write_text(json.dumps({"netsuite": netsuite | {"webhook_secret": secret}, "zoho": zoho}))
    if database_url:
        redis.Redis.from_url(REDIS_URL).flushdb()
        _cli(env, "db", "upgrade")
    _cli(env, "connection", "add", "bench", "--config", str(config))
    log = home / "web.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "ml_connector", "serve", "--role", "web", "--port", "0"],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield _served(log, process), database_url or f"sqlite:///{home / 'ml-connector.db'}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _served(log: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        found = SERVING.search(log.read_bytes())
        if found:
            return found.group(1).decode()
        time.sleep(0.1)  # the server is another process: its log is all there is to watch
    raise RuntimeError(f"the web role did not start: {log.read_text(errors='replace')[-2000:]}")


def _signed(secret: str, number: int) -> tuple[bytes, dict[str, str]]:
    event = ChangeEvent(
        event_id=str(uuid.uuid4()), account=ACCOUNT, record_type="customer",
        record_id=str(number), event_type="edit",
        occurred_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        execution_context="USERINTERFACE",
    )  # fmt: skip
    body, now = event.body(), int(time.time())
    headers = {
        "content-type": "application/json",
        "webhook-id": event.event_id,
        "webhook-timestamp": str(now),
        "webhook-signature": sign(secret, event.event_id, now, body),
    }
    return body, headers


async def _load(url: str, secret: str, seconds: float, clients: int) -> dict[str, Any]:
    """Post signed events from ``clients`` concurrent clients for ``seconds``."""
    counter = iter(range(1, 10**9))
    answers: dict[str, int] = {}
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def client(http: httpx.AsyncClient) -> None:
        while time.monotonic() < deadline:
            body, headers = _signed(secret, next(counter))
            sent = time.perf_counter()
            try:
                status = str((await http.post(url, content=body, headers=headers)).status_code)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            latencies.append(time.perf_counter() - sent)
            answers[status] = answers.get(status, 0) + 1

    limits = httpx.Limits(max_connections=clients)
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    return {"answers": answers, "latencies": latencies, "seconds": time.monotonic() - started}


def _percentiles(values: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(values, n=100) if len(values) > 1 else values * 99
    return {f"p{p}_ms": round(cuts[p - 1] * 1000, 1) for p in (50, 95, 99)}


def _stored(store_url: str) -> int:
    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(inbox)).scalar_one())
    finally:
        engine.dispose()


def measure(store: str, database_url: str | None, seconds: float, clients: int) -> dict[str, Any]:
    """Accepted events per second for one store."""
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with (
        tempfile.TemporaryDirectory() as tmp,
        web_role(Path(tmp), database_url, secret) as (
            base,
            store_url,
        ),
    ):
        load = asyncio.run(_load(f"{base}/hooks/netsuite/bench", secret, seconds, clients))
        stored = _stored(store_url)
    accepted = load["answers"].get("202", 0)
    return {
        "store": store,
        "clients": clients,
        "seconds": round(load["seconds"], 1),
        "answers": load["answers"],
        "inbox_rows": stored,
        "accepted_per_second": round(accepted / load["seconds"], 1),
        "stored_per_second": round(stored / load["seconds"], 1),
        **_percentiles(load["latencies"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--stores", default="sqlite,postgresql")
    default_url = os.environ.get("ML_CONNECTOR_TEST_DATABASE_URL", "")
    parser.add_argument(
        "--database-url", default=default_url or "postgresql://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    report: dict[str, Any] = {"cpus": os.cpu_count()}
    for store in args.stores.split(","):
        if store == "sqlite":
            report[store] = measure(store, None, args.seconds, args.clients)
        else:
            with scratch_database(args.database_url) as url:
                report[store] = measure(store, url, args.seconds, args.clients)
        print(json.dumps(report[store]), flush=True)
    report["measured_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "receiver.json").write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
