"""Removing a connection disables its Zoho notification channel first."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from ml_connector.mapping import default_mapping
from ml_connector.settings import load_settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.schema import open_engine
from ml_connector.sync.services import open_services
from ml_connector.zoho import maintain_channels
from tests.cli.conftest import Served
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


def test_remove_disables_the_channel_in_zoho(run: Run, both: Served) -> None:
    asyncio.run(_open_channel("acme"))
    state = both.zoho_control + "/state"
    assert len(httpx.get(state).json()["channels"]) == 1
    removed = run("connection", "remove", "acme")
    assert removed.code == 0, removed.err
    assert httpx.get(state).json()["channels"] == []
    assert run("connection", "list", "--json").json() == []
