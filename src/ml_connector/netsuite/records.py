"""The REST record service: creating records (``POST /services/rest/record/v1/{type}``).

NetSuite answers a create with 204 and no body; the new record's id is only in the ``Location``
header. A create is not idempotent, so only a 429 (NetSuite refused to start the request) is
retried: after a 5xx or a lost answer the record may exist, and a second POST could make two.
The call holds a slot of the per-account limiter that SuiteQL uses, since both draw on the same
concurrency pool.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ml_connector.errors import PermanentError, RetryableError
from ml_connector.netsuite.caller import NetSuiteCaller
from ml_connector.netsuite.problems import raise_for_netsuite

__all__ = ["RecordService"]

PATH = "/services/rest/record/v1"


class RecordService(NetSuiteCaller):
    """Record writes over one authenticated NetSuite client."""

    async def create(self, record_type: str, body: Mapping[str, Any]) -> str:
        """Create one record; its internal id (from ``Location``)."""
        return await self._retrying(lambda: self._create(record_type, body))

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
