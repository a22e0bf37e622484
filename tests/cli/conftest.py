"""Connection files and served simulators for the CLI tests (the runner: tests/conftest)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from tests.conftest import Run

SANDBOX_LIKE = {
    "netsuite": {
        "base_url": "http://127.0.0.1:9001",
        "account_id": "1234567_SB1",
        "client_id": "client-abc",
        "certificate_id": "cert-1",
        "private_key_pem": (
            "-----BEGIN PRIVATE KEY-----\nPEMSECRET0123456789\n-----END PRIVATE KEY-----\n"
        ),
        "consumer_key": "ck-secret-0123456789",
        "consumer_secret": "cs-secret-0123456789",
        "token_id": "tid-secret-0123456789",
        "token_secret": "ts-secret-0123456789",
        "webhook_secret": "wh-secret-0123456789",
    },
    "zoho": {
        "accounts_url": "http://127.0.0.1:9002",
        "api_domain": "http://127.0.0.1:9002",
        "client_id": "1000.CLIENTID",
        "client_secret": "zoho-cs-secret-0123456789",
        "refresh_token": "1000.rt-secret-0123456789",
        "dc": "com",
    },
    "control": {
        "netsuite": "http://127.0.0.1:9001/_sandbox",
        "zoho": "http://127.0.0.1:9002/_sandbox",
    },
}

SECRET_VALUES = [
    SANDBOX_LIKE[system][key]
    for system, keys in {
        "netsuite": [
            "certificate_id",
            "private_key_pem",
            "consumer_key",
            "consumer_secret",
            "token_id",
            "token_secret",
            "webhook_secret",
        ],
        "zoho": ["client_secret", "refresh_token"],
    }.items()
    for key in keys
]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "acme.json"
    path.write_text(json.dumps(SANDBOX_LIKE))
    return path


@dataclass(frozen=True)
class Served:
    """Both simulators on loopback, with a connection ``acme`` to them in the CLI's store."""

    netsuite: NetSuiteSimulator
    zoho: ZohoSimulator
    zoho_url: str

    @property
    def zoho_control(self) -> str:
        return self.zoho.control_url(self.zoho_url)


@pytest.fixture
def both(run: Run, tmp_path: Path) -> Iterator[Served]:
    netsuite, zoho = NetSuiteSimulator(records=300, seed=4), ZohoSimulator(seed=4)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        document = {
            "netsuite": netsuite.credentials(ns_at.base_url),
            "zoho": zoho.credentials(zoho_at.base_url),
        }
        path = tmp_path / "both.json"
        path.write_text(json.dumps(document))
        assert run("connection", "add", "acme", "--config", str(path)).code == 0
        yield Served(netsuite, zoho, zoho_at.base_url)
