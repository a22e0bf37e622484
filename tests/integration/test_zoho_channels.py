"""Zoho channels and callbacks end to end: both simulators, the store and the app, over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import func, select

from ml_connector.jobs import JobContext, Meters
from ml_connector.jobs.work import poll_connection
from ml_connector.mapping import default_mapping
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.store.audit import search_audit
from ml_connector.store.channels import active_channel, channel_by_id, open_token
from ml_connector.store.inbox import NewEvent, enqueue_many
from ml_connector.store.tables import inbox
from ml_connector.sync import backfill
from ml_connector.sync.services import Services, open_services
from ml_connector.sync.zoho_catchup import CatchUp, catch_up
from ml_connector.web import create_app
from ml_connector.zoho import ChannelPolicy, maintain_channels
from tests.integration.conftest import Store

pytestmark = pytest.mark.anyio

KEY_FIELD = {"field_label": "NetSuite ID", "data_type": "text", "length": 40, "unique": {}}
INACTIVE_FIELD = {"field_label": "NetSuite Inactive", "data_type": "boolean"}
CATEGORY_FIELD = {"field_label": "NetSuite Category", "data_type": "text"}
WAIT = 10.0


class Arrivals:
    """Counts callbacks the app stored, so a test waits for them instead of sleeping."""

    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    def stored(self, _name: str) -> None:
        with self._changed:
            self._count += 1
            self._changed.notify_all()

    async def reach(self, count: int) -> None:
        def wait() -> bool:
            with self._changed:
                return self._changed.wait_for(lambda: self._count >= count, WAIT)

        assert await asyncio.to_thread(wait), f"callback {count} never arrived"


@dataclass
class World:
    zoho: ZohoSimulator
    zoho_at: ServedApp
    store: Store
    services: Services
    public_url: str
    arrivals: Arrivals
    netsuite_control: str

    @property
    def control(self) -> str:
        return self.zoho.control_url(self.zoho_at.base_url)

    async def maintain(self, now: datetime, policy: ChannelPolicy | None = None) -> str:
        engine, keyring = self.store.engine, self.store.keyring
        return await maintain_channels(
            engine, keyring, self.services, self.public_url, now, policy=policy
        )

    async def sandbox(self, method: str, path: str, body: Any = None) -> Any:
        async with httpx.AsyncClient() as http:
            answer = await http.request(method, self.control + path, json=body)
        answer.raise_for_status()
        return answer.json()

    async def zoho_channels(self) -> list[dict[str, Any]]:
        channels: list[dict[str, Any]] = (await self.sandbox("GET", "/state"))["channels"]
        return channels

    async def account(self, zoho_id: str) -> dict[str, Any]:
        records = (await self.sandbox("GET", "/state"))["records"]["Accounts"]
        found: dict[str, Any] = next(r for r in records if r["id"] == zoho_id)
        return found

    def inbox_rows(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(inbox)).scalar_one())


@contextlib.asynccontextmanager
async def world(store: Store) -> AsyncIterator[World]:
    netsuite, zoho = NetSuiteSimulator(records=12, seed=5), ZohoSimulator(seed=5)
    arrivals = Arrivals()
    app = create_app(engine=store.engine, keyring=store.keyring, on_event=arrivals.stored)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at, serving(app) as app_at:
        store.add(
            "acme",
            {
                "netsuite": netsuite.credentials(ns_at.base_url),
                "zoho": zoho.credentials(zoho_at.base_url),
            },
        )
        async with open_services(
            store.engine, store.keyring, "acme", mapping=default_mapping()
        ) as services:
            for module in ("Accounts", "Vendors", "Contacts"):
                await services.zoho.create_field(module, KEY_FIELD)
                await services.zoho.create_field(module, INACTIVE_FIELD)
            await services.zoho.create_field("Contacts", CATEGORY_FIELD)
            yield World(
                zoho, zoho_at, store, services, app_at.base_url, arrivals,
                netsuite.control_url(ns_at.base_url),
            )  # fmt: skip


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


async def test_a_channel_watches_the_mapped_modules_with_a_sealed_token_for_a_day(
    store: Store,
) -> None:
    async with world(store) as w:
        now = _now()
        assert await w.maintain(now) == "created"
        assert await w.maintain(now + timedelta(hours=1)) == "current"
        (channel,) = await w.zoho_channels()
    stored = active_channel(store.engine, w.services.connection_id)
    assert stored is not None
    assert channel["channel_id"] == stored.channel_id
    assert channel["events"] == ["Accounts.all", "Vendors.all", "Contacts.all"]
    assert channel["notify_url"] == f"{w.public_url}/hooks/zoho/acme"
    assert channel["notify_on_related_action"] is False
    assert 20 <= len(channel["token"]) <= 50
    assert open_token(store.keyring, stored) == channel["token"]
    assert stored.sealed_token != channel["token"]
    assert abs(channel["expires_at"] - (now + timedelta(days=1)).timestamp()) < 5


async def test_a_channel_is_renewed_by_patch_after_half_its_life(store: Store) -> None:
    policy = ChannelPolicy(lifetime=timedelta(hours=4))
    async with world(store) as w:
        now = _now()
        await w.maintain(now, policy)
        assert await w.maintain(now + timedelta(hours=1), policy) == "current"
        later = now + timedelta(hours=2, minutes=1)
        assert await w.maintain(later, policy) == "renewed"
        (channel,) = await w.zoho_channels()
    stored = active_channel(store.engine, w.services.connection_id)
    assert stored is not None
    assert stored.channel_id == channel["channel_id"]
    assert abs(channel["expires_at"] - (later + timedelta(hours=4)).timestamp()) < 5
    assert stored.renewed_at == later


async def test_a_channel_zoho_forgot_is_replaced_by_a_new_one(store: Store) -> None:
    async with world(store) as w:
        now = _now()
        await w.maintain(now)
        first = active_channel(store.engine, w.services.connection_id)
        await w.sandbox("POST", "/channels/expire", {})
        assert await w.maintain(now + timedelta(hours=13)) == "replaced"
        (channel,) = await w.zoho_channels()
    assert first is not None
    old = channel_by_id(store.engine, first.channel_id)
    assert old is not None
    assert old.status == "replaced"
    assert channel["channel_id"] != first.channel_id
    current = active_channel(store.engine, w.services.connection_id)
    assert current is not None
    assert current.channel_id == channel["channel_id"]


async def test_a_channel_zoho_dropped_early_is_replaced_before_its_renewal_is_due(
    store: Store,
) -> None:
    async with world(store) as w:
        now = _now()
        await w.maintain(now)
        first = active_channel(store.engine, w.services.connection_id)
        assert await w.maintain(now + timedelta(minutes=1)) == "current"
        await w.sandbox("POST", "/channels/expire", {})
        action = await w.maintain(now + timedelta(minutes=2))
        (channel,) = await w.zoho_channels()
    assert first is not None
    assert action == "replaced"
    assert channel["channel_id"] != first.channel_id


async def test_a_mapping_that_syncs_other_modules_swaps_the_channel(store: Store) -> None:
    customers_only = default_mapping().model_copy(update={"vendor": None, "contact": None})
    async with world(store) as w:
        await w.maintain(_now())
        async with open_services(
            store.engine, store.keyring, "acme", mapping=customers_only
        ) as services:
            action = await maintain_channels(
                store.engine, store.keyring, services, w.public_url, _now()
            )
        (channel,) = await w.zoho_channels()
    assert action == "replaced"
    assert channel["events"] == ["Accounts.all"]


async def test_a_callback_with_a_wrong_token_or_channel_is_refused_and_stores_nothing(
    store: Store,
) -> None:
    async with world(store) as w:
        await w.maintain(_now())
        (channel,) = await w.zoho_channels()
        callback = {
            "server_time": 1718117126473, "module": "Accounts", "ids": ["1"],
            "operation": "update", "channel_id": channel["channel_id"], "token": "guess",
        }  # fmt: skip
        hook = f"{w.public_url}/hooks/zoho/acme"
        async with httpx.AsyncClient() as http:
            wrong_token = await http.post(hook, json=callback)
            wrong_channel = await http.post(hook, json=callback | {"channel_id": "42"})
            elsewhere = await http.post(
                f"{w.public_url}/hooks/zoho/nobody", json=callback | {"token": channel["token"]}
            )
            right = await http.post(hook, json=callback | {"token": channel["token"]})
            again = await http.post(hook, json=callback | {"token": channel["token"]})
        rows = w.inbox_rows()
    assert (wrong_token.status_code, wrong_token.json()["status"]) == (401, "rejected")
    assert wrong_channel.status_code == 404
    assert elsewhere.status_code == 404
    assert (right.status_code, right.json()) == (200, {"status": "queued", "stored": 1})
    assert again.json() == {"status": "duplicate", "stored": 0}
    assert rows == 1


async def _synced_account(w: World) -> tuple[str, str]:
    """Sync the customers; one customer's NetSuite id and its Zoho id."""
    await backfill(w.store.engine, w.services.reader, w.services.connection_id, "customer")
    report = await w.services.pipeline.drain()
    assert report.written > 0
    assert report.failed == 0
    written = search_audit(w.store.engine, w.services.connection_id, outcome="written")
    return written[0].source_id, str(written[0].zoho_id)


