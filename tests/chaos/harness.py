"""Chaos on a running deployment: faults on both simulators while a backfill and live edits run.

Builds on the scaled-out harness (:mod:`tests.scale.cluster`): simulators in one ``ml-connector
sandbox`` process, the web role, the scheduler and a worker each an ``ml-connector serve``
process over PostgreSQL and Redis, and the backfill an ``ml-connector backfill`` process. From
the start both simulators inject 429s, 5xx, dropped connections and latency spikes (a few on a
schedule, so each kind certainly lands, the rest at a seeded rate). Meanwhile people edit
records in NetSuite (the simulator posts each change, signed, to the web role) and in Zoho
(the simulator calls back through the notification channel), every access token is expired
early, the channel is dropped early, and the worker is SIGKILLed and replaced twice.

Zoho edits are made before the channel is dropped and after the connector has replaced it, not
in between: Zoho posts nothing for a change made while no channel exists, so such an edit is
found only by ``reconcile`` (and repaired by ``reconcile --fix``), which would be a finding of
the final check rather than of the run.

Afterwards the harness can tell what the simulators did to the calls (their counters) and what
the connector made of it: reconciliation, Zoho's records and the audit trail. Shared by
``tests/chaos`` and ``benchmarks/chaos.py``.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from ml_connector.store.channels import active_channel
from ml_connector.store.tables import audit, links, locks
from tests.scale.cluster import Cluster, NotInTimeError, Record, cluster, wait_until

__all__ = ["NETSUITE_FAULTS", "ZOHO_FAULTS", "Chaos", "ChaosPlan", "chaos", "run_chaos"]

LOG_PORT = re.compile(rb"serving on http://127\.0\.0\.1:(\d+)")
NETSUITE_TOKEN = "POST /services/rest/auth/oauth2/v1/token"
ZOHO_TOKEN = "POST /oauth/v2/token"
FINAL = {"written", "unchanged"}
# What a person types into each module's name field, and the NetSuite field behind it.
NAME_FIELDS = {"Accounts": "Account_Name", "Vendors": "Vendor_Name", "Contacts": "Last_Name"}
ZOHO_RENAME = "Renamed in Zoho "
NETSUITE_NAMES = {"customer": "companyName", "vendor": "companyName", "contact": "lastName"}

# Scheduled faults hit the first matching calls, so every kind lands; rates add the noise.
NETSUITE_FAULTS: tuple[dict[str, Any], ...] = (
    {"kind": "429", "path": "/services/rest/query", "after": 2, "count": 2},
    {"kind": "503", "path": "/services/rest/query", "after": 5, "count": 1},
    {"kind": "500", "path": "/services/rest/query", "after": 8, "count": 1},
    {"kind": "reset", "path": "/services/rest/query", "after": 11, "count": 2},
    {"kind": "latency", "path": "/services/", "after": 1, "count": 3, "latency_ms": 1500},
    {"kind": "429", "path": "/services/rest/query", "probability": 0.04},
    {"kind": "503", "path": "/services/", "probability": 0.02},
    {"kind": "reset", "path": "/services/rest/query", "probability": 0.02},
    {"kind": "latency", "path": "/services/", "probability": 0.03, "latency_ms": 1200},
)
# Zoho's scheduled faults fire on the next matching calls, all at once when they overlap (and
# only the first failure is done), so each kind gets paths of its own.
ZOHO_FAULTS: tuple[dict[str, Any], ...] = (
    {"kind": "status", "status": 429, "path": "/crm/v8/Accounts/upsert", "count": 2},
    {"kind": "status", "status": 500, "path": "/crm/v8/Vendors/upsert", "count": 1},
    {"kind": "reset", "path": "/crm/v8/Contacts/upsert", "count": 2},
    {"kind": "latency", "path": "/crm/v8/actions/watch", "count": 3, "latency_ms": 1500},
    {"kind": "status", "status": 429, "path": "/crm/v8/", "probability": 0.04},
    {"kind": "status", "status": 503, "path": "/crm/v8/", "probability": 0.02},
    {"kind": "reset", "path": "/crm/v8/", "probability": 0.02},
    {"kind": "latency", "path": "/crm/v8/", "probability": 0.03, "latency_ms": 1200},
)


@dataclass(frozen=True)
class ChaosPlan:
    """How big the run is: seeded records, live edits on each side, NetSuite records created."""

    records: int = 300
    netsuite_edits: int = 60
    netsuite_creates: int = 5
    zoho_edits: int = 16
    edit_pause: float = 0.05  # between two NetSuite edits: a stream, not one burst
    latency_ms: int = 50  # every call to either simulator
    lease_seconds: float = 5.0
    poll_seconds: float = 2.0


@dataclass
class Chaos:
    """A deployment under chaos: the cluster, plus what was done to it and when."""

    running: Cluster
    plan: ChaosPlan
    public_url: str = ""
    edited_in_netsuite: set[Record] = field(default_factory=set)
    created_in_netsuite: set[Record] = field(default_factory=set)
    edited_in_zoho: set[Record] = field(default_factory=set)
    expired: dict[str, int] = field(default_factory=Counter)
    token_calls_at_expiry: dict[str, int] = field(default_factory=dict)
    channels_seen: list[str] = field(default_factory=list)
    kills: int = 0
    backfill: subprocess.Popen[bytes] | None = None
    _editor: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    # --- the simulators' control APIs -------------------------------------------------------

    def control(self, side: str, method: str, path: str, body: Any = None) -> Any:
        url = self.running.sandbox["control"][side] + path
        response = httpx.request(method, url, json=body, timeout=60)
        response.raise_for_status()
        return response.json() if response.content else None

    def inject_faults(self) -> None:
        """Turn every fault on, on both sides, before any work starts.

        Every call also costs ``plan.latency_ms``, as over a real network: a batch then stays
        leased long enough for a kill to find it.
        """
        slow = {"latency_ms": self.plan.latency_ms}
        self.control("netsuite", "PATCH", "/settings", slow)
        self.control("zoho", "PUT", "/settings", slow)
        for rule in NETSUITE_FAULTS:
            self.control("netsuite", "POST", "/faults", rule)
        for rule in ZOHO_FAULTS:
            self.control("zoho", "POST", "/faults", rule)

    def clear_faults(self) -> None:
        """Faults off, so the final checks read both systems as they are."""
        self.control("netsuite", "DELETE", "/faults")
        self.control("zoho", "DELETE", "/faults")

    def injected(self) -> dict[str, Counter[str]]:
        """Faults actually done to calls, per side and kind (429, 5xx, reset, latency)."""
        netsuite: Counter[str] = Counter()
        for rule in self.control("netsuite", "GET", "/faults")["faults"]:
            netsuite[_kind(rule["kind"])] += rule["fired"]
        zoho: Counter[str] = Counter()
        for kind, count in self.control("zoho", "GET", "/faults")["injected"].items():
            zoho[_kind(kind)] += count
        return {"netsuite": netsuite, "zoho": zoho}

    def token_calls(self) -> dict[str, int]:
        """How many tokens each side has issued so far."""
        netsuite = self.control("netsuite", "GET", "/calls")["calls"]
        zoho = self.control("zoho", "GET", "/counters")
        return {"netsuite": netsuite.get(NETSUITE_TOKEN, 0), "zoho": zoho.get(ZOHO_TOKEN, 0)}

    def expire_tokens(self) -> None:
        """Every access token on both sides expires now, long before its time."""
        self.token_calls_at_expiry = self.token_calls()
        for side in ("netsuite", "zoho"):
            self.expired[f"{side} tokens"] += self.control(side, "POST", "/tokens/expire")[
                "expired"
            ]

    def zoho_channels(self) -> list[str]:
        """Ids of the channels Zoho holds right now."""
        return [c["channel_id"] for c in self.control("zoho", "GET", "/state")["channels"]]

    def expire_channel(self) -> None:
        """Zoho drops the connection's channel early; waits until the connector replaced it."""
        (dropped,) = wait_until(
            self.zoho_channels, timeout=60, what="a Zoho channel", check=self.running.check_alive
        )
        self.channels_seen.append(dropped)
        self.expired["zoho channels"] += self.control("zoho", "POST", "/channels/expire", {})[
            "expired"
        ]
        # A worker killed during an upkeep holds the channel lock until it expires (two minutes).
        try:
            replaced = wait_until(
                lambda: [c for c in self.zoho_channels() if c != dropped],
                timeout=150, what="the dropped channel replaced", check=self.running.check_alive,
            )  # fmt: skip
        except NotInTimeError as exc:
            raise NotInTimeError(f"{exc}; locks held: {self.locks()}") from None
        self.channels_seen.extend(replaced)

    def locks(self) -> list[tuple[str, str]]:
        """The store's named locks held now (not expired), and until when."""
        query = select(locks.c.name, locks.c.expires_at).where(
            locks.c.expires_at > datetime.now(UTC)
        )
        with self.running.engine.connect() as conn:
            return [(name, expires.isoformat()) for name, expires in conn.execute(query)]

    # --- the deployment -----------------------------------------------------------------------

    def start_web(self) -> None:
        """The web role on a free port; NetSuite's webhook and Zoho's channels point at it."""
        self.running.start("web", "--role", "web", "--port", "0")
        log = self.running.tmp / "web.log"

        def port() -> str | None:
            found = LOG_PORT.search(log.read_bytes())
            return found.group(1).decode() if found else None

        alive = self.running.check_alive
        served = wait_until(port, timeout=60, what="web role serving", check=alive)
        self.public_url = f"http://127.0.0.1:{served}"
        hook = f"{self.public_url}/hooks/netsuite/acme"
        self.control("netsuite", "PUT", "/webhook", {"url": hook})

    def background_role(self, name: str, role: str) -> None:
        seconds = str(self.plan.poll_seconds)
        self.running.start(
            name, "--role", role, "--workers", "2", "--poll-seconds", seconds,
            "--channel-seconds", seconds, "--public-url", self.public_url,
        )  # fmt: skip

    def start_backfill(self) -> None:
        log = (self.running.tmp / "backfill.log").open("wb")
        self.backfill = subprocess.Popen(  # our own CLI
            [sys.executable, "-m", "ml_connector", "backfill", "acme"],
            env=self.running.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()

    def backfill_finished(self) -> bool:
        assert self.backfill is not None
        return self.backfill.poll() is not None

    def wait_backfill(self) -> None:
        """Wait for the backfill to end; fail if it did not succeed."""
        alive = self.running.check_alive
        wait_until(self.backfill_finished, timeout=300, what="backfill finished", check=alive)
        assert self.backfill is not None
        assert self.backfill.returncode == 0, self.backfill_log()

    def backfill_log(self) -> str:
        return (self.running.tmp / "backfill.log").read_text(errors="replace")

    def kill_worker(self, victim: str, successor: str) -> None:
        """SIGKILL ``victim`` while it holds a batch, then start ``successor`` in its place.

        Not while it keeps the Zoho channel: a dead holder's channel lock lasts its full two
        minutes by design, which would only make the run wait, not test anything more.
        """
        self.running.kill_when(victim, self._holds_batch_not_channel, timeout=90)
        self.kills += 1
        self.background_role(successor, "worker")

    def _holds_batch_not_channel(self) -> bool:
        held = {name for name, _until in self.locks()}
        return bool(self.running.leased_rows()) and f"channels/{self.connection_id}" not in held

    # --- people at work -----------------------------------------------------------------------

    def start_netsuite_edits(self, records: Sequence[Record], creates: int = 0) -> None:
        """Edits, then ``creates`` new customers, in NetSuite, one after another, in a thread."""
        if self._editor is not None:
            self._editor.join(timeout=120)
        self._editor = threading.Thread(
            target=self._edit_netsuite, args=(records, creates), daemon=True
        )
        self._editor.start()

    def _edit_netsuite(self, records: Sequence[Record], creates: int) -> None:
        with httpx.Client(base_url=self.running.sandbox["control"]["netsuite"], timeout=60) as ns:
            for kind, ns_id in records:
                body = {"fields": {NETSUITE_NAMES[kind]: f"Edited in NetSuite {kind} {ns_id}"}}
                ns.patch(f"/records/{kind}/{ns_id}", json=body).raise_for_status()
                self.edited_in_netsuite.add((kind, ns_id))
                if self._stop.wait(self.plan.edit_pause):
                    return
            for number in range(creates):
                new = {"companyName": f"Created {number}", "subsidiary": {"id": "1"}}
                created = ns.post("/records/customer", json={"fields": new})
                created.raise_for_status()
                self.created_in_netsuite.add(("customer", created.json()["id"]))

    def netsuite_edits_done(self) -> bool:
        return self._editor is not None and not self._editor.is_alive()

    def edit_in_zoho(self, count: int, avoid: set[Record]) -> None:
        """People rename ``count`` records in Zoho that we wrote and NetSuite does not touch.

        Only records with a link are picked: the link is committed with the write's audit row,
        which is what a callback is compared with.
        """
        avoid = avoid | self.edited_in_zoho

        def candidates() -> list[Any] | None:
            query = select(links).where(links.c.connection_id == self.connection_id)
            with self.running.engine.connect() as conn:
                linked = [r for r in conn.execute(query) if (r.ns_type, r.ns_id) not in avoid]
            return linked[:count] if len(linked) >= count else None

        chosen = wait_until(
            candidates, timeout=120, what=f"{count} records in Zoho", check=self.running.check_alive
        )
        url = self.running.sandbox["control"]["zoho"]
        with httpx.Client(base_url=url, timeout=60) as zoho:
            for row in chosen:
                body = {NAME_FIELDS[row.zoho_module]: f"{ZOHO_RENAME}{row.ns_id}"}
                zoho.patch(f"/records/{row.zoho_module}/{row.zoho_id}", json=body)
                self.edited_in_zoho.add((row.ns_type, row.ns_id))

    def stop(self) -> None:
        self._stop.set()
        if self._editor is not None:
            self._editor.join(timeout=60)

    # --- what came of it ----------------------------------------------------------------------

    @property
    def connection_id(self) -> int:
        return self.running.connection_id

    def netsuite_events(self) -> list[dict[str, Any]]:
        """Every change event the simulator posted, once all are delivered."""
        events: list[dict[str, Any]] = self.control("netsuite", "GET", "/events?wait=true")[
            "events"
        ]
        return events

    def reasserted(self) -> set[Record]:
        """Records whose Zoho edit was written back (audit ``written``, code ``REASSERTED``)."""
        query = select(audit.c.source_type, audit.c.source_id).where(
            audit.c.code == "REASSERTED", audit.c.outcome == "written"
        )
        with self.running.engine.connect() as conn:
            return {(t, i) for t, i in conn.execute(query)}

    def zoho_edits_left(self) -> list[str]:
        """Zoho records still carrying a rename made in Zoho (NetSuite owns the name)."""
        records = self.control("zoho", "GET", "/state")["records"]
        return [
            f"{module} {record['id']}"
            for module, name in NAME_FIELDS.items()
            for record in records.get(module, [])
            if str(record.get(name, "")).startswith(ZOHO_RENAME)
        ]

    def history(self, record_type: str, record_id: str) -> list[tuple[str, str, str, str]]:
        """A record's audit trail, oldest first: outcome, code, time and the name written."""
        query = (
            select(audit.c.outcome, audit.c.code, audit.c.created_at, audit.c.payload)
            .where(audit.c.source_type == record_type, audit.c.source_id == record_id)
            .order_by(audit.c.id)
        )
        with self.running.engine.connect() as conn:
            rows = conn.execute(query).all()
        names = (*NAME_FIELDS.values(),)
        return [
            (outcome, code or "", moment.isoformat(), next(
                (str(p[n]) for n in names if isinstance(p, dict) and n in p), ""
            ))
            for outcome, code, moment, p in rows
        ]  # fmt: skip

    def settled(self) -> Counter[str] | None:
        """The inbox statuses once no Zoho edit is left standing and nothing is left to do.

        An edit is undone by its re-assertion, or earlier by a write of ours that overtook it
        (a later backfill row of the same record, say); the callback then finds nothing to do.
        """
        return None if self.zoho_edits_left() else self.running.drained()

    def reconcile(self) -> dict[str, Any]:
        """``ml-connector reconcile acme --json``: our reconciliation, as an operator runs it."""
        done = subprocess.run(  # our own CLI
            [sys.executable, "-m", "ml_connector", "reconcile", "acme", "--json"],
            env=self.running.env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if not done.stdout.strip():
            raise AssertionError(f"reconcile failed: {done.stderr[-2000:]}")
        report: dict[str, Any] = json.loads(done.stdout)
        return report

    def duplicates(self) -> dict[str, list[str]]:
        """NetSuite ids found on more than one Zoho record, per module."""
        return {
            module: sorted(k for k, n in Counter(keys).items() if n > 1)
            for module, keys in self.running.zoho_keys().items()
        }

    def last_outcomes(self) -> dict[Record, str]:
        """Each record's newest audit outcome (written, unchanged, failed or skipped)."""
        newest = (
            select(func.max(audit.c.id))
            .where(audit.c.connection_id == self.connection_id)
            .group_by(audit.c.source_type, audit.c.source_id)
        )
        query = select(audit.c.source_type, audit.c.source_id, audit.c.outcome).where(
            audit.c.id.in_(newest)
        )
        with self.running.engine.connect() as conn:
            return {(t, i): outcome for t, i, outcome in conn.execute(query)}

    def unaccounted(self, records: Sequence[Record]) -> list[Record]:
        """Records whose newest audit row is not a final success (or who have none)."""
        outcomes = self.last_outcomes()
        return sorted(r for r in records if outcomes.get(r) not in FINAL)


def _kind(kind: str) -> str:
    """``500``/``502``/``503`` are all "5xx"; the others keep their name."""
    return "5xx" if kind.isdigit() and kind.startswith("5") else kind


def run_chaos(chaos: Chaos) -> Counter[str]:
    """The whole scenario; the inbox statuses once everything settled."""
    running, plan = chaos.running, chaos.plan
    alive = running.check_alive
    records = running.netsuite_records()
    chaos.inject_faults()
    chaos.start_web()
    chaos.background_role("scheduler", "scheduler")
    chaos.background_role("worker-1", "worker")
    chaos.start_backfill()
    wait_until(
        lambda: active_channel(running.engine, chaos.connection_id), timeout=60,
        what="a channel kept for the connection", check=alive,
    )  # fmt: skip
    chaos.kill_worker("worker-1", "worker-2")  # mid-backfill
    edits = records[:: max(1, len(records) // plan.netsuite_edits)][: plan.netsuite_edits]
    chaos.start_netsuite_edits(edits[: len(edits) // 2])
    chaos.expire_tokens()
    half = plan.zoho_edits // 2
    chaos.edit_in_zoho(half, set(edits))
    chaos.expire_channel()
    # Once the backfill is written, nothing of ours rewrites these records: each edit must be
    # re-asserted from its callback.
    chaos.wait_backfill()
    wait_until(running.drained, timeout=300, what="backfill written", check=alive)
    chaos.edit_in_zoho(plan.zoho_edits - half, set(edits))
    chaos.start_netsuite_edits(edits[len(edits) // 2 :], plan.netsuite_creates)
    chaos.kill_worker("worker-2", "worker-3")  # while NetSuite edits stream in
    chaos.expire_tokens()
    chaos.wait_backfill()
    wait_until(chaos.netsuite_edits_done, timeout=300, what="NetSuite edits made", check=alive)
    chaos.netsuite_events()  # every change event posted
    return wait_until(chaos.settled, timeout=300, what="everything synced", check=alive)


@contextlib.contextmanager
def chaos(tmp: Path, database_url: str, plan: ChaosPlan) -> Iterator[Chaos]:
    """A deployment of ``plan.records`` records, set up and ready for :func:`run_chaos`."""
    with cluster(
        tmp, database_url, records=plan.records, lease_seconds=plan.lease_seconds
    ) as running:
        underway = Chaos(running, plan)
        try:
            yield underway
        finally:
            underway.stop()
            if underway.backfill is not None and underway.backfill.poll() is None:
                underway.backfill.kill()
                underway.backfill.wait(timeout=10)
