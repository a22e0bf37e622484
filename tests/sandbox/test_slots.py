"""A simulator frees a request's slot before the client sees the answer, and answers on time."""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message

from ml_connector.sandbox.slots import answering_after, freeing_on_completion

pytestmark = pytest.mark.anyio


async def test_the_slot_is_free_before_the_last_body_message_goes_out() -> None:
    in_flight = 1
    seen: list[tuple[str, bool, int]] = []

    async def wire(message: Message) -> None:
        seen.append((message["type"], bool(message.get("more_body")), in_flight))

    def leave() -> None:
        nonlocal in_flight
        in_flight -= 1

    sending, free = freeing_on_completion(wire, leave)
    await sending({"type": "http.response.start", "status": 200, "headers": []})
    await sending({"type": "http.response.body", "body": b"a", "more_body": True})
    await sending({"type": "http.response.body", "body": b"b"})
    free()  # the caller's finally: nothing more to free

    assert seen == [
        ("http.response.start", False, 1),
        ("http.response.body", True, 1),
        ("http.response.body", False, 0),
    ]
    assert in_flight == 0


async def test_a_request_that_ends_without_an_answer_frees_its_slot_once() -> None:
    freed: list[int] = []

    async def wire(_message: Message) -> None:
        raise ConnectionResetError

    _sending, free = freeing_on_completion(wire, lambda: freed.append(1))
    free()
    free()
    assert freed == [1]


class _Clock:
    """The running loop's clock, moved by hand, and the waits asked of ``asyncio.sleep``."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = 100.0
        self.waits: list[float] = []
        monkeypatch.setattr(asyncio.get_running_loop(), "time", lambda: self.now)

        async def sleep(seconds: float) -> None:
            self.waits.append(round(seconds, 6))
            self.now += seconds

        monkeypatch.setattr("ml_connector.sandbox.slots.asyncio.sleep", sleep)


@pytest.mark.parametrize(("work", "wait"), [(0.1, 0.2), (0.0, 0.3), (0.5, None)])
async def test_a_call_with_latency_is_answered_that_long_after_it_came_in_whatever_the_work(
    monkeypatch: pytest.MonkeyPatch, work: float, wait: float | None
) -> None:
    clock = _Clock(monkeypatch)
    seen: list[tuple[str, float]] = []

    async def wire(message: Message) -> None:
        seen.append((message["type"], clock.now))

    sending = answering_after(wire, 0.3)
    clock.now += work  # the simulator handling the request
    await sending({"type": "http.response.start", "status": 200, "headers": []})
    await sending({"type": "http.response.body", "body": b"{}"})

    assert clock.waits == ([] if wait is None else [wait])
    answered = max(100.3, 100 + work)  # the latency, or the work when that took longer
    assert seen == [("http.response.start", answered), ("http.response.body", answered)]
