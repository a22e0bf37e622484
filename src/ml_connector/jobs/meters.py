"""What the running service counts, registered in a registry its owner passes in.

No default global registry: a process may build several services (tests do), and each one's
``/metrics`` must show only its own counts. Queue depth is not counted here: it is read from
the store when scraped (see :mod:`ml_connector.web.metrics`), so it is true after a restart.
"""

from __future__ import annotations

import httpx
from prometheus_client import CollectorRegistry, Counter

from ml_connector.sync.pipeline import DrainReport

__all__ = ["Meters", "ObservedTransport"]

_OUTCOMES = ("written", "unchanged", "failed", "skipped")


class Meters:
    """The service's counters, labelled by connection name."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter(
            "ml_connector_events_received",
            "Change events stored by the webhook receivers",
            ["connection"],
            registry=registry,
        )
        self.records = Counter(
            "ml_connector_records",
            "Records handled by drains, by outcome",
            ["connection", "outcome"],
            registry=registry,
        )
        self.token_refreshes = Counter(
            "ml_connector_token_refreshes",
            "Access tokens minted by the pre-refresh job",
            ["connection", "system"],
            registry=registry,
        )
        self.rate_limited = Counter(
            "ml_connector_rate_limited_responses",
            "HTTP 429 answers from NetSuite or Zoho",
            ["connection", "host"],
            registry=registry,
        )

    def event_received(self, connection: str) -> None:
        """One new event was committed to the inbox."""
        self.events.labels(connection).inc()

    def drained(self, connection: str, report: DrainReport) -> None:
        """Add one drain's outcomes."""
        for outcome in _OUTCOMES:
            self.records.labels(connection, outcome).inc(getattr(report, outcome))


class ObservedTransport(httpx.AsyncBaseTransport):
    """A transport that counts 429 answers per host, for one connection's session.

    Every client of a session shares it, so closing a client must not close it: its owner
    calls :meth:`close` once the session is over.
    """

    def __init__(
        self, meters: Meters, connection: str, inner: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._inner = inner or httpx.AsyncHTTPTransport()
        self._meters, self._connection = meters, connection

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if response.status_code == 429:
            self._meters.rate_limited.labels(self._connection, request.url.host).inc()
        return response

    async def aclose(self) -> None:
        """Clients come and go within a session; the pool is closed by :meth:`close`."""

    async def close(self) -> None:
        """Close the connection pool."""
        await self._inner.aclose()
