"""``ml-connector demo``: the whole sync on one machine, with no accounts, in under a minute.

Both simulators are started on loopback, a connection to them is stored in a throw-away data
directory, Zoho is prepared, the seeded NetSuite account is backfilled and synced, then people
make changes on both sides (edits, a new customer, an inactivation in NetSuite; a rename in
Zoho) and the demo shows them arriving. It ends by reconciling every record with Zoho.
Everything goes through the same code as a real deployment: only the two services are simulated.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table
from sqlalchemy import Engine

from ml_connector.connections import add_from_file
from ml_connector.mapping import default_mapping
from ml_connector.netsuite import RECORD_TYPES
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.store.audit import search_audit
from ml_connector.store.keyring import Keyring
from ml_connector.sync import backfill_types, poll
from ml_connector.sync.pipeline import DrainReport
from ml_connector.sync.reconcile import ReconcileReport, queue_fixes, reconcile
from ml_connector.sync.services import Services, open_services
from ml_connector.zoho import prepare_org

__all__ = ["DemoSummary", "Simulators", "run_demo"]

NAME = "demo"
BATCHES_IN_FLIGHT = 6  # as the service drains: their writes share full Zoho calls


@dataclass
class Simulators:
    """The two simulated services and where they are served."""

    netsuite: NetSuiteSimulator
    zoho: ZohoSimulator
    netsuite_at: ServedApp
    zoho_at: ServedApp

    def document(self) -> dict[str, Any]:
        """The connection file ``sandbox --json`` would print for them."""
        return {
            "netsuite": self.netsuite.credentials(self.netsuite_at.base_url),
            "zoho": self.zoho.credentials(self.zoho_at.base_url),
        }


@dataclass
class DemoSummary:
    """What the demo did, as ``--json`` prints it."""

    records: dict[str, int] = field(default_factory=dict)
    written: int = 0
    failed: int = 0
    differences: int = 0
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """The documented summary object."""
        return {
            "records": self.records,
            "written": self.written,
            "failed": self.failed,
            "differences": self.differences,
            "seconds": round(self.seconds, 1),
        }


class _Demo:
    def __init__(self, engine: Engine, sims: Simulators, console: Console, quiet: bool) -> None:
        self.engine, self.sims, self.console, self.quiet = engine, sims, console, quiet
        self.summary = DemoSummary()
        self.ns_control = sims.netsuite.control_url(sims.netsuite_at.base_url)
        self.zoho_control = sims.zoho.control_url(sims.zoho_at.base_url)

    def say(self, text: str) -> None:
        if not self.quiet:
            self.console.print(text)

    def _progress(self) -> Progress:
        columns = (TextColumn("{task.description:<22}"), BarColumn(), MofNCompleteColumn())
        return Progress(*columns, console=self.console, disable=self.quiet)

    async def run(self, services: Services) -> None:
        await self.setup(services)
        await self.first_load(services)
        await self.live_changes(services)
        await self.zoho_edit(services)
        await self.final_check(services)

    async def setup(self, services: Services) -> None:
        report = await prepare_org(services.zoho, services.mapping)
        made = sum(1 for step in report.steps if step.outcome == "created")
        self.say(
            f"[bold]1. Zoho prepared[/]: {made} fields created "
            "(unique NetSuite id, inactive, contact category)"
        )

    async def first_load(self, services: Services) -> None:
        db = self.sims.netsuite.account.db
        self.summary.records = {t: db.count(t) for t in RECORD_TYPES}
        with self._progress() as progress:
            tasks = {
                t: progress.add_task(f"backfill {t}", total=self.summary.records[t])
                for t in RECORD_TYPES
            }
            await backfill_types(
                self.engine, services.reader, services.connection_id, RECORD_TYPES,
                progress=lambda record_type: _advance(progress, tasks[record_type]),
            )  # fmt: skip
            task = progress.add_task("write to Zoho", total=sum(self.summary.records.values()))
            report = await _drain(services, lambda n: progress.advance(task, n))
        self._count(report)
        self.say(f"[bold]2. First load[/]: {report.written} written, {report.failed} failed")

    async def live_changes(self, services: Services) -> None:
        since = time.time() - 5
        changes = await self._netsuite_changes()
        for record_type in RECORD_TYPES:
            await poll(
                self.engine, services.reader, services.connection_id, record_type,
                start=datetime.fromtimestamp(since, UTC),
            )  # fmt: skip
        report = await services.pipeline.drain()
        self._count(report)
        self._arrivals("3. Live NetSuite changes", services, changes)

    async def _netsuite_changes(self) -> list[tuple[str, str, str]]:
        db = self.sims.netsuite.account.db
        customers = [str(r["id"]) for r in db.select("SELECT id FROM customer ORDER BY id LIMIT 3")]
        active = "SELECT id FROM vendor WHERE isinactive = 'F' ORDER BY id LIMIT 1"
        vendor = str(db.select(active)[0]["id"])
        changes: list[tuple[str, str, str]] = []
        body: dict[str, Any]
        async with httpx.AsyncClient() as http:
            for number, record_id in enumerate(customers, start=1):
                body = {"fields": {"companyName": f"Renamed Customer {number}"}}
                await _ok(http.patch(f"{self.ns_control}/records/customer/{record_id}", json=body))
                changes.append(("customer", record_id, f"renamed to Renamed Customer {number}"))
            body = {"fields": {"isInactive": True}}
            await _ok(http.patch(f"{self.ns_control}/records/vendor/{vendor}", json=body))
            changes.append(("vendor", vendor, "made inactive"))
            body = {"fields": {"companyName": "Brand New Customer Ltd", "subsidiary": {"id": "1"}}}
            created = await _ok(http.post(f"{self.ns_control}/records/customer", json=body))
            changes.append(("customer", str(created["id"]), "created"))
        return changes

    async def zoho_edit(self, services: Services) -> None:
        accounts = await services.zoho.get_by_ids(
            "Accounts", [await self._some_account(services)], ["Account_Name", "NetSuite_ID"]
        )
        account = accounts[0]
        async with httpx.AsyncClient() as http:
            edit = {"Account_Name": "Edited in Zoho by hand"}
            await _ok(
                http.patch(f"{self.zoho_control}/records/Accounts/{account['id']}", json=edit)
            )
        found = await self._reconcile(services, ("customer",))
        queue_fixes(self.engine, services.connection_id, found.differences)
        report = await services.pipeline.drain()
        self._count(report)
        change = ("customer", str(account["NetSuite_ID"]), "renamed in Zoho by a person")
        self._arrivals("4. A Zoho edit of a NetSuite-owned field", services, [change])

    async def _some_account(self, services: Services) -> str:
        rows = search_audit(self.engine, services.connection_id, outcome="written", limit=200)
        return next(row.zoho_id for row in rows if row.zoho_module == "Accounts" and row.zoho_id)

    async def final_check(self, services: Services) -> None:
        found = await self._reconcile(services, RECORD_TYPES)
        self.summary.differences = len(found.differences)
        compared = sum(found.compared.values())
        self.say(
            f"[bold]5. Reconciliation[/]: {compared} NetSuite records compared with Zoho, "
            f"{found.count('missing')} missing, {found.count('different')} different"
        )

    async def _reconcile(self, services: Services, types: tuple[str, ...]) -> ReconcileReport:
        return await reconcile(
            self.engine, services.connection_id, reader=services.reader, zoho=services.zoho,
            mapping=services.mapping, types=types,
        )  # fmt: skip

    def _count(self, report: DrainReport) -> None:
        self.summary.written += report.written
        self.summary.failed += report.failed

    def _arrivals(
        self, title: str, services: Services, changes: list[tuple[str, str, str]]
    ) -> None:
        table = Table(title=title, title_justify="left")
        for column in ("NetSuite record", "change", "in Zoho", "Zoho id"):
            table.add_column(column)
        for record_type, record_id, change in changes:
            latest = search_audit(self.engine, services.connection_id, source_id=record_id, limit=5)
            row = next((a for a in latest if a.source_type == record_type), None)
            outcome = row.outcome if row else "not yet"
            table.add_row(
                f"{record_type} {record_id}", change, outcome, (row.zoho_id or "") if row else ""
            )
        if not self.quiet:
            self.console.print(table)


async def _drain(services: Services, advance: Callable[[int], None]) -> DrainReport:
    async def progressed(report: DrainReport) -> None:
        advance(report.claimed)

    return await services.pipeline.drain(workers=BATCHES_IN_FLIGHT, after_batch=progressed)


def _advance(progress: Progress, task: TaskID) -> Callable[[int], None]:
    return lambda count: progress.advance(task, count)


async def _ok(request: Any) -> Any:
    response: httpx.Response = await request
    response.raise_for_status()
    return response.json()


async def run_demo(
    engine: Engine,
    keyring: Keyring,
    sims: Simulators,
    *,
    home: Path,
    console: Console,
    quiet: bool,
) -> DemoSummary:
    """Run every step against ``sims``; the store lives in ``home``."""
    started = time.perf_counter()
    config = home / "demo-connection.json"
    config.write_text(json.dumps(sims.document()))
    add_from_file(engine, keyring, NAME, config)
    demo = _Demo(engine, sims, console, quiet)
    async with open_services(engine, keyring, NAME, mapping=default_mapping()) as services:
        await demo.run(services)
    demo.summary.seconds = time.perf_counter() - started
    return demo.summary
