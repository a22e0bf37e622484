"""Replay through the admin API: failures journalled by a real drain reach the Zoho simulator."""

from __future__ import annotations

import socket

import httpx
import pytest

from ml_connector.connections import show_connection
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.sync import backfill
from ml_connector.web import create_app
from tests.integration.conftest import Store
from tests.integration.test_pipeline import world
from tests.web.admin_client import API, AUTH, TOKEN, client_of, one_line_error

pytestmark = pytest.mark.anyio


async def test_a_failed_record_is_replayed_through_the_api_once_zoho_takes_it(
    store: Store,
) -> None:
    async with world(store, 120) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "vendor")
        control = w.zoho.control_url(w.zoho_at.base_url)
        storm = {"kind": "status", "status": 429, "path": "/crm/v8/Vendors/upsert", "count": 1000}
        async with httpx.AsyncClient() as http:
            assert (await http.post(control + "/faults", json=storm)).status_code < 300
            drained = await w.pipeline.drain()
            assert (await http.delete(control + "/faults")).status_code < 300  # the cause is gone
        app = create_app(engine=w.store.engine, keyring=w.store.keyring, admin_token=TOKEN)
        async with client_of(app) as api:
            audit = f"{API}/connections/acme/audit"
            failed = await api.get(audit, params={"outcome": "failed", "limit": 1000}, headers=AUTH)
            one = failed.json()[0]
            record = f"vendor:{one['source_id']}"
            single = await api.post(
                f"{API}/connections/acme/replay", json={"record": record}, headers=AUTH
            )
            after_one = await w.zoho_records()
            rest = await api.post(f"{API}/connections/acme/replay", headers=AUTH)
            history = await api.get(audit, params={"record": record}, headers=AUTH)
            again = await api.post(f"{API}/connections/acme/replay", json={}, headers=AUTH)
        zoho = await w.zoho_records()
    vendors = w.netsuite.account.db.count("vendor")
    synced = [r["NetSuite_ID"] for r in after_one.get("Vendors", []) if r.get("NetSuite_ID")]
    assert drained.failed == vendors == len(failed.json())
    assert single.json() == {"replayed": 1, "written": 1, "failed": 0, "not_replayable": 0}
    assert synced == [one["source_id"]], "only the chosen record was re-sent"
    assert (rest.json()["replayed"], rest.json()["written"]) == (vendors - 1, vendors - 1)
    assert len([r for r in zoho["Vendors"] if r.get("NetSuite_ID")]) == vendors
    newest = history.json()[0]
    assert (newest["outcome"], newest["replay_of"]) == ("written", one["id"])
    assert again.json()["replayed"] == 0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def test_a_replay_that_cannot_reach_zoho_is_a_bad_gateway(store: Store) -> None:
    nowhere = f"http://127.0.0.1:{closed_port()}"
    netsuite, zoho = NetSuiteSimulator(records=5, seed=2), ZohoSimulator(seed=2)
    document = {"netsuite": netsuite.credentials(nowhere), "zoho": zoho.credentials(nowhere)}
    store.add("acme", document)
    app = create_app(engine=store.engine, keyring=store.keyring, admin_token=TOKEN)
    async with client_of(app) as api:
        refused = await api.post(f"{API}/connections/acme/replay", headers=AUTH)
    assert refused.status_code == 502
    assert "could not be reached" in one_line_error(refused)
    stored = show_connection(store.engine, "acme").as_json()["secrets_set"]
    secrets = [document[side][name] for side, names in stored.items() for name in names]
    assert secrets
    assert not [secret for secret in secrets if secret in refused.text]
