"""The job functions against a store and both simulators over HTTP, without a queue."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from huey import MemoryHuey
from sqlalchemy import func, select, update

from ml_connector.jobs import Tasks
from ml_connector.jobs.meters import ObservedTransport
from ml_connector.jobs.work import (
    active_connections,
    drain_connection,
    poll_connection,
    refresh_tokens,
    sweep_leases,
)
from ml_connector.settings import Settings
from ml_connector.store.connections import get_connection, set_status
from ml_connector.store.inbox import enqueue
from ml_connector.store.leases import claim, finish
from ml_connector.store.tables import inbox, tokens
from tests.jobs.world import JobWorld, job_world


def _queue_events(world: JobWorld, name: str, record_type: str, ids: list[int]) -> None:
    connection_id = get_connection(world.engine, name).id
    for record_id in ids:
        enqueue(
            world.engine, connection_id, source="netsuite_event",
            idempotency_key=f"evt-{name}-{record_type}-{record_id}", record_type=record_type,
            record_id=str(record_id), payload=None, received_at=datetime.now(UTC),
        )  # fmt: skip


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Check ``condition`` until it holds or ``timeout`` passes, yielding between checks."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.01)  # give the drain's thread the interpreter
    return False


def test_a_poll_finds_a_fresh_edit_and_a_drain_writes_it_to_zoho(world: JobWorld) -> None:
    customer = world.first_id("customer")
    world.edit("customer", customer, {"companyname": "Edited Just Now Ltd"})

    queued = asyncio.run(poll_connection(world.context, "acme"))
    report = asyncio.run(drain_connection(world.context, "acme"))

    assert queued == 1, "only the fresh edit is within the first poll's overlap window"
    assert (report.claimed, report.written, report.failed) == (1, 1, 0)
    assert world.zoho_records("Accounts")[str(customer)]["Account_Name"] == "Edited Just Now Ltd"
    assert world.inbox_statuses() == {"done": 1}
    assert world.sample("ml_connector_records_total", connection="acme", outcome="written") == 1


def test_the_poll_job_reads_an_account_west_of_utc_in_its_own_time(
    job_settings: Settings, tmp_path: Path
) -> None:
    with job_world(job_settings, tmp_path, time_zone="America/Los_Angeles") as west:
        customer = west.first_id("customer")
        west.edit("customer", customer, {"companyname": "Edited In California"})

        queued = asyncio.run(poll_connection(west.context, "acme"))

    assert queued == 1, "read as UTC, the account's times would be hours behind the window"


def test_a_second_drain_and_a_second_poll_change_nothing(world: JobWorld) -> None:
    world.edit("vendor", world.first_id("vendor"), {"phone": "+1 212 555 0100"})
    asyncio.run(poll_connection(world.context, "acme"))
    asyncio.run(drain_connection(world.context, "acme"))

    again = asyncio.run(poll_connection(world.context, "acme"))
    report = asyncio.run(drain_connection(world.context, "acme"))

    assert again == 0, "re-read rows of the overlap window are the same events"
    assert report.claimed == 0


def test_a_stopping_worker_claims_nothing_and_leaves_no_lease(world: JobWorld) -> None:
    _queue_events(world, "acme", "customer", [world.first_id("customer")])
    world.context.stopping.set()

    report = asyncio.run(drain_connection(world.context, "acme"))

    assert report.claimed == 0
    assert world.inbox_statuses() == {"pending": 1}


def test_a_drain_stopped_mid_batch_releases_its_rows(world: JobWorld) -> None:
    _queue_events(world, "acme", "customer", [world.first_id("customer")])
    stall = {"kind": "latency", "path": "/crm/v8/Accounts/upsert", "latency_ms": 60_000}
    httpx.post(f"{world.zoho.control_url(world.zoho_at.base_url)}/faults", json=stall)
    context = dataclasses.replace(world.context, stop_grace=0.0)
    drain = threading.Thread(target=lambda: asyncio.run(drain_connection(context, "acme")))
    drain.start()
    leased = wait_until(lambda: world.inbox_statuses() == {"leased": 1})

    context.stopping.set()
    drain.join(timeout=30)

    assert leased
    assert not drain.is_alive()
    assert world.inbox_statuses() == {"pending": 1}, "released, not left leased"


def test_the_sweeper_returns_only_expired_leases(world: JobWorld) -> None:
    _queue_events(world, "acme", "customer", [world.first_id("customer")])
    connection_id = get_connection(world.engine, "acme").id
    past = datetime.now(UTC) - timedelta(hours=1)
    claim(world.engine, connection_id, limit=10, lease=timedelta(minutes=5), now=past)

    returned = sweep_leases(world.context)
    twice = sweep_leases(world.context)

    assert (returned, twice) == (1, 0)
    assert world.inbox_statuses() == {"pending": 1}


def test_the_periodic_prune_removes_history_past_the_retention_window(world: JobWorld) -> None:
    _queue_events(world, "acme", "customer", [world.first_id("customer")])
    connection_id = get_connection(world.engine, "acme").id
    long_ago = datetime.now(UTC) - timedelta(days=30)
    [row] = claim(world.engine, connection_id, limit=10, lease=timedelta(minutes=5), now=long_ago)
    with world.engine.begin() as conn:
        finish(conn, [row.id], now=long_ago)
    keep_a_year = dataclasses.replace(world.context, retention=timedelta(days=365))
    keep_a_week = dataclasses.replace(world.context, retention=timedelta(days=7))

    Tasks(MemoryHuey("prune-test", immediate=True), keep_a_year).prune()
    kept = world.inbox_statuses()
    Tasks(MemoryHuey("prune-test", immediate=True), keep_a_week).prune()

    assert kept == {"done": 1}
    assert world.inbox_statuses() == {}


def test_tokens_are_refreshed_only_when_near_expiry(world: JobWorld) -> None:
    asyncio.run(refresh_tokens(world.context, "acme"))  # mints what setup did not need yet
    fresh = asyncio.run(refresh_tokens(world.context, "acme"))
    soon = datetime.now(UTC) + timedelta(minutes=4)  # inside the five-minute margin
    with world.engine.begin() as conn:
        conn.execute(update(tokens).where(tokens.c.kind == "access").values(expires_at=soon))

    refreshed = asyncio.run(refresh_tokens(world.context, "acme"))

    assert fresh == []
    assert sorted(refreshed) == ["netsuite", "zoho"]
    assert world.sample(
        "ml_connector_token_refreshes_total", connection="acme", system="zoho"
    ) == 1  # fmt: skip


def test_a_connection_needing_reauth_is_skipped(world: JobWorld) -> None:
    world.add("globex")
    set_status(world.engine, get_connection(world.engine, "globex").id, "needs_reauth")

    assert active_connections(world.engine) == ["acme"]


def test_an_event_for_a_connection_needing_reauth_waits_without_a_token_request(
    world: JobWorld,
) -> None:
    _queue_events(world, "acme", "customer", [world.first_id("customer")])
    set_status(world.engine, get_connection(world.engine, "acme").id, "needs_reauth")
    control = world.zoho.control_url(world.zoho_at.base_url)
    before = httpx.get(f"{control}/state").json()

    report = asyncio.run(drain_connection(world.context, "acme"))  # a wake-up after the event

    assert report.claimed == 0
    assert world.inbox_statuses() == {"pending": 1}, "kept for after re-authorization"
    assert httpx.get(f"{control}/state").json()["tokens"] == before["tokens"]


def test_one_broken_connection_does_not_stop_the_others(world: JobWorld) -> None:
    world.add(
        "broken", zoho={"api_domain": "http://127.0.0.1:1", "accounts_url": "http://127.0.0.1:1"}
    )
    for name in ("broken", "acme"):
        _queue_events(world, name, "customer", [world.first_id("customer")])
    tasks = Tasks(MemoryHuey("jobs-test", immediate=True), world.context)

    tasks.drain_all()  # immediate mode: each connection's task runs here, one after the other

    broken_id = get_connection(world.engine, "broken").id
    assert world.inbox_statuses() == {"done": 1, "pending": 1}
    assert world.zoho_records("Accounts"), "acme was drained after broken failed"
    assert claim(
        world.engine, broken_id, limit=10, lease=timedelta(minutes=5), now=datetime.now(UTC)
    ), "broken's row waits for the next drain"


def _statuses(world: JobWorld, name: str) -> dict[str, int]:
    connection_id = get_connection(world.engine, name).id
    query = (
        select(inbox.c.status, func.count())
        .where(inbox.c.connection_id == connection_id)
        .group_by(inbox.c.status)
    )
    with world.engine.connect() as conn:
        return {str(status): int(count) for status, count in conn.execute(query)}


def test_a_backlog_takes_turns_so_another_tenant_is_not_starved(world: JobWorld) -> None:
    world.add("globex")
    customers = [int(r["id"]) for r in world.netsuite.account.db.select("SELECT id FROM customer")]
    _queue_events(world, "acme", "customer", customers[:20])
    _queue_events(world, "globex", "vendor", [world.first_id("vendor")])
    context = dataclasses.replace(world.context, batch=5, batches_in_flight=1, turn_seconds=0.0)
    queue = MemoryHuey("fairness-test")  # one worker, taking tasks in queue order
    tasks = Tasks(queue, context)
    tasks.drain("acme")  # the backlog asked first
    tasks.drain("globex")
    ran: list[str] = []

    def run_next() -> None:
        task = queue.dequeue()
        assert task is not None
        ran.append(task.args[0])
        queue.execute(task)

    run_next()
    run_next()
    acme_after_two, globex_after_two = _statuses(world, "acme"), _statuses(world, "globex")
    while len(queue):
        run_next()

    assert ran[:2] == ["acme", "globex"]
    assert acme_after_two == {"done": 5, "pending": 15}, "acme gave up the worker after a turn"
    assert globex_after_two == {"done": 1}, "globex was written before acme's backlog"
    assert _statuses(world, "acme") == {"done": 20}
    assert ran.count("acme") == 4, "each turn took one batch of five, then queued the next"


def test_a_connection_with_nothing_queued_is_not_even_opened(world: JobWorld) -> None:
    world.add("unreachable", zoho={"api_domain": "http://127.0.0.1:1"})

    report = asyncio.run(drain_connection(world.context, "unreachable"))

    assert report.claimed == 0, "no session was opened, so the dead host was never called"


def test_429_answers_are_counted_per_host(world: JobWorld) -> None:
    throttled = httpx.MockTransport(lambda request: httpx.Response(429))
    transport = ObservedTransport(world.context.meters, "acme", throttled)

    async def twice() -> None:
        async with httpx.AsyncClient(transport=transport) as http:
            await http.get("https://www.zohoapis.com/crm/v8/org")
            await http.get("https://www.zohoapis.com/crm/v8/org")
        await transport.close()

    asyncio.run(twice())

    assert world.sample(
        "ml_connector_rate_limited_responses_total", connection="acme", host="www.zohoapis.com"
    ) == 2  # fmt: skip
