"""The admin API against its own OpenAPI document: generated requests, every check schemathesis has.

The app runs in-process over a store with a connection whose NetSuite and Zoho are the
simulators on loopback (so a generated replay really opens both sides), and a few audit rows
(so row lookups can hit). Examples are bounded and derandomized: the run takes seconds and
fails the same way every time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from ml_connector.connections import add_from_file
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import make_engine, upgrade
from ml_connector.web import create_app
from tests.web.admin_client import API, NOW, TOKEN, seed_audit


@pytest.fixture
def store_with_sandbox(tmp_path: Path) -> Iterator[tuple[Engine, Keyring]]:
    netsuite, zoho = NetSuiteSimulator(records=20, seed=5), ZohoSimulator(seed=5)
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    keyring = Keyring([new_key()])
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        for name in ("acme", "globex"):
            path = tmp_path / f"{name}.json"
            document = {
                "netsuite": netsuite.credentials(ns_at.base_url),
                "zoho": zoho.credentials(zoho_at.base_url),
            }
            path.write_text(json.dumps(document))
            add_from_file(engine, keyring, name, path)
        seed_audit(engine, NOW)
        yield engine, keyring
    engine.dispose()


@pytest.fixture
def admin_schema(store_with_sandbox: tuple[Engine, Keyring]) -> schemathesis.BaseSchema:
    engine, keyring = store_with_sandbox
    app = create_app(engine=engine, keyring=keyring, clock=NOW.timestamp, admin_token=TOKEN)
    # the token is given for the document's scheme, so schemathesis also sends requests without it
    # (or with a wrong one) and expects them refused
    config = schemathesis.Config.from_dict({"auth": {"openapi": {"HTTPBearer": {"bearer": TOKEN}}}})
    return schemathesis.openapi.from_asgi(f"{API}/openapi.json", app, config=config)


schema = schemathesis.pytest.from_fixture("admin_schema")


@schema.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_endpoint_fails_or_strays_from_its_document(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate()
