"""Concurrency limiters: a fixed pool per NetSuite account, an adaptive one for Zoho.

Both vendors count requests *in flight* and answer 429 beyond their limit without saying when to
come back, so the client must keep itself under the limit. The adaptive limiter halves its limit
on a 429 (multiplicative decrease) and adds one after ``window`` successes in a row (additive
increase), never leaving ``[minimum, maximum]``: it finds the real headroom, which other
integrations sharing the same account also consume.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

__all__ = ["AdaptiveLimiter"]


class AdaptiveLimiter:
    """At most ``limit`` holders at once; the limit adapts to 429s between min and max."""

    def __init__(
        self, maximum: int, *, minimum: int = 1, window: int = 20, adaptive: bool = True
    ) -> None:
        if not 1 <= minimum <= maximum:
            raise ValueError("need 1 <= minimum <= maximum")
        self.minimum, self.maximum = minimum, maximum
        self.limit = maximum
        self.window = window
        self.adaptive = adaptive
        self.in_flight = 0
        self._successes = 0
        self._changed = asyncio.Condition()

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``limit`` slots for the duration of the block."""
        async with self._changed:
            await self._changed.wait_for(lambda: self.in_flight < self.limit)
            self.in_flight += 1
        try:
            yield
        finally:
            async with self._changed:
                self.in_flight -= 1
                self._changed.notify_all()

    def throttled(self) -> None:
        """The server said 429: halve the limit."""
        self._successes = 0
        if self.adaptive:
            self.limit = max(self.minimum, self.limit // 2)

    async def succeeded(self) -> None:
        """A call went through; after a window of them, allow one more in flight."""
        self._successes += 1
        if self.adaptive and self._successes >= self.window and self.limit < self.maximum:
            self._successes = 0
            async with self._changed:
                self.limit += 1
                self._changed.notify_all()
