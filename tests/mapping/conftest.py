"""Simulators and connections for the mapping commands (the CLI runner is in tests/conftest)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ml_connector.cli.runtime import Runtime
from ml_connector.connections import add_from_file
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import load_settings


@pytest.fixture
def home(cli_home: Path) -> Path:
    """The temporary data directory the CLI runner uses."""
    return cli_home


NETSUITE = {
    "account_id": "1234567_SB1",
    "auth": "tba",
    "consumer_key": "ck-0123456789",
    "consumer_secret": "cs-0123456789",
    "token_id": "tid-0123456789",
    "token_secret": "ts-0123456789",
}


@dataclass(frozen=True)
class ServedZoho:
    simulator: ZohoSimulator
    base_url: str


@pytest.fixture
def zoho() -> Iterator[ServedZoho]:
    """A fresh Zoho simulator served on loopback."""
    simulator = ZohoSimulator(seed=5)
    with serving(simulator.app) as served:
        yield ServedZoho(simulator, served.base_url)


@pytest.fixture
def connection(home: Path, tmp_path: Path, zoho: ServedZoho) -> Iterator[Runtime]:
    """A connection ``acme`` whose Zoho side is the simulator; yields the store's runtime."""
    path = tmp_path / "acme.json"
    zoho_side = zoho.simulator.credentials(zoho.base_url)
    path.write_text(json.dumps({"netsuite": NETSUITE, "zoho": zoho_side}))
    runtime = Runtime(load_settings())
    add_from_file(runtime.engine, runtime.keyring, "acme", path)
    yield runtime
    runtime.engine.dispose()


@dataclass(frozen=True)
class ServedNetSuite:
    simulator: NetSuiteSimulator
    base_url: str


@pytest.fixture
def netsuite() -> Iterator[ServedNetSuite]:
    """A NetSuite simulator with a few seeded records, served on loopback."""
    simulator = NetSuiteSimulator(records=40, seed=3)
    with serving(simulator.app) as served:
        yield ServedNetSuite(simulator, served.base_url)


@pytest.fixture
def both(
    home: Path, tmp_path: Path, zoho: ServedZoho, netsuite: ServedNetSuite
) -> Iterator[Runtime]:
    """A connection ``acme`` to both simulators; yields the store's runtime."""
    path = tmp_path / "acme.json"
    document = {
        "netsuite": netsuite.simulator.credentials(netsuite.base_url),
        "zoho": zoho.simulator.credentials(zoho.base_url),
    }
    path.write_text(json.dumps(document))
    runtime = Runtime(load_settings())
    add_from_file(runtime.engine, runtime.keyring, "acme", path)
    yield runtime
    runtime.engine.dispose()
