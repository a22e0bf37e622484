"""``GET /metrics``: Prometheus text from the registry the service was built with.

Counters (events, records, token refreshes, 429s) are incremented where the work happens; the
inbox depth is read from the store at each scrape, so it is right even just after a restart and
counts rows queued by other processes (polls on another worker, receivers on another machine).
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ml_connector.store.tables import connections, inbox

__all__ = ["InboxDepth", "MetricsEndpoint"]


class InboxDepth(Collector):
    """Pending and leased inbox rows per connection, counted when scraped."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """One gauge, labelled by connection and status."""
        family = GaugeMetricFamily(
            "ml_connector_inbox_depth",
            "Inbox rows waiting (pending) or being worked on (leased)",
            labels=["connection", "status"],
        )
        for name, status, count in self._counts():
            family.add_metric([name, status], count)
        yield family

    def _counts(self) -> list[tuple[str, str, int]]:
        query = (
            select(connections.c.name, inbox.c.status, func.count())
            .join(connections, connections.c.id == inbox.c.connection_id)
            .where(inbox.c.status.in_(["pending", "leased"]))
            .group_by(connections.c.name, inbox.c.status)
        )
        with self._engine.connect() as conn:
            return [(str(n), str(s), int(c)) for n, s, c in conn.execute(query)]


class MetricsEndpoint:
    """Serves one registry in the Prometheus text format."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    async def metrics(self, request: Request) -> Response:
        """The registry's samples; collecting reads the store, so it runs off the loop."""
        body = await run_in_threadpool(generate_latest, self._registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)
