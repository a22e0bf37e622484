"""Wake-ups are coalesced per connection, and the last event of a burst always gets one after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from huey import MemoryHuey

from ml_connector.jobs import JobContext, Tasks
from ml_connector.jobs.wakeups import WakeCoalescer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.timers: list[tuple[float, Callable[[], None]]] = []

    def later(self, delay: float, action: Callable[[], None]) -> None:
        self.timers.append((self.now + delay, action))

    def advance(self, seconds: float) -> None:
        """Move time on, running every timer that falls due, in order."""
        self.now += seconds
        due = sorted((t for t in self.timers if t[0] <= self.now), key=lambda t: t[0])
        self.timers = [t for t in self.timers if t[0] > self.now]
        for _, action in due:
            action()


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _coalescer(clock: Clock, sent: list[str]) -> WakeCoalescer:
    return WakeCoalescer(sent.append, 0.2, clock=lambda: clock.now, later=clock.later)


def test_the_first_event_of_a_quiet_connection_wakes_a_drain_at_once(clock: Clock) -> None:
    sent: list[str] = []
    wake = _coalescer(clock, sent)

    wake("acme")

    assert sent == ["acme"]
    assert clock.timers == []


def test_a_burst_costs_two_wake_ups_and_the_last_comes_after_the_last_event(clock: Clock) -> None:
    sent: list[str] = []
    wake = _coalescer(clock, sent)

    for _ in range(10):  # 50 events a second for 0.2 s
        wake("acme")
        clock.advance(0.019)
    assert sent == ["acme"], "the events after the first wait for the window's end"
    clock.advance(0.1)

    assert sent == ["acme", "acme"]
    assert clock.timers == []


def test_a_steady_stream_sends_one_wake_up_per_window(clock: Clock) -> None:
    sent: list[str] = []
    wake = _coalescer(clock, sent)

    for _ in range(250):  # 50 a second for five seconds
        wake("acme")
        clock.advance(0.02)
    clock.advance(1.0)

    assert 24 <= len(sent) <= 27, "about five a second, instead of 250"
    assert clock.timers == []


def test_connections_are_coalesced_apart(clock: Clock) -> None:
    sent: list[str] = []
    wake = _coalescer(clock, sent)

    wake("acme")
    wake("globex")
    wake("acme")
    clock.advance(0.2)

    assert sent == ["acme", "globex", "acme"]


def test_a_failed_late_wake_up_is_logged_not_raised(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    sent: list[str] = []

    def flaky(connection: str) -> None:  # the queue goes down after the first wake-up
        sent.append(connection)
        if len(sent) > 1:
            raise ConnectionError("queue down")

    wake = WakeCoalescer(flaky, 0.2, clock=lambda: clock.now, later=clock.later)

    wake("acme")
    wake("acme")
    clock.advance(0.2)

    assert sent == ["acme", "acme"]
    assert "could not wake a drain" in caplog.text


def test_tasks_enqueue_coalesced_wake_ups(context: JobContext) -> None:
    queue = MemoryHuey("coalesced")
    tasks = Tasks(queue, context, wake_window=60.0)

    for _ in range(20):
        tasks.wake("acme")

    [message] = queue.pending()  # the rest is one late wake-up, a minute from now
    assert (type(message).__name__, message.args) == ("drain", ("acme",))
