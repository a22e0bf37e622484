"""A real consumer in this process: an event posted to the receiver reaches Zoho by itself.

The queue is a real SqliteHuey file (and Redis, as scaled out) and the consumer runs its worker
threads as ``serve`` does; nothing calls a drain by hand. The test waits on huey's completion
signal, never on a timer.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from huey import Huey
from huey.signals import SIGNAL_COMPLETE, SIGNAL_ERROR

from ml_connector.jobs import JobRunner, Tasks, sqlite_queue
from ml_connector.sandbox.server import serving
from ml_connector.store.audit import search_audit
from ml_connector.store.connections import get_connection
from ml_connector.web import create_app
from tests.jobs.redis_queue import redis_queue
from tests.jobs.world import JobWorld


class Finished:
    """Counts finished ``drain`` tasks, so a test can wait for one."""

    def __init__(self) -> None:
        self.drained = threading.Event()
        self.errors: list[str] = []

    def __call__(self, signal: str, task: Any, *args: Any) -> None:
        if signal == SIGNAL_ERROR:
            self.errors.append(repr(args))
        if type(task).__name__ == "drain":
            self.drained.set()


@pytest.fixture(params=["sqlite", "redis"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Huey]:
    """The embedded queue, and the scaled-out one."""
    if request.param == "sqlite":
        yield sqlite_queue(tmp_path / "queue.db")
    else:
        yield from redis_queue()


@pytest.fixture
def running(world: JobWorld, queue: Huey) -> Iterator[tuple[Tasks, Finished]]:
    finished = Finished()
    queue.signal(SIGNAL_COMPLETE, SIGNAL_ERROR)(finished)
    tasks = Tasks(queue, world.context)
    runner = JobRunner(tasks, worker=True, scheduler=False, workers=1)
    runner.start()
    try:
        yield tasks, finished
    finally:
        runner.stop()


def _deliver_an_edit(world: JobWorld, tasks: Tasks, customer: int) -> dict[str, Any]:
    """Edit a customer in NetSuite; its event is posted to a served receiver; the delivery."""
    app = create_app(engine=world.engine, keyring=world.keyring, on_event=tasks.wake)
    with serving(app) as receiver, httpx.Client(base_url=world.netsuite_at.base_url) as http:
        hook = {"url": f"{receiver.base_url}/hooks/netsuite/acme"}
        http.put("/_sandbox/webhook", json=hook).raise_for_status()
        edit = {"fields": {"companyname": "Arrived By Itself Inc"}}
        http.patch(f"/_sandbox/records/customer/{customer}", json=edit).raise_for_status()
        settled = http.get("/_sandbox/events", params={"wait": "true"}, timeout=60)
    [delivery] = settled.json()["events"]
    return dict(delivery)


def test_an_event_wakes_a_worker_that_drains_it_without_a_manual_drain(
    world: JobWorld, running: tuple[Tasks, Finished]
) -> None:
    tasks, finished = running

    delivery = _deliver_an_edit(world, tasks, world.first_id("customer"))

    assert delivery["outcome"] == 202
    assert finished.drained.wait(timeout=60), "the wake-up was taken by a worker"
    assert finished.errors == []
    assert world.inbox_statuses() == {"done": 1}
    [entry] = search_audit(world.engine, get_connection(world.engine, "acme").id)
    assert entry.source_type == "customer"


def test_an_event_from_netsuite_reaches_zoho_without_a_manual_drain(
    world: JobWorld, running: tuple[Tasks, Finished]
) -> None:
    tasks, finished = running
    customer = world.first_id("customer")

    _deliver_an_edit(world, tasks, customer)

    assert finished.drained.wait(timeout=60), "the wake-up was taken by a worker"
    assert world.zoho_records("Accounts")[str(customer)]["Account_Name"] == "Arrived By Itself Inc"
