"""Polling and backfill into the inbox, against the NetSuite simulator over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from ml_connector.auth.session import open_side
from ml_connector.netsuite import RecordReader, Row, SuiteQL, account_zone
from ml_connector.rest import RetryPolicy
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.store.connections import get_connection
from ml_connector.store.tables import inbox
from ml_connector.sync import backfill, backfill_types, poll
from tests.integration.conftest import Store

pytestmark = pytest.mark.anyio


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


class Harness:
    """A simulator on loopback, a reader of it, and the store's view of the inbox."""

    def __init__(self, sim: NetSuiteSimulator, reader: RecordReader, store: Store, base: str):
        self.sim, self.reader, self.store = sim, reader, store
        self.control = sim.control_url(base)
        self.connection_id = get_connection(store.engine, "ns").id

    async def edit(self, record_type: str, ids: list[str]) -> None:
        async with httpx.AsyncClient() as http:
            for record_id in ids:
                body = {"fields": {"phone": f"+1 555 {record_id[-4:]:0>4}"}}
                response = await http.patch(
                    f"{self.control}/records/{record_type}/{record_id}", json=body
                )
                assert response.status_code == 200

    def ids(self, record_type: str, limit: int) -> list[str]:
        rows = self.sim.account.db.select(f"SELECT id FROM {record_type} ORDER BY id LIMIT {limit}")  # noqa: S608
        return [str(r["id"]) for r in rows]

    def inbox_keys(self, source: str) -> list[str]:
        query = select(inbox.c.idempotency_key).where(inbox.c.source == source)
        with self.store.engine.connect() as conn:
            return list(conn.execute(query).scalars())

    def inbox_ids(self, source: str) -> list[str]:
        query = select(inbox.c.record_id).where(inbox.c.source == source)
        with self.store.engine.connect() as conn:
            return list(conn.execute(query).scalars())


