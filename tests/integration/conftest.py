"""Both simulators served on loopback over real HTTP, and a store with a connection to them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from ml_connector.connections import add_from_file
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import ServedApp, serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import Settings
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.keyring import Keyring
from ml_connector.store.schema import open_engine

NETSUITE_REDIRECT = "https://connector.example/netsuite/callback"


@dataclass
class Sandbox:
    """The two simulators, where they are served, and the connection file that reaches them."""

    netsuite: NetSuiteSimulator
    zoho: ZohoSimulator
    netsuite_at: ServedApp
    zoho_at: ServedApp

    def connection_file(self, **overrides: dict[str, Any]) -> dict[str, Any]:
        """What ``sandbox --json`` prints, with per-section overrides."""
        document = {
            "netsuite": self.netsuite.credentials(self.netsuite_at.base_url),
            "zoho": self.zoho.credentials(self.zoho_at.base_url),
            "control": {
                "netsuite": self.netsuite.control_url(self.netsuite_at.base_url),
                "zoho": self.zoho.control_url(self.zoho_at.base_url),
            },
        }
        for section, values in overrides.items():
            document[section] = {**document[section], **values}
        return document


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    netsuite = NetSuiteSimulator(records=50, seed=3, redirect_uris=[NETSUITE_REDIRECT])
    zoho = ZohoSimulator(seed=3)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        yield Sandbox(netsuite, zoho, ns_at, zoho_at)


@dataclass(frozen=True)
class Store:
    engine: Engine
    keyring: Keyring
    tmp: Path

    def add(self, name: str, document: dict[str, Any]) -> str:
        path = self.tmp / f"{name}.json"
        path.write_text(json.dumps(document))
        add_from_file(self.engine, self.keyring, name, path)
        return name


@pytest.fixture
def store(settings: Settings, tmp_path: Path) -> Iterator[Store]:
    engine = open_engine(settings)
    yield Store(engine, keyring_for(settings), tmp_path)
    engine.dispose()
