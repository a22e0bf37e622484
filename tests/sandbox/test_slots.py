"""A simulator frees a request's concurrency slot before the client can see the answer."""

from __future__ import annotations

import pytest
from starlette.types import Message

from ml_connector.sandbox.slots import freeing_on_completion

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