async def test_an_edit_of_a_netsuite_owned_field_is_reasserted_once(store: Store) -> None:
    async with world(store) as w:
        ns_id, zoho_id = await _synced_account(w)
        original = (await w.account(zoho_id))["Account_Name"]
        await w.maintain(_now())
        await w.sandbox("PATCH", f"/records/Accounts/{zoho_id}", {"Account_Name": "Renamed"})
        await w.arrivals.reach(1)
        first = await w.services.pipeline.drain()
        await w.arrivals.reach(2)  # the callback of our own re-assertion
        echo = await w.services.pipeline.drain()
        final = await w.account(zoho_id)
    assert final["Account_Name"] == original
    audit = search_audit(store.engine, w.services.connection_id, source_id=ns_id)
    reasserted = [row for row in audit if row.code == "REASSERTED"]
    assert len(reasserted) == 1
    assert reasserted[0].payload == {"NetSuite_ID": ns_id, "Account_Name": original}
    assert (first.claimed, first.written) == (1, 1)
    assert (echo.claimed, echo.written, echo.skipped) == (1, 0, 0)


async def test_the_echo_of_a_write_not_yet_committed_is_not_taken_for_a_persons_edit(
    store: Store,
) -> None:
    # Batches run side by side: one's write reaches Zoho, and Zoho calls back, before its audit
    # row (the baseline callbacks are compared with) is committed. Here the write has landed
    # and the NetSuite change behind it is in the same batch as its callback.
    async with world(store) as w:
        ns_id, zoho_id = await _synced_account(w)
        await w.maintain(_now())
        renamed = {"companyName": "Renamed in NetSuite"}
        async with httpx.AsyncClient() as http:
            url = f"{w.netsuite_control}/records/customer/{ns_id}"
            (await http.patch(url, json={"fields": renamed})).raise_for_status()
        landed = {"NetSuite_ID": ns_id, "Account_Name": renamed["companyName"]}
        await w.services.zoho.upsert("Accounts", [landed], duplicate_check_fields=["NetSuite_ID"])
        await w.arrivals.reach(1)
        with store.engine.begin() as conn:
            event = NewEvent(f"edit:{ns_id}", "customer", ns_id)
            enqueue_many(
                conn, w.services.connection_id, source="netsuite_event", events=[event],
                received_at=datetime.now(UTC),
            )  # fmt: skip
        await w.services.pipeline.drain()
        final = await w.account(zoho_id)
    audit = search_audit(store.engine, w.services.connection_id, source_id=ns_id)
    assert final["Account_Name"] == renamed["companyName"]
    assert [row.payload for row in audit if row.code == "REASSERTED"] == []


