"""Removing a connection disables its Zoho notification channel first."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from ml_connector.mapping import default_mapping
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from ml_connector.sync.services import open_services
from ml_connector.zoho import maintain_channels
from tests.conftest import Run


async def _open_channel(name: str) -> None:
    settings = load_settings()
    engine = open_engine(settings)
    keyring = keyring_for(settings)
    async with open_services(engine, keyring, name, mapping=default_mapping()) as services:
        await maintain_channels(
            engine, keyring, services, "https://sync.example.com", datetime.now(UTC)
        )
    engine.dispose()


def test_remove_disables_the_channel_in_zoho(run: Run, tmp_path: Path) -> None:
    netsuite, zoho = NetSuiteSimulator(records=20, seed=2), ZohoSimulator(seed=2)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        document = {
            "netsuite": netsuite.credentials(ns_at.base_url),
            "zoho": zoho.credentials(zoho_at.base_url),
        }
        path = tmp_path / "c.json"
        path.write_text(json.dumps(document))
        assert run("connection", "add", "acme", "--config", str(path)).code == 0
        asyncio.run(_open_channel("acme"))
        state = zoho.control_url(zoho_at.base_url) + "/state"
        assert len(httpx.get(state).json()["channels"]) == 1
        removed = run("connection", "remove", "acme")
        assert removed.code == 0, removed.err
        assert httpx.get(state).json()["channels"] == []
    assert run("connection", "list", "--json").json() == []
