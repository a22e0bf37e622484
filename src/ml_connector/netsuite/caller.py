"""What every NetSuite REST client here holds: the client, the account's limiter, the policy.

NetSuite has one concurrency pool per account, so SuiteQL reads and record writes of one
connection are given the same limiter; each call is retried within the shared retry policy.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import httpx

from ml_connector.rest import AdaptiveLimiter, RetryPolicy, call_with_retries

__all__ = ["NetSuiteCaller"]

T = TypeVar("T")


class NetSuiteCaller:
    """One authenticated NetSuite client, with the account's limiter and the retry policy."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        limiter: AdaptiveLimiter | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self.limiter = limiter or AdaptiveLimiter(4, adaptive=False)
        self._policy = policy or RetryPolicy()
        self._sleep = sleep

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt`` until it succeeds, fails for good, or the policy is spent."""
        return await call_with_retries(attempt, self._policy, sleep=self._sleep)