class Clock:
    """NetSuite's clock: real time, which a test may push forward."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@contextlib.asynccontextmanager
async def harness(
    store: Store, records: int, clock: Clock | None = None, *, time_zone: str = "UTC"
) -> AsyncIterator[Harness]:
    sim = NetSuiteSimulator(records=records, seed=11, clock=clock or Clock(), time_zone=time_zone)
    with serving(sim.app) as served:
        document = {
            "netsuite": sim.credentials(served.base_url),
            "zoho": {"client_id": "unused", "client_secret": "unused"},
        }
        store.add("ns", document)
        async with open_side(store.engine, store.keyring, "ns", "netsuite") as side:
            suiteql = SuiteQL(side.client, policy=RetryPolicy(initial=0.001), sleep=_no_wait)
            config = get_connection(store.engine, "ns").config["netsuite"]
            zone = account_zone(config.get("time_zone"))
            yield Harness(sim, RecordReader(suiteql, zone=zone), store, served.base_url)


async def test_backfill_queues_every_record_once_with_its_row(store: Store) -> None:
    async with harness(store, 2500) as h:
        first = await backfill(h.store.engine, h.reader, h.connection_id, "customer")
        again = await backfill(h.store.engine, h.reader, h.connection_id, "customer")
    total = h.sim.account.db.count("customer")
    assert first.read == first.queued == total
    assert again.read == 0, "a finished backfill resumes after its last page"
    assert sorted(h.inbox_ids("backfill"), key=int) == h.ids("customer", total)
    with store.engine.connect() as conn:
        payload = conn.execute(select(inbox.c.payload).limit(1)).scalar_one()
    assert payload["billcountry"]
    assert payload["lastmodified"].endswith("+00:00")


async def test_customers_without_a_parent_are_queued_before_their_children(store: Store) -> None:
    async with harness(store, 2500) as h:
        await backfill(h.store.engine, h.reader, h.connection_id, "customer")
        parents = {
            str(row["id"]): row["parent"]
            for row in h.sim.account.db.select("SELECT id, parent FROM customer")
        }
    with store.engine.connect() as conn:
        order = list(conn.execute(select(inbox.c.record_id).order_by(inbox.c.id)).scalars())
    first_child = next(i for i, record in enumerate(order) if parents[record] is not None)
    assert any(parent is not None for parent in parents.values())
    assert all(parents[record] is not None for record in order[first_child:]), (
        "every record without a parent was queued before the first child"
    )


async def test_contacts_are_read_once_every_company_is_queued(store: Store) -> None:
    async with harness(store, 1500) as h:
        results = await backfill_types(
            h.store.engine, h.reader, h.connection_id, ["contact", "vendor", "customer"]
        )
    with store.engine.connect() as conn:
        order = list(conn.execute(select(inbox.c.record_type).order_by(inbox.c.id)).scalars())
    first_contact = order.index("contact")
    assert [r.record_type for r in results] == ["contact", "vendor", "customer"]
    assert [r.queued for r in results] == [
        h.sim.account.db.count(t) for t in ("contact", "vendor", "customer")
    ]
    assert "contact" not in order[:first_contact]
    assert set(order[first_contact:]) == {"contact"}, "companies first, whatever order was asked"


class _InterruptedError(Exception):
    pass


async def test_an_interrupted_backfill_resumes_after_its_last_page(store: Store) -> None:
    async with harness(store, 6000) as h:
        pages = 0

        def stop_after_two(_count: int) -> None:
            nonlocal pages
            pages += 1
            if pages == 2:
                raise _InterruptedError

        with pytest.raises(_InterruptedError):
            await backfill(
                h.store.engine, h.reader, h.connection_id, "customer", progress=stop_after_two
            )
        committed_before = len(h.inbox_keys("backfill"))
        resumed = await backfill(h.store.engine, h.reader, h.connection_id, "customer")
    total = h.sim.account.db.count("customer")
    assert resumed.resumed
    # pages being committed when the stop came landed before backfill returned
    assert committed_before > 0
    assert resumed.read == total - committed_before
    keys = h.inbox_keys("backfill")
    assert len(keys) == len(set(keys)) == total


async def test_polling_finds_changes_and_rereads_the_overlap_for_free(store: Store) -> None:
    async with harness(store, 1500) as h:
        started = datetime.now(UTC) - timedelta(seconds=5)
        quiet = await poll(h.store.engine, h.reader, h.connection_id, "vendor", start=started)
        assert quiet.read == 0, "nothing changed since the poll started"
        changed = h.ids("vendor", 30)
        await h.edit("vendor", changed[:20])
        first = await poll(h.store.engine, h.reader, h.connection_id, "vendor", start=started)
        await h.edit("vendor", changed[20:])
        second = await poll(h.store.engine, h.reader, h.connection_id, "vendor", start=started)
    assert first.queued == 20
    assert second.read >= 30, "the overlap window reads the first twenty again"
    assert second.queued == 10, "but they were already queued"
    assert sorted(h.inbox_ids("poll"), key=int) == sorted(changed, key=int)


class EditDuringPoll(RecordReader):
    """A reader that, after handing over its first page, lets a user change a record."""

    def __init__(self, inner: RecordReader, harness: Harness, record_id: str, clock: Clock) -> None:
        self.inner, self.harness, self.record_id, self.clock = inner, harness, record_id, clock

    async def modified_since(
        self, record_type: str, moment: datetime, *, after_id: str | None = None
    ) -> AsyncIterator[list[Row]]:
        first = True
        async for rows in self.inner.modified_since(record_type, moment, after_id=after_id):
            yield rows
            if first:
                self.clock.offset += 2  # a later second than the first change of this record
                await self.harness.edit(record_type, [self.record_id])
                first = False


async def test_a_row_changed_while_a_poll_runs_is_not_skipped(store: Store) -> None:
    clock = Clock()
    async with harness(store, 4000, clock) as h:
        started = datetime.now(UTC) - timedelta(seconds=5)
        ids = h.ids("customer", 2200)
        await h.edit("customer", ids)
        await poll(
            h.store.engine,
            EditDuringPoll(h.reader, h, ids[0], clock),
            h.connection_id,
            "customer",
            start=started,
        )
        await poll(h.store.engine, h.reader, h.connection_id, "customer", start=started)
    polled = h.inbox_ids("poll")
    assert polled.count(ids[0]) == 2, "the first change and the one made mid-poll"
    assert sorted(set(polled), key=int) == ids


@pytest.mark.parametrize("time_zone", ["America/Los_Angeles", "Asia/Kolkata"])
async def test_polling_an_account_off_utc_finds_a_change_made_just_now(
    store: Store, time_zone: str
) -> None:
    async with harness(store, 300, time_zone=time_zone) as h:
        started = datetime.now(UTC) - timedelta(seconds=5)
        changed = h.ids("vendor", 3)
        await h.edit("vendor", changed)
        result = await poll(h.store.engine, h.reader, h.connection_id, "vendor", start=started)
    assert sorted(h.inbox_ids("poll"), key=int) == changed
    assert result.watermark is not None
    assert abs(result.watermark - datetime.now(UTC)) < timedelta(minutes=1), "a true UTC moment"


async def test_tokens_expiring_mid_backfill_lose_and_repeat_nothing(store: Store) -> None:
    async with harness(store, 5000) as h:
        expired: list[int] = []

        def expire_after_each_page(_count: int) -> None:
            # a blocking call is fine here: the simulator is served from another thread
            answer = httpx.post(f"{h.control}/tokens/expire", timeout=10)
            expired.append(int(answer.json()["expired"]))

        result = await backfill(
            h.store.engine, h.reader, h.connection_id, "customer",
            progress=expire_after_each_page,
        )  # fmt: skip
    total = h.sim.account.db.count("customer")
    assert len(expired) > 4, "pages were committed one by one"
    assert sum(expired) >= 2, "a token died mid-run, so did the one fetched to replace it"
    assert result.read == result.queued == total
    keys = h.inbox_keys("backfill")
    assert len(keys) == len(set(keys)) == total


class _SecondPageHeld:
    """A reader whose second page is answered only when the test says so."""

    def __init__(self) -> None:
        self.answer = asyncio.Event()
        self.second_page = "not asked"

    async def modified_since(
        self, _record_type: str, start: datetime, *, after_id: str | None = None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        yield [{"id": 1, "lastmodified": start}]
        self.second_page = "in flight"
        try:
            await self.answer.wait()
        except asyncio.CancelledError:
            self.second_page = "cut short"  # NetSuite would go on serving it, holding a slot
            raise
        self.second_page = "read"
        yield [{"id": 2, "lastmodified": start}]


async def test_a_stopped_backfill_lets_the_page_in_flight_finish(store: Store) -> None:
    async with harness(store, 10) as h:
        reader = _SecondPageHeld()
        committed = asyncio.Event()
        stopping = backfill(
            h.store.engine, reader, h.connection_id, "customer",  # type: ignore[arg-type]
            since=datetime(2026, 1, 1, tzinfo=UTC), progress=lambda _n: committed.set(),
        )  # fmt: skip
        running = asyncio.create_task(stopping)
        await committed.wait()  # page 1 is committed; page 2 is being read
        running.cancel()  # Ctrl-C
        reader.answer.set()
        with pytest.raises(asyncio.CancelledError):
            await running
    assert reader.second_page == "read"
