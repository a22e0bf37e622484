"""The retry policy, run with a fake sleep: caps, jitter bounds, Retry-After, what is retried."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.errors import PermanentError, RetryableError
from ml_connector.rest import RetryPolicy, call_with_retries

pytestmark = pytest.mark.anyio


class Flaky:
    """Fails with ``error`` the first ``failures`` times, then returns ``"done"``."""

    def __init__(self, failures: int, error: Exception | None = None) -> None:
        self.failures = failures
        self.error = error or RetryableError("429", status=429)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "done"


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


async def test_recovers_after_transient_failures() -> None:
    sleeps = Sleeps()
    flaky = Flaky(failures=3)
    assert await call_with_retries(flaky, RetryPolicy(), sleep=sleeps) == "done"
    assert flaky.calls == 4
    assert len(sleeps) == 3


async def test_gives_up_after_five_retries_with_the_last_error() -> None:
    sleeps = Sleeps()
    flaky = Flaky(failures=100)
    with pytest.raises(RetryableError):
        await call_with_retries(flaky, RetryPolicy(retries=5), sleep=sleeps)
    assert flaky.calls == 6
    assert len(sleeps) == 5


async def test_a_permanent_error_is_not_retried() -> None:
    flaky = Flaky(failures=1, error=PermanentError("400", status=400))
    with pytest.raises(PermanentError):
        await call_with_retries(flaky, RetryPolicy(), sleep=Sleeps())
    assert flaky.calls == 1


async def test_the_time_cap_stops_retrying() -> None:
    flaky = Flaky(failures=100)
    with pytest.raises(RetryableError):
        await call_with_retries(flaky, RetryPolicy(deadline=0), sleep=Sleeps())
    assert flaky.calls == 1


async def test_retry_after_replaces_the_backoff_but_stays_capped() -> None:
    sleeps = Sleeps()
    error = RetryableError("503", retry_after=7.0, status=503)
    await call_with_retries(Flaky(1, error), RetryPolicy(maximum=30), sleep=sleeps)
    assert sleeps == [7.0]
    sleeps.clear()
    error = RetryableError("503", retry_after=3600.0, status=503)
    await call_with_retries(Flaky(1, error), RetryPolicy(maximum=30), sleep=sleeps)
    assert sleeps == [30.0]


@settings(max_examples=30, deadline=None)
@given(initial=st.floats(0.01, 2), maximum=st.floats(1, 60))
async def test_waits_are_full_jitter_within_the_exponential_envelope(
    initial: float, maximum: float
) -> None:
    sleeps = Sleeps()
    policy = RetryPolicy(retries=5, initial=initial, maximum=maximum)
    with pytest.raises(RetryableError):
        await call_with_retries(Flaky(100), policy, sleep=sleeps)
    for attempt, wait in enumerate(sleeps, start=1):
        assert 0 <= wait <= min(maximum, initial * 2**attempt)


async def test_each_retry_is_reported() -> None:
    seen: list[int] = []
    await call_with_retries(
        Flaky(2), RetryPolicy(), sleep=Sleeps(), on_retry=lambda _e, n: seen.append(n)
    )
    assert seen == [1, 2]


async def test_a_plain_function_returning_a_coroutine_is_awaited() -> None:
    flaky = Flaky(failures=1)

    def start() -> Coroutine[Any, Any, str]:
        return flaky()

    assert await call_with_retries(start, RetryPolicy(), sleep=Sleeps()) == "done"
    assert flaky.calls == 2