async def test_an_edit_of_a_shared_field_is_reported_as_drift_and_not_written(
    store: Store,
) -> None:
    async with world(store) as w:
        ns_id, zoho_id = await _synced_account(w)
        await w.maintain(_now())
        await w.sandbox(
            "PATCH", f"/records/Accounts/{zoho_id}", {"Website": "https://sales.example"}
        )
        await w.arrivals.reach(1)
        report = await w.services.pipeline.drain()
        final = await w.account(zoho_id)
    assert final["Website"] == "https://sales.example"
    (drift,) = search_audit(store.engine, w.services.connection_id, outcome="skipped")
    assert (drift.source_id, drift.code) == (ns_id, "DRIFT")
    assert drift.payload is not None
    assert set(drift.payload) == {"Website"}
    assert (report.claimed, report.written, report.skipped) == (1, 0, 1)


async def test_an_edited_key_field_is_reported_and_never_duplicates_the_record(
    store: Store,
) -> None:
    async with world(store) as w:
        ns_id, zoho_id = await _synced_account(w)
        before = len((await w.sandbox("GET", "/state"))["records"]["Accounts"])
        await w.maintain(_now())
        await w.sandbox("PATCH", f"/records/Accounts/{zoho_id}", {"NetSuite_ID": "X-1"})
        await w.arrivals.reach(1)
        report = await w.services.pipeline.drain()
        after = len((await w.sandbox("GET", "/state"))["records"]["Accounts"])
    (skipped,) = search_audit(store.engine, w.services.connection_id, outcome="skipped")
    assert (skipped.source_id, skipped.code) == (ns_id, "KEY_EDITED")
    assert report.written == 0
    assert after == before


