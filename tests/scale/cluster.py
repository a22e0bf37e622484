"""A scaled-out deployment run for real: each part its own process, over PostgreSQL and Redis.

The simulators run in one ``ml-connector sandbox`` process, the connector's roles each in an
``ml-connector serve`` process, all on loopback; the harness only starts and kills processes,
delivers change events as inbox rows, and reads the store and the simulators' control APIs.
Shared by ``tests/scale`` and ``benchmarks/scale_kill.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import redis
from sqlalchemy import Engine, func, select

from ml_connector.netsuite import RECORD_TYPES
from ml_connector.store.inbox import NewEvent, enqueue_many
from ml_connector.store.keyring import encode_key, new_key
from ml_connector.store.schema import make_engine
from ml_connector.store.tables import audit, connections, inbox

__all__ = ["MODULES", "REDIS_URL", "Cluster", "NotInTimeError", "cluster", "wait_until"]

REDIS_URL = "redis://127.0.0.1:6379/15"
MODULES = {"customer": "Accounts", "vendor": "Vendors", "contact": "Contacts"}
CONNECTION = "acme"
POLL_INTERVAL = 0.2  # the processes are external: the store is polled, within a deadline
T = TypeVar("T")
Record = tuple[str, str]  # (NetSuite record type, internal id)


class NotInTimeError(AssertionError):
    """A condition on the running deployment did not come true in time."""


def wait_until(
    condition: Callable[[], T | None], *, timeout: float, what: str, check: Callable[[], None]
) -> T:
    """``condition()``'s first truthy value, polled until ``timeout`` seconds have passed.

    ``check`` runs before each poll, so a process that died unexpectedly fails the wait at once
    instead of at its deadline.
    """
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        check()
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise NotInTimeError(f"{what}: not within {timeout:.0f} s")
        pause.wait(POLL_INTERVAL)


@dataclass
class Cluster:
    """The running deployment: its environment, its processes and the store they share."""

    tmp: Path
    env: dict[str, str]
    engine: Engine
    sandbox: dict[str, Any]
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    killed: set[str] = field(default_factory=set)

    def cli(self, *args: str) -> str:
        """Run one ``ml-connector`` command to completion; its output."""
        done = subprocess.run(  # noqa: S603  # our own CLI, arguments from this module
            [sys.executable, "-m", "ml_connector", *args],
            env=self.env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise AssertionError(f"ml-connector {' '.join(args)}: {done.stderr or done.stdout}")
        return done.stdout

    def start(self, name: str, *args: str) -> None:
        """Start ``ml-connector serve ARGS`` as process ``name``, its output to a log file."""
        log = (self.tmp / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(  # noqa: S603  # our own CLI
            [sys.executable, "-m", "ml_connector", "serve", *args],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()

    def kill(self, name: str) -> None:
        """SIGKILL process ``name`` and reap it: no handler runs, nothing is released."""
        process = self.processes[name]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        self.killed.add(name)

    def kill_when(self, name: str, condition: Callable[[], object], *, timeout: float) -> None:
        """SIGKILL ``name`` at a moment ``condition()`` holds while the process stands still.

        Each check freezes the process (SIGSTOP) first, so it cannot finish its batch between
        the check and the kill; when the condition fails it is thawed and checked again.
        """
        process = self.processes[name]

        def frozen_when_true() -> bool:
            process.send_signal(signal.SIGSTOP)
            if condition():
                return True
            process.send_signal(signal.SIGCONT)
            return False

        what = f"{name} ready to be killed"
        wait_until(frozen_when_true, timeout=timeout, what=what, check=self.check_alive)
        self.kill(name)  # a frozen process dies as surely: SIGKILL needs no cooperation

    def check_alive(self) -> None:
        """Fail if a process not killed on purpose has exited."""
        for name, process in self.processes.items():
            if name not in self.killed and process.poll() is not None:
                log = (self.tmp / f"{name}.log").read_text(errors="replace")[-2000:]
                raise AssertionError(f"{name} exited with {process.returncode}:\n{log}")

    def stop_all(self) -> None:
        """SIGTERM every process still running, then SIGKILL those that linger."""
        running = [p for p in self.processes.values() if p.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    @property
    def connection_id(self) -> int:
        query = select(connections.c.id).where(connections.c.name == CONNECTION)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def netsuite_records(self) -> list[Record]:
        """Every customer, vendor and contact in the simulated account."""
        url = self.sandbox["control"]["netsuite"] + "/state"
        tables = httpx.get(url, timeout=60).json()["tables"]
        return [(kind, str(row["id"])) for kind in RECORD_TYPES for row in tables[kind]]

    def deliver(self, records: Sequence[Record], *, chunk: int, tag: str = "") -> None:
        """Commit one change event per record, ``chunk`` rows a transaction (a webhook's rows).

        The payload is empty, as in a NetSuite change event: the drain fetches each record.
        """
        connection_id = self.connection_id
        for start in range(0, len(records), chunk):
            events = [
                NewEvent(f"scale{tag}:{kind}:{ns_id}", kind, ns_id)
                for kind, ns_id in records[start : start + chunk]
            ]
            with self.engine.begin() as conn:
                enqueue_many(
                    conn, connection_id, source="netsuite_event", events=events,
                    received_at=datetime.now(UTC),
                )  # fmt: skip

    def inbox_statuses(self) -> Counter[str]:
        """How many inbox rows are in each status."""
        query = select(inbox.c.status, func.count()).group_by(inbox.c.status)
        with self.engine.connect() as conn:
            return Counter({status: int(n) for status, n in conn.execute(query)})

    def leased_rows(self) -> list[int]:
        """Ids of the rows leased right now."""
        query = select(inbox.c.id).where(inbox.c.status == "leased")
        with self.engine.connect() as conn:
            return [int(i) for i in conn.execute(query).scalars()]

    def attempts(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Status and attempt count of the given inbox rows."""
        query = select(inbox.c.id, inbox.c.status, inbox.c.attempts).where(inbox.c.id.in_(ids))
        with self.engine.connect() as conn:
            return {int(i): (s, int(a)) for i, s, a in conn.execute(query)}

    def last_done(self, ids: Sequence[int]) -> datetime | None:
        """When the last of the given inbox rows was finished."""
        query = select(func.max(inbox.c.done_at)).where(inbox.c.id.in_(ids))
        with self.engine.connect() as conn:
            done: datetime | None = conn.execute(query).scalar_one()
        return done

    def drained(self) -> Counter[str] | None:
        """The statuses once no row is pending or leased, else None."""
        statuses = self.inbox_statuses()
        return None if statuses["pending"] or statuses["leased"] else statuses

    def audit_outcomes(self) -> dict[str, set[Record]]:
        """The records with an audit row of each outcome."""
        query = select(audit.c.outcome, audit.c.source_type, audit.c.source_id).distinct()
        outcomes: dict[str, set[Record]] = {}
        with self.engine.connect() as conn:
            for outcome, kind, ns_id in conn.execute(query):
                outcomes.setdefault(outcome, set()).add((kind, ns_id))
        return outcomes

    def zoho_keys(self) -> dict[str, list[str]]:
        """The NetSuite ids of every Zoho record of each module, repeats included."""
        url = self.sandbox["control"]["zoho"] + "/state"
        state = httpx.get(url, timeout=60).json()
        return {
            module: [str(r.get("NetSuite_ID")) for r in state["records"].get(module, [])]
            for module in MODULES.values()
        }


def _flush_redis() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


def _start_sandbox(tmp: Path, records: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = _clean_env() | {"ML_CONNECTOR_HOME": str(tmp / "sandbox-home")}
    process = subprocess.Popen(  # noqa: S603  # our own CLI
        [sys.executable, "-m", "ml_connector", "sandbox", "--seed", str(records), "--json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.kill()
        raise AssertionError("the sandbox exited before printing its credentials")
    return process, json.loads(line)


def _clean_env() -> dict[str, str]:
    """This process's environment without any ML_CONNECTOR_* setting (they would leak in)."""
    environ = dict(os.environ)  # noqa: TID251  # children inherit PATH and the like
    return {k: v for k, v in environ.items() if not k.startswith("ML_CONNECTOR_")}


@contextlib.contextmanager
def cluster(
    tmp: Path, database_url: str, *, records: int, lease_seconds: float
) -> Iterator[Cluster]:
    """Simulators seeded with ``records`` records, a migrated store, connection ``acme`` set up.

    No role is started: the caller starts them. Every process is stopped on the way out and
    Redis database 15 is flushed before and after.
    """
    _flush_redis()
    sandbox, description = _start_sandbox(tmp, records)
    engine = make_engine(database_url)
    env = _clean_env() | {
        "ML_CONNECTOR_HOME": str(tmp / "home"),
        "ML_CONNECTOR_DATABASE_URL": database_url,
        "ML_CONNECTOR_QUEUE_URL": REDIS_URL,
        "ML_CONNECTOR_SECRET_KEYS": encode_key(new_key()),
        "ML_CONNECTOR_LEASE_SECONDS": str(lease_seconds),
        "ML_CONNECTOR_LOG_LEVEL": "WARNING",
    }
    running = Cluster(tmp, env, engine, description)
    try:
        config = tmp / "sandbox.json"
        config.write_text(json.dumps(description))
        running.cli("db", "upgrade")
        running.cli("connection", "add", CONNECTION, "--config", str(config))
        running.cli("setup", "zoho", CONNECTION)
        yield running
    finally:
        running.stop_all()
        sandbox.kill()
        sandbox.wait(timeout=10)
        if sandbox.stdout is not None:
            sandbox.stdout.close()
        engine.dispose()
        _flush_redis()
