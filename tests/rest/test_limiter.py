"""The adaptive limiter keeps calls in flight under its limit and finds the headroom."""

from __future__ import annotations

import asyncio

import pytest

from ml_connector.rest import AdaptiveLimiter

pytestmark = pytest.mark.anyio


async def test_never_more_than_the_limit_in_flight() -> None:
    limiter = AdaptiveLimiter(3)
    peak = 0
    release, full = asyncio.Event(), asyncio.Event()

    async def call() -> None:
        nonlocal peak
        async with limiter.slot():
            peak = max(peak, limiter.in_flight)
            if limiter.in_flight == 3:
                full.set()
            await release.wait()

    tasks = [asyncio.create_task(call()) for _ in range(10)]
    await full.wait()
    for _ in range(20):
        await asyncio.sleep(0)  # yield, giving the other seven every chance to (wrongly) enter
    assert limiter.in_flight == 3
    release.set()
    await asyncio.gather(*tasks)
    assert peak == 3
    assert limiter.in_flight == 0


async def test_a_429_halves_and_successes_grow_it_back() -> None:
    limiter = AdaptiveLimiter(10, minimum=2, window=3)
    limiter.throttled()
    assert limiter.limit == 5
    limiter.throttled()
    limiter.throttled()
    assert limiter.limit == 2
    for _ in range(3):
        await limiter.succeeded()
    assert limiter.limit == 3
    for _ in range(100):
        await limiter.succeeded()
    assert limiter.limit == 10


async def test_a_fixed_pool_does_not_adapt() -> None:
    limiter = AdaptiveLimiter(4, adaptive=False)
    limiter.throttled()
    assert limiter.limit == 4


def test_bounds_are_checked() -> None:
    with pytest.raises(ValueError, match="minimum"):
        AdaptiveLimiter(2, minimum=3)