async def test_a_workflow_reverting_our_reassertion_gets_one_reassertion_then_drift(
    store: Store,
) -> None:
    async with world(store) as w:
        ns_id, zoho_id = await _synced_account(w)
        original = (await w.account(zoho_id))["Account_Name"]
        await w.maintain(_now())
        edit = {"Account_Name": "Renamed by a workflow"}
        await w.sandbox("PATCH", f"/records/Accounts/{zoho_id}", edit)
        await w.arrivals.reach(1)
        first = await w.services.pipeline.drain()
        await w.arrivals.reach(2)  # the callback of our re-assertion
        await w.sandbox("PATCH", f"/records/Accounts/{zoho_id}", edit)  # the workflow reverts
        await w.arrivals.reach(3)
        second = await w.services.pipeline.drain()
        final = await w.account(zoho_id)
    audit = search_audit(store.engine, w.services.connection_id, source_id=ns_id)
    assert [row.code for row in audit if row.code in ("REASSERTED", "DRIFT")] == [
        "DRIFT",
        "REASSERTED",
    ]
    drift = next(row for row in audit if row.code == "DRIFT")
    assert drift.payload == {
        "Account_Name": {"written": original, "found": "Renamed by a workflow"}
    }
    assert (first.written, second.written, second.skipped) == (1, 0, 1)
    assert final["Account_Name"] == "Renamed by a workflow"


async def test_after_both_deliveries_fail_the_next_poll_brings_every_missed_change(
    store: Store,
) -> None:
    context = JobContext(
        store.engine, store.keyring, default_mapping(), Meters(CollectorRegistry())
    )
    async with world(store) as w:
        await _synced_account(w)
        accounts = search_audit(w.store.engine, w.services.connection_id, outcome="written")
        changed, renamed, shared = (row.zoho_id for row in accounts[:3])
        ns_changed = accounts[0].source_id
        renamed_name = (await w.account(str(renamed)))["Account_Name"]
        await w.maintain(_now())
        await poll_connection(context, "acme")  # a quiet poll: the channel is live
        await w.services.pipeline.drain()
        async with httpx.AsyncClient() as http:  # both deliveries go away
            answer = await http.put(f"{w.netsuite_control}/webhook", json={"url": None})
            answer.raise_for_status()
        await w.sandbox("POST", "/channels/expire", {})
        # meanwhile a person changes a customer in NetSuite and two accounts in Zoho
        async with httpx.AsyncClient() as http:
            edited = await http.patch(
                f"{w.netsuite_control}/records/customer/{ns_changed}",
                json={"fields": {"companyname": "Changed during the outage"}},
            )
            edited.raise_for_status()
        await w.sandbox("PATCH", f"/records/Accounts/{renamed}", {"Account_Name": "Renamed"})
        await w.sandbox("PATCH", f"/records/Accounts/{shared}", {"Website": "https://x.example"})
        assert (await w.sandbox("GET", "/callbacks"))["callbacks"] == [], "Zoho told nobody"

        queued = await poll_connection(context, "acme")
        report = await w.services.pipeline.drain()
        final = {zoho_id: await w.account(str(zoho_id)) for zoho_id in (changed, renamed, shared)}
    assert queued >= 3
    assert final[changed]["Account_Name"] == "Changed during the outage"
    assert final[renamed]["Account_Name"] == renamed_name, "re-asserted"
    assert final[shared]["Website"] == "https://x.example", "shared: reported, not overwritten"
    rows = search_audit(store.engine, w.services.connection_id)
    codes = {(row.zoho_id, row.code) for row in rows}
    assert {(renamed, "REASSERTED"), (shared, "DRIFT")} <= codes
    mapping = w.services.pipeline.mapping.version
    assert {r.mapping_version for r in rows if r.code in ("REASSERTED", "DRIFT")} == {mapping}
    assert report.failed == 0


async def test_zoho_is_read_back_only_for_the_time_no_live_channel_covered(store: Store) -> None:
    async with world(store) as w:
        await _synced_account(w)
        now = _now()
        await w.maintain(now)
        engine, connection_id = store.engine, w.services.connection_id

        async def check(at: datetime) -> CatchUp:
            return await catch_up(engine, connection_id, w.services.zoho, default_mapping(), at)

        quiet = await check(now + timedelta(minutes=1))
        await w.sandbox("POST", "/channels/expire", {})
        lost = await check(now + timedelta(minutes=2))
        still_lost = await check(now + timedelta(minutes=3))
        assert await w.maintain(now + timedelta(hours=13)) == "replaced"
        replaced = await check(now + timedelta(minutes=4))
        healthy = await check(now + timedelta(minutes=5))
    assert (quiet.live, quiet.since) == (True, None)
    assert (lost.live, lost.since) == (False, now + timedelta(minutes=1))
    assert lost.queued > 0, "the records written by the sync, settled as echoes"
    assert (still_lost.since, still_lost.queued) == (now + timedelta(minutes=2), 0)
    assert (replaced.live, replaced.since) == (True, now + timedelta(minutes=3))
    assert (healthy.live, healthy.since) == (True, None)
