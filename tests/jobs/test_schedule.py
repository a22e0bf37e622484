"""The scheduler enqueues every periodic job at start, and the fan-out reaches Zoho by itself."""

from __future__ import annotations

import threading

from huey import MemoryHuey

from ml_connector.jobs import Intervals, JobRunner, Tasks
from ml_connector.jobs.schedule import Every, Schedule
from tests.jobs.world import JobWorld


def test_every_entry_is_enqueued_at_start_and_stop_returns_promptly() -> None:
    fired = {name: threading.Event() for name in ("often", "hourly")}
    schedule = Schedule([Every(0.01, fired["often"].set, "often"),
                         Every(3600, fired["hourly"].set, "hourly")])  # fmt: skip

    schedule.start()
    started = all(event.wait(timeout=10) for event in fired.values())
    schedule.stop(timeout=10)

    assert started


def test_a_failing_enqueue_does_not_stop_the_schedule() -> None:
    calls: list[int] = []
    second = threading.Event()

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("queue down")
        second.set()

    schedule = Schedule([Every(0.01, flaky, "flaky")])
    schedule.start()
    recovered = second.wait(timeout=10)
    schedule.stop(timeout=10)

    assert recovered


def test_a_scheduled_poll_fans_out_and_its_changes_reach_zoho(world: JobWorld) -> None:
    customer = world.first_id("customer")
    world.edit("customer", customer, {"companyname": "Found By The Safety Net"})
    tasks = Tasks(MemoryHuey("schedule-test", immediate=True), world.context)

    tasks.poll_all()  # immediate mode: poll, then the drain it wakes, run here

    assert world.zoho_records("Accounts")[str(customer)]["Account_Name"] == (
        "Found By The Safety Net"
    )
    assert world.inbox_statuses() == {"done": 1}


def test_a_scheduler_role_only_enqueues(world: JobWorld) -> None:
    queue = MemoryHuey("scheduler-role")
    tasks = Tasks(queue, world.context)
    runner = JobRunner(tasks, worker=False, scheduler=True, intervals=Intervals())

    runner.start()
    runner.stop()

    assert queue.pending_count() >= 4, "sweep, refresh, poll and drain fan-outs wait for workers"
    assert world.inbox_statuses() == {}
