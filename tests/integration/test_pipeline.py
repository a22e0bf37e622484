"""The pipeline end to end: NetSuite simulator → inbox → mapping → Zoho simulator, over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from ml_connector.auth.session import open_session
from ml_connector.mapping import default_mapping, default_mapping_text, parse_mapping
from ml_connector.netsuite import RECORD_TYPES, RecordReader, SuiteQL
from ml_connector.rest import RetryPolicy
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.store.audit import search_audit
from ml_connector.store.connections import get_connection
from ml_connector.store.tables import inbox, links
from ml_connector.sync import backfill
from ml_connector.sync.pipeline import Pipeline
from ml_connector.sync.reconcile import Difference, queue_fixes, reconcile
from ml_connector.sync.replay import replay
from ml_connector.zoho import ZohoCRM
from tests.integration.conftest import Store

pytestmark = pytest.mark.anyio

MODULES = {"customer": "Accounts", "vendor": "Vendors", "contact": "Contacts"}
KEY_FIELD = {"field_label": "NetSuite ID", "data_type": "text", "length": 40, "unique": {}}
INACTIVE_FIELD = {"field_label": "NetSuite Inactive", "data_type": "boolean"}
CATEGORY_FIELD = {"field_label": "NetSuite Category", "data_type": "text"}


async def _no_wait(_seconds: float) -> None:
    await asyncio.sleep(0)


@dataclass
class World:
    netsuite: NetSuiteSimulator
    zoho: ZohoSimulator
    zoho_at: ServedApp
    store: Store
    pipeline: Pipeline
    crm: ZohoCRM
    reader: RecordReader
    suiteql: SuiteQL
    connection_id: int

    async def zoho_records(self) -> dict[str, list[dict[str, Any]]]:
        async with httpx.AsyncClient() as http:
            state = await http.get(self.zoho.control_url(self.zoho_at.base_url) + "/state")
        records: dict[str, list[dict[str, Any]]] = state.json()["records"]
        return records

    def reader_calls(self) -> int:
        return self.suiteql.calls

    async def backfill_all(self) -> None:
        """Every record of every type into the inbox, one type after another."""
        for record_type in RECORD_TYPES:
            await backfill(self.store.engine, self.reader, self.connection_id, record_type)

    def inbox_statuses(self) -> dict[str, int]:
        query = select(inbox.c.status, func.count()).group_by(inbox.c.status)
        with self.store.engine.connect() as conn:
            return {status: int(n) for status, n in conn.execute(query)}


@contextlib.asynccontextmanager
async def world(store: Store, records: int) -> AsyncIterator[World]:
    netsuite, zoho = NetSuiteSimulator(records=records, seed=21), ZohoSimulator(seed=21)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        store.add(
            "acme",
            {
                "netsuite": netsuite.credentials(ns_at.base_url),
                "zoho": zoho.credentials(zoho_at.base_url),
            },
        )
        async with open_session(store.engine, store.keyring, "acme") as session:
            crm = ZohoCRM(session.zoho, policy=RetryPolicy(initial=0.001), sleep=_no_wait)
            for module in MODULES.values():
                await crm.create_field(module, KEY_FIELD)
                await crm.create_field(module, INACTIVE_FIELD)
            await crm.create_field("Contacts", CATEGORY_FIELD)
            suiteql = SuiteQL(session.netsuite, sleep=_no_wait)
            reader = RecordReader(suiteql)
            connection_id = get_connection(store.engine, "acme").id
            pipeline = Pipeline(
                store.engine, connection_id, reader=reader, zoho=crm, mapping=default_mapping()
            )
            yield World(
                netsuite, zoho, zoho_at, store, pipeline, crm, reader, suiteql, connection_id
            )


async def test_a_backfill_arrives_in_zoho_once_with_its_lookups(store: Store) -> None:
    async with world(store, 400) as w:
        await w.backfill_all()
        report = await w.pipeline.drain()
        zoho = await w.zoho_records()
        again = await w.pipeline.drain()
    counts = {t: w.netsuite.account.db.count(t) for t in RECORD_TYPES}
    assert report.claimed == sum(counts.values())
    assert report.failed == 0, search_audit(w.store.engine, w.connection_id, outcome="failed")
    for record_type, module in MODULES.items():
        synced = [r for r in zoho[module] if r.get("NetSuite_ID")]
        assert len(synced) == counts[record_type]
        assert len({r["NetSuite_ID"] for r in synced}) == counts[record_type], "no duplicates"
    assert again.claimed == 0
    assert w.inbox_statuses() == {"done": report.claimed}


async def test_parents_and_companies_resolve_to_zoho_ids(store: Store) -> None:
    async with world(store, 300) as w:
        await w.backfill_all()
        await w.pipeline.drain()
        zoho = await w.zoho_records()
    by_ns = {
        module: {r["NetSuite_ID"]: r for r in zoho[module] if r.get("NetSuite_ID")}
        for module in MODULES.values()
    }
    children = w.netsuite.account.db.select(
        "SELECT id, parent FROM customer WHERE parent IS NOT NULL"
    )
    assert children, "the seed has parent hierarchies"
    for child in children:
        account = by_ns["Accounts"][str(child["id"])]
        assert account["Parent_Account"]["id"] == by_ns["Accounts"][str(child["parent"])]["id"]
    contacts = w.netsuite.account.db.select(
        "SELECT c.id, c.company FROM contact c JOIN customer cu ON cu.id = c.company"
    )
    for contact in contacts[:50]:
        zoho_contact = by_ns["Contacts"][str(contact["id"])]
        parent = by_ns["Accounts"][str(contact["company"])]
        assert zoho_contact["Account_Name"]["id"] == parent["id"]


async def test_events_without_rows_are_fetched_and_unchanged_records_skipped(
    store: Store,
) -> None:
    async with world(store, 200) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "vendor")
        first = await w.pipeline.drain()
        with w.store.engine.begin() as conn:  # a change event arrives for every vendor again
            conn.execute(
                inbox.insert(),
                [
                    {
                        "connection_id": w.connection_id,
                        "source": "event",
                        "idempotency_key": f"evt-{row['id']}",
                        "record_type": "vendor",
                        "record_id": str(row["id"]),
                        "status": "pending",
                        "received_at": datetime.now(UTC),
                    }
                    for row in w.netsuite.account.db.select("SELECT id FROM vendor")
                ],
            )
        second = await w.pipeline.drain()
    assert first.written == w.netsuite.account.db.count("vendor")
    assert second.unchanged == first.written, "same payload as last written: nothing sent"
    assert second.written == 0
    with w.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(links)).scalar_one() == first.written


def _change_events(w: World, record_type: str, ids: list[str], tag: str) -> None:
    """Change events (ids only, as the SuiteScript sends them) committed to the inbox."""
    now = datetime.now(UTC)
    base = {"connection_id": w.connection_id, "source": "event", "record_type": record_type}
    rows = [
        base | {"idempotency_key": f"{tag}-{r}", "record_id": r, "status": "pending",
                "received_at": now}
        for r in ids
    ]  # fmt: skip
    with w.store.engine.begin() as conn:
        conn.execute(inbox.insert(), rows)


async def test_a_lingering_drain_takes_events_that_arrive_while_it_runs(store: Store) -> None:
    async with world(store, 150) as w:
        ids = [str(row["id"]) for row in w.netsuite.account.db.select("SELECT id FROM vendor")]
        early, late = ids[: len(ids) // 2], ids[len(ids) // 2 :]
        rests = 0

        async def rest() -> None:  # the late events arrive while the drain's workers are idle
            nonlocal rests
            rests += 1
            if rests == 1:
                _change_events(w, "vendor", late, "late")
            await asyncio.sleep(0)

        _change_events(w, "vendor", early, "early")
        brief = await w.pipeline.drain(workers=3, rest=rest)  # no linger: ends when idle
        assert (brief.claimed, rests) == (len(early), 0)
        _change_events(w, "vendor", early, "again")
        lingering = await w.pipeline.drain(workers=3, linger=0.01, rest=rest)
        zoho = await w.zoho_records()
    assert lingering.claimed == len(early) + len(late), "the late events are taken by this drain"
    assert (lingering.written, lingering.unchanged) == (len(late), len(early))
    assert w.inbox_statuses() == {"done": 2 * len(early) + len(late)}
    assert len([r for r in zoho["Vendors"] if r.get("NetSuite_ID")]) == len(ids)


async def test_batches_in_flight_write_each_record_once(store: Store) -> None:
    async with world(store, 400) as w:
        await w.backfill_all()
        w.pipeline.batch = 60  # parents, children and contacts' companies in other batches
        report = await w.pipeline.drain(workers=4)
        zoho = await w.zoho_records()
    total = sum(w.netsuite.account.db.count(t) for t in RECORD_TYPES)
    accounts = {r["id"] for r in zoho["Accounts"]} | {r["id"] for r in zoho["Vendors"]}
    assert (report.written, report.failed) == (total, 0), "no record fetched and written twice"
    linked = [c for c in zoho["Contacts"] if c.get("Account_Name") or c.get("Vendor_Name")]
    assert linked, "the seed has contacts of companies"
    for contact in linked:
        company: dict[str, Any] = contact.get("Account_Name") or contact["Vendor_Name"]
        assert company["id"] in accounts


async def test_a_429_storm_is_journalled_and_replayed_without_netsuite(store: Store) -> None:
    async with world(store, 150) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "vendor")
        control = w.zoho.control_url(w.zoho_at.base_url)
        storm = {"kind": "status", "status": 429, "path": "/crm/v8/Vendors/upsert", "count": 6}
        async with httpx.AsyncClient() as http:
            assert (await http.post(control + "/faults", json=storm)).status_code < 300
        stormy = await w.pipeline.drain()
        failed = search_audit(w.store.engine, w.connection_id, outcome="failed")
        netsuite_calls_before = w.reader_calls()
        replayed = await replay(w.store.engine, w.connection_id, w.pipeline.zoho, default_mapping())
        zoho = await w.zoho_records()
        again = await replay(w.store.engine, w.connection_id, w.pipeline.zoho, default_mapping())
    vendors = w.netsuite.account.db.count("vendor")
    assert stormy.failed == vendors, "a call that outlasted five retries fails all its records"
    assert {f.code for f in failed} == {"TOO_MANY_REQUESTS"}
    assert all(f.payload for f in failed), "the payload is kept for replay"
    assert (replayed.replayed, replayed.written, replayed.failed) == (vendors, vendors, 0)
    assert w.reader_calls() == netsuite_calls_before, "replay reads nothing from NetSuite"
    assert len([r for r in zoho["Vendors"] if r.get("NetSuite_ID")]) == vendors
    assert again.replayed == 0


async def test_reconcile_finds_what_people_changed_in_zoho(store: Store) -> None:
    async with world(store, 200) as w:
        await w.backfill_all()
        await w.pipeline.drain()
        clean = await reconcile(
            w.store.engine, w.connection_id, reader=w.reader, zoho=w.crm,
            mapping=default_mapping(), types=RECORD_TYPES,
        )  # fmt: skip
        accounts = [r for r in (await w.zoho_records())["Accounts"] if r.get("NetSuite_ID")]
        edited, deleted = accounts[0], accounts[1]
        control = w.zoho.control_url(w.zoho_at.base_url)
        async with httpx.AsyncClient() as http:  # a person edits one account and deletes another
            edit = {"Account_Name": "Renamed by hand"}
            patched = await http.patch(f"{control}/records/Accounts/{edited['id']}", json=edit)
            assert patched.status_code < 300
            gone = await http.delete(f"{control}/records/Accounts/{deleted['id']}")
            assert gone.status_code < 300
        after = await reconcile(
            w.store.engine, w.connection_id, reader=w.reader, zoho=w.crm,
            mapping=default_mapping(), types=("customer",),
        )  # fmt: skip
        queued = queue_fixes(w.store.engine, w.connection_id, after.differences)
        fixed = await w.pipeline.drain()
        # the deleted account came back with a new Zoho id: its contacts now point at the old
        # one, which the next reconciliation finds and fixes
        second = await reconcile(
            w.store.engine, w.connection_id, reader=w.reader, zoho=w.crm,
            mapping=default_mapping(), types=RECORD_TYPES,
        )  # fmt: skip
        queue_fixes(w.store.engine, w.connection_id, second.differences)
        await w.pipeline.drain()
        final = await reconcile(
            w.store.engine, w.connection_id, reader=w.reader, zoho=w.crm,
            mapping=default_mapping(), types=RECORD_TYPES,
        )  # fmt: skip
    assert (queued, fixed.written) == (2, 2)
    assert {(d.kind, d.fields) for d in second.differences} <= {("different", ("Account_Name",))}
    assert final.differences == []
    assert clean.differences == []
    assert sum(clean.compared.values()) == 200
    assert {(d.record_id, d.kind, d.fields) for d in after.differences} == {
        (edited["NetSuite_ID"], "different", ("Account_Name",)),
        (deleted["NetSuite_ID"], "missing", ()),
    }
    assert after.count("orphaned") == 0


class CrashAfterWriting:
    """The real Zoho client, but the process 'dies' right after Zoho accepted the first call."""

    def __init__(self, inner: ZohoCRM) -> None:
        self.inner = inner
        self.crashed = False

    async def upsert(
        self, module: str, records: list[dict[str, Any]], *, duplicate_check_fields: list[str]
    ) -> list[Any]:
        results = await self.inner.upsert(
            module, records, duplicate_check_fields=duplicate_check_fields
        )
        if not self.crashed:
            self.crashed = True
            raise SystemExit("killed between the Zoho write and the audit commit")
        return list(results)


async def test_a_crash_between_write_and_commit_leaves_no_duplicate(store: Store) -> None:
    async with world(store, 300) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "customer")
        crashing = Pipeline(
            w.store.engine, w.connection_id, reader=w.reader,
            zoho=CrashAfterWriting(w.crm), mapping=default_mapping(),
        )  # fmt: skip
        with pytest.raises(SystemExit):
            await crashing.drain_once()
        assert search_audit(w.store.engine, w.connection_id) == [], "nothing was committed"
        assert w.inbox_statuses() == {"pending": w.netsuite.account.db.count("customer")}
        recovered = await w.pipeline.drain()
        zoho = await w.zoho_records()
    customers = w.netsuite.account.db.count("customer")
    synced = [r["NetSuite_ID"] for r in zoho["Accounts"] if r.get("NetSuite_ID")]
    assert recovered.written == customers
    assert sorted(synced) == sorted(set(synced)), "the repeated upserts updated, never inserted"
    assert len(synced) == customers


async def test_a_bad_record_fails_alone_in_its_batch(store: Store) -> None:
    async with world(store, 400) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "customer")
        await w.pipeline.drain()
        parents = w.netsuite.account.db.select(
            "SELECT parent, COUNT(*) AS n FROM customer WHERE parent IS NOT NULL "
            "GROUP BY parent ORDER BY n DESC LIMIT 1"
        )
        parent = str(parents[0]["parent"])
        children = [
            str(r["id"])
            for r in w.netsuite.account.db.select(
                f"SELECT id FROM customer WHERE parent = {parent}"  # noqa: S608 - a test's own id
            )
        ]
        accounts = {r["NetSuite_ID"]: r for r in (await w.zoho_records())["Accounts"]}
        control = w.zoho.control_url(w.zoho_at.base_url)
        async with httpx.AsyncClient() as http:  # the parent vanishes from Zoho behind our back
            gone = await http.delete(f"{control}/records/Accounts/{accounts[parent]['id']}")
            assert gone.status_code < 300
        every = [str(r["id"]) for r in w.netsuite.account.db.select("SELECT id FROM customer")]
        others = [i for i in every if i not in children and i != parent][:60]
        queue_fixes(
            w.store.engine,
            w.connection_id,
            [Difference("customer", i, "different") for i in children + others],
        )
        report = await w.pipeline.drain()
    failed = search_audit(w.store.engine, w.connection_id, outcome="failed")
    assert {f.source_id for f in failed} == set(children)
    assert {f.code for f in failed} == {"INVALID_DATA"}
    assert report.written == len(others)


async def test_a_replay_is_linked_to_the_attempt_it_re_sent(store: Store) -> None:
    async with world(store, 120) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "vendor")
        control = w.zoho.control_url(w.zoho_at.base_url)
        storm = {"kind": "status", "status": 429, "path": "/crm/v8/Vendors/upsert", "count": 6}
        async with httpx.AsyncClient() as http:
            await http.post(control + "/faults", json=storm)
        await w.pipeline.drain()
        failed = search_audit(w.store.engine, w.connection_id, outcome="failed")
        one = failed[0]
        single = await replay(
            w.store.engine, w.connection_id, w.crm, default_mapping(),
            record=("vendor", one.source_id),
        )  # fmt: skip
        history = search_audit(w.store.engine, w.connection_id, source_id=one.source_id)
        rest = await replay(w.store.engine, w.connection_id, w.crm, default_mapping())
    assert (single.replayed, single.written) == (1, 1)
    assert history[0].outcome == "written"
    assert history[0].replay_of == one.id
    assert rest.replayed == len(failed) - 1


async def test_children_of_a_failed_parent_are_completed_by_replay(store: Store) -> None:
    async with world(store, 300) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "customer")
        control = w.zoho.control_url(w.zoho_at.base_url)
        outage = {"kind": "status", "status": 429, "path": "/crm/v8/Accounts/upsert"}
        async with httpx.AsyncClient() as http:
            assert (await http.post(control + "/faults", json=outage)).status_code < 300
            first = await w.pipeline.drain()
            assert (await http.delete(control + "/faults")).status_code < 300
        waiting = search_audit(
            w.store.engine, w.connection_id, outcome="failed", limit=1000
        )  # fmt: skip
        netsuite_calls_before = w.reader_calls()
        replayed = await replay(w.store.engine, w.connection_id, w.crm, default_mapping())
        accounts = {r["NetSuite_ID"]: r for r in (await w.zoho_records())["Accounts"]}
    customers = {str(r["id"]): r for r in w.netsuite.account.db.select("SELECT * FROM customer")}
    children = [c for c in waiting if c.code == "DEPENDENCY_UNRESOLVED"]
    assert children, "some customers have a parent, so they waited for it"
    assert first.failed == len(customers)
    assert all(c.payload and c.zoho_module == "Accounts" for c in children)
    assert (replayed.replayed, replayed.written) == (len(customers), len(customers))
    assert w.reader_calls() == netsuite_calls_before, "replay reads nothing from NetSuite"
    for child in children:
        parent = str(customers[child.source_id]["parent"])
        assert accounts[child.source_id]["Parent_Account"]["id"] == accounts[parent]["id"]


async def test_reconcile_reports_records_deleted_in_netsuite_as_orphans(store: Store) -> None:
    async with world(store, 150) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "vendor")
        await w.pipeline.drain()
        gone = str(
            w.netsuite.account.db.select("SELECT id FROM vendor ORDER BY id LIMIT 1")[0]["id"]
        )
        w.netsuite.account.db.run("DELETE FROM vendor WHERE id = ?", [int(gone)])
        found = await reconcile(
            w.store.engine, w.connection_id, reader=w.reader, zoho=w.crm,
            mapping=default_mapping(), types=("vendor",),
        )  # fmt: skip
        queued = queue_fixes(w.store.engine, w.connection_id, found.differences)
    assert [(d.record_id, d.kind) for d in found.differences] == [(gone, "orphaned")]
    assert queued == 0, "deletions are not synced: an orphan is reported, not removed"


async def test_every_audit_row_names_the_mapping_version_that_built_it(store: Store) -> None:
    default = default_mapping_text()
    strict = default.replace("unmapped: default\n      default: Customer", "unmapped: reject")
    assert strict != default
    mapping = parse_mapping(strict, "strict.yaml").mapping  # categories not listed fail
    async with world(store, 150) as w:
        pipeline = Pipeline(
            w.store.engine, w.connection_id, reader=w.reader, zoho=w.crm, mapping=mapping
        )
        await backfill(w.store.engine, w.reader, w.connection_id, "customer")
        await pipeline.drain()
        ids = [str(row["id"]) for row in w.netsuite.account.db.select("SELECT id FROM customer")]
        _change_events(w, "customer", [*ids, "999999"], "evt")  # again, and one deleted since
        await pipeline.drain()
    rows = search_audit(w.store.engine, w.connection_id, limit=10_000)
    assert {row.outcome for row in rows} == {"written", "unchanged", "failed", "skipped"}
    assert {row.mapping_version for row in rows} == {mapping.version}
    assert mapping.version != default_mapping().version


async def test_a_field_left_out_by_the_mapping_is_told_in_the_audit(store: Store) -> None:
    async with world(store, 60) as w:
        vendor = w.netsuite.account.db.select("SELECT id FROM vendor")[0]["id"]
        w.netsuite.account.db.update("vendor", vendor, {"phone": "12"})  # no number anywhere
        await backfill(w.store.engine, w.reader, w.connection_id, "vendor")
        report = await w.pipeline.drain()
        zoho = await w.zoho_records()
    [row] = search_audit(
        w.store.engine, w.connection_id, source_type="vendor", source_id=str(vendor)
    )
    assert report.failed == 0, "an invalid phone with invalid: omit does not fail the record"
    assert row.outcome == "written"
    assert (row.message or "").startswith("left out: Phone: ")
    written = next(r for r in zoho["Vendors"] if r.get("NetSuite_ID") == str(vendor))
    assert not written.get("Phone")


async def test_children_of_accounts_written_earlier_go_in_the_first_call(store: Store) -> None:
    async with world(store, 300) as w:
        await backfill(w.store.engine, w.reader, w.connection_id, "customer")
        await w.pipeline.drain()
        children = w.netsuite.account.db.select("SELECT id FROM customer WHERE parent IS NOT NULL")
        for child in children:  # renamed in NetSuite; their parents are not
            w.netsuite.account.db.update("customer", child["id"], {"companyname": "Renamed"})
        _change_events(w, "customer", [str(c["id"]) for c in children], "rename")
        control = w.zoho.control_url(w.zoho_at.base_url)
        async with httpx.AsyncClient() as http:
            await http.delete(control + "/counters")
            report = await w.pipeline.drain()
            counters = (await http.get(control + "/counters")).json()
    assert 0 < len(children) <= 100, "one call's worth"
    assert report.written == len(children)
    assert counters.get("POST /crm/v8/Accounts/upsert") == 1, "no second wave for linked parents"


COUNTRIES = {"US": "United States", "GB": "United Kingdom", "DE": "Germany", "CA": "Canada"}
CONTACT_DETAILS = """
SELECT e.id, e.altemail, e.mobilephone, e.officephone, e.homephone, e.fax, k.name AS category,
       b.addr1 AS billstreet, b.city AS billcity, b.state AS billstate, b.zip AS billzip,
       b.country AS billcountry, s.addr1 AS shipstreet, s.city AS shipcity,
       s.state AS shipstate, s.zip AS shipzip, s.country AS shipcountry
