"""The REST record service: creating records (``POST /services/rest/record/v1/{type}``).

NetSuite answers a create with 204 and no body; the new record's id is only in the ``Location``
header. A create is not idempotent, so only a 429 (NetSuite refused to start the request) is
retried: after a 5xx or a lost answer the record may exist, and a second POST could make two.
The call holds a slot of the per-account limiter that SuiteQL uses, since both draw on the same
concurrency pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from ml_connector.errors import PermanentError, RetryableError
from ml_connector.netsuite.problems import raise_for_netsuite
from ml_connector.rest import AdaptiveLimiter, RetryPolicy, call_with_retries

__all__ = ["RecordService"]

PATH = "/services/rest/record/v1"


class RecordService:
    """Record writes over one authenticated NetSuite client."""

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

    async def create(self, record_type: str, body: Mapping[str, Any]) -> str:
        """Create one record; its internal id (from ``Location``)."""
        return await call_with_retries(
            lambda: self._create(record_type, body), self._policy, sleep=self._sleep
        )

    async def _create(self, record_type: str, body: Mapping[str, Any]) -> str:
        async with self.limiter.slot():
            response = await self._http.post(f"{PATH}/{record_type}", json=dict(body))
        try:
            raise_for_netsuite(response)
        except RetryableError as exc:
            if response.status_code == 429:  # refused before it started: safe to send again
                raise
            raise PermanentError(
                f"NetSuite did not confirm the create of a {record_type} ({exc.message}); "
                "check whether it exists before trying again",
                status=response.status_code,
            ) from exc
        location = str(response.headers.get("Location", ""))
        record_id = location.rstrip("/").rpartition("/")[2]
        if not record_id:
            raise PermanentError(f"NetSuite created a {record_type} but gave no Location")
        return record_id
