"""Concurrency slots freed as the response completes, not after the client has seen it.

A server frees a request's slot when it finishes the request; the client sees the answer
after that. An ASGI app that frees the slot in a ``finally`` around the app frees it only once
the last body message has been sent, by which time a quick client may already have sent its
next request, and been refused for a slot that real NetSuite or Zoho would have freed. Both
simulators' gates free their slots through :func:`freeing_on_completion`.

A call given ``latency_ms`` takes that long in all, as a remote service's answer would: the
request is handled at once and its answer held back until the latency has passed
(:func:`answering_after`). Sleeping first and handling after added the simulator's own work,
and its queue behind the other calls in the same process, to every call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.types import Message, Send

__all__ = ["answering_after", "freeing_on_completion"]


def answering_after(send: Send, seconds: float) -> Send:
    """A ``send`` that holds the response's start until ``seconds`` after this call."""
    loop = asyncio.get_running_loop()
    due = loop.time() + seconds

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
        await send(message)

    return sending


def freeing_on_completion(send: Send, free: Callable[[], None]) -> tuple[Send, Callable[[], None]]:
    """A ``send`` that calls ``free`` just before the response's last message, and a ``free``
    for the caller's ``finally`` (for a request that ends without a response); once in all."""
    freed = False

    def free_once() -> None:
        nonlocal freed
        if not freed:
            freed = True
            free()

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            free_once()
        await send(message)

    return sending, free_once