FROM contact e
LEFT JOIN contactcategory k ON k.id = e.category
LEFT JOIN entityaddress b ON b.nkey = e.defaultbillingaddress
LEFT JOIN entityaddress s ON s.nkey = e.defaultshippingaddress
"""


def _phone(number: str | None) -> str | None:
    return None if number is None else number.replace(" ", "")


def _expected_contact(row: dict[str, Any]) -> dict[str, Any]:
    """What Zoho should hold for a seeded contact, worked out from the simulator's own rows."""
    expected = {
        "Secondary_Email": row["altemail"], "Mobile": _phone(row["mobilephone"]),
        "Other_Phone": _phone(row["officephone"]), "Home_Phone": _phone(row["homephone"]),
        "Fax": _phone(row["fax"]), "NetSuite_Category": row["category"],
    }  # fmt: skip
    for prefix, zoho in (("bill", "Mailing"), ("ship", "Other")):
        expected |= {
            f"{zoho}_Street": row[f"{prefix}street"], f"{zoho}_City": row[f"{prefix}city"],
            f"{zoho}_State": row[f"{prefix}state"], f"{zoho}_Zip": row[f"{prefix}zip"],
            f"{zoho}_Country": COUNTRIES.get(row[f"{prefix}country"]),
        }  # fmt: skip
    return expected


async def test_contacts_arrive_with_their_addresses_phones_and_category(store: Store) -> None:
    async with world(store, 300) as w:
        await w.backfill_all()
        report = await w.pipeline.drain()
        zoho = await w.zoho_records()
    assert report.failed == 0
    contacts = {r["NetSuite_ID"]: r for r in zoho["Contacts"] if r.get("NetSuite_ID")}
    rows = w.netsuite.account.db.select(CONTACT_DETAILS)
    assert len(contacts) == len(rows)
    for row in rows:
        expected = _expected_contact(row)
        held = {name: contacts[str(row["id"])].get(name) for name in expected}
        assert held == expected, f"contact {row['id']}"
    for field in ("Mailing_City", "Other_City", "Mobile", "Fax", "NetSuite_Category"):
        filled = sum(1 for c in contacts.values() if c.get(field))
        assert 0 < filled < len(contacts), f"{field}: some contacts have one, some not"
