"""The retry policy: exponential backoff with full jitter, capped in attempts and in time.

Retries happen here and nowhere else. Only :class:`~ml_connector.errors.RetryableError` is
retried; a ``retry_after`` it carries replaces the computed wait (still capped). The sleep
function is injectable so tests run the policy without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    stop_after_delay,
    wait_random_exponential,
)

from ml_connector.errors import RetryableError

__all__ = ["RetryPolicy", "call_with_retries"]

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: ``retries`` after the first attempt, within ``deadline`` seconds."""

    retries: int = 5
    deadline: float = 120.0
    initial: float = 0.5
    maximum: float = 30.0

    def wait(self, state: RetryCallState) -> float:
        """Full jitter (uniform in 0..min(max, initial·2^n)), or the server's Retry-After."""
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, RetryableError) and error.retry_after is not None:
            return min(error.retry_after, self.maximum)
        jitter = wait_random_exponential(multiplier=self.initial, max=self.maximum)
        return float(jitter(state))


async def call_with_retries(
    operation: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Sleep = asyncio.sleep,
    on_retry: Callable[[RetryableError, int], None] | None = None,
) -> T:
    """Run ``operation`` until it succeeds, raises a non-retryable error, or the policy is spent.

    When the policy is spent the last RetryableError propagates, so the caller can journal it.
    """

    def before_sleep(state: RetryCallState) -> None:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if on_retry is not None and isinstance(error, RetryableError):
            on_retry(error, state.attempt_number)

    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.retries + 1) | stop_after_delay(policy.deadline),
        wait=policy.wait,
        retry=retry_if_exception_type(RetryableError),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )

    async def attempt() -> T:
        # a coroutine function, so tenacity awaits it whatever kind of callable ``operation`` is
        return await operation()

    return await retrying(attempt)
