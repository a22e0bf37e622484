"""Both simulators on loopback, a store with connection ``acme`` to them, and a job context.

Job functions run their own event loops (huey workers are threads), so the world is built and
used from synchronous code: setup that needs HTTP runs under ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, func, select

from ml_connector.auth.session import open_session
from ml_connector.connections import add_from_file
from ml_connector.jobs import JobContext, Meters
from ml_connector.mapping import default_mapping
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import Settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.keyring import Keyring
from ml_connector.store.schema import open_engine
from ml_connector.store.tables import inbox
from ml_connector.zoho import ZohoCRM

MODULES = ("Accounts", "Vendors", "Contacts")
KEY_FIELD = {"field_label": "NetSuite ID", "data_type": "text", "length": 40, "unique": {}}
INACTIVE_FIELD = {"field_label": "NetSuite Inactive", "data_type": "boolean"}
CATEGORY_FIELD = {"field_label": "NetSuite Category", "data_type": "text"}


@dataclass
class JobWorld:
    """What a job test touches: the simulators, where they are served, the store, the context."""

    netsuite: NetSuiteSimulator
    zoho: ZohoSimulator
    netsuite_at: ServedApp
    zoho_at: ServedApp
    engine: Engine
    keyring: Keyring
    registry: CollectorRegistry
    context: JobContext
    tmp: Path

    def add(self, name: str, **overrides: dict[str, Any]) -> str:
        """Store a connection to the simulators (sections overridden) with Zoho's fields set up."""
        document = {
            "netsuite": self.netsuite.credentials(self.netsuite_at.base_url),
            "zoho": self.zoho.credentials(self.zoho_at.base_url),
        }
        for section, values in overrides.items():
            document[section] = {**document[section], **values}
        path = self.tmp / f"{name}.json"
        path.write_text(json.dumps(document))
        add_from_file(self.engine, self.keyring, name, path)
        return name

    def prepare_zoho(self, name: str) -> None:
        """Create the fields the default mapping writes that Zoho lacks (what ``setup`` does)."""
        asyncio.run(self._prepare_zoho(name))

    async def _prepare_zoho(self, name: str) -> None:
        async with open_session(self.engine, self.keyring, name) as session:
            crm = ZohoCRM(session.zoho)
            for module in MODULES:
                await crm.create_field(module, KEY_FIELD)
                await crm.create_field(module, INACTIVE_FIELD)
            await crm.create_field("Contacts", CATEGORY_FIELD)

    def edit(self, record_type: str, record_id: int, fields: dict[str, Any]) -> None:
        """Change a record in NetSuite, as a person in the UI would."""
        url = f"{self.netsuite_at.base_url}/_sandbox/records/{record_type}/{record_id}"
        httpx.patch(url, json={"fields": fields}).raise_for_status()

    def first_id(self, record_type: str) -> int:
        """The lowest internal id of a record type in the simulated account."""
        rows = self.netsuite.account.db.select(f"SELECT id FROM {record_type} ORDER BY id")  # noqa: S608
        return int(rows[0]["id"])

    def zoho_records(self, module: str) -> dict[str, dict[str, Any]]:
        """Zoho's records of ``module`` that we wrote, by NetSuite id."""
        state = httpx.get(f"{self.zoho.control_url(self.zoho_at.base_url)}/state").json()
        return {r["NetSuite_ID"]: r for r in state["records"][module] if r.get("NetSuite_ID")}

    def inbox_statuses(self) -> dict[str, int]:
        """How many inbox rows are in each status."""
        query = select(inbox.c.status, func.count()).group_by(inbox.c.status)
        with self.engine.connect() as conn:
            return {status: int(n) for status, n in conn.execute(query)}

    def sample(self, name: str, **labels: str) -> float:
        """One sample of the world's registry (0 when never incremented)."""
        return self.registry.get_sample_value(name, labels) or 0.0


@contextlib.contextmanager
def job_world(
    settings: Settings, tmp: Path, *, records: int = 30, time_zone: str = "UTC"
) -> Iterator[JobWorld]:
    """A world with connection ``acme`` ready to sync (its NetSuite account in ``time_zone``)."""
    netsuite = NetSuiteSimulator(records=records, seed=9, time_zone=time_zone)
    zoho = ZohoSimulator(seed=9)
    engine = open_engine(settings)
    keyring = keyring_for(settings)
    registry = CollectorRegistry()
    context = JobContext(engine, keyring, default_mapping(), Meters(registry))
    try:
        with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
            world = JobWorld(
                netsuite, zoho, ns_at, zoho_at, engine, keyring, registry, context, tmp
            )
            world.add("acme", netsuite={"time_zone": time_zone})
            world.prepare_zoho("acme")
            yield world
    finally:
        engine.dispose()
