"""The machine's Redis (database 15) for queue tests: skipped when absent, except under CI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import redis
from huey import Huey, RedisHuey

REDIS_URL = "redis://127.0.0.1:6379/15"


def _require_redis() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.ConnectionError as exc:
        if os.environ.get("CI") == "true":  # noqa: TID251  # CI must run what outside CI may skip
            pytest.fail(f"Redis tests must run under CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")


def redis_queue() -> Iterator[Huey]:
    """A queue of its own on Redis, emptied afterwards."""
    _require_redis()
    queue = RedisHuey(f"test-{uuid.uuid4().hex[:12]}", url=REDIS_URL, results=False)
    try:
        yield queue
    finally:
        queue.flush()
