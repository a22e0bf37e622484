"""``/metrics``: Prometheus text of the service's own registry, inbox depth read at scrape."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette

from ml_connector.jobs import Meters
from ml_connector.jobs.work import drain_connection, poll_connection
from ml_connector.settings import Settings
from ml_connector.web import create_app
from tests.jobs.world import job_world
from tests.web.conftest import Store, event_body, signed

pytestmark = pytest.mark.anyio

HOOK = "/hooks/netsuite/acme"


def _client(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://connector.test")


async def test_a_stored_event_is_counted_and_waits_in_the_inbox_depth(store: Store) -> None:
    registry = CollectorRegistry()
    meters = Meters(registry)
    app = create_app(
        engine=store.engine, keyring=store.keyring, clock=lambda: 1_780_000_000,
        on_event=meters.event_received, registry=registry,
    )  # fmt: skip
    body = event_body()
    async with _client(app) as http:
        await http.post(HOOK, content=body, headers=signed(body))
        await http.post(HOOK, content=body, headers=signed(body))  # a repeat is not new
        text = (await http.get("/metrics")).text

    assert 'ml_connector_events_received_total{connection="acme"} 1.0' in text
    assert 'ml_connector_inbox_depth{connection="acme",status="pending"} 1.0' in text


def test_a_drain_shows_its_records_and_the_inbox_empties(
    settings: Settings, tmp_path: Path
) -> None:
    with job_world(settings, tmp_path) as world:
        customer = world.first_id("customer")
        world.edit("customer", customer, {"companyname": "Counted Co"})
        asyncio.run(poll_connection(world.context, "acme"))
        app = create_app(engine=world.engine, keyring=world.keyring, registry=world.registry)
        before = asyncio.run(_scrape(app))
        asyncio.run(drain_connection(world.context, "acme"))
        after = asyncio.run(_scrape(app))

    assert 'ml_connector_inbox_depth{connection="acme",status="pending"} 1.0' in before
    assert 'ml_connector_records_total{connection="acme",outcome="written"} 1.0' in after
    assert 'ml_connector_records_total{connection="acme",outcome="failed"} 0.0' in after
    assert "ml_connector_inbox_depth{" not in after
    assert "ml_connector_rate_limited_responses_total" in after


async def _scrape(app: Starlette) -> str:
    async with _client(app) as http:
        response = await http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain")
    return response.text
