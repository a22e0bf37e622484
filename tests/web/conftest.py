"""A store with one connection that takes NetSuite events, and the app over it, in-process."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine, func, select

from ml_connector.netsuite.events import new_secret, sign
from ml_connector.store.connections import add_connection
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import upgrade
from ml_connector.store.tables import inbox
from ml_connector.web import WebOptions, create_app

NOW = 1_780_000_000
ACCOUNT = "1234567_SB1"
SECRET = new_secret()
PEER = "198.51.100.7"


def event_body(event_id: str = "evt-1", **changes: str) -> bytes:
    event = {
        "event_id": event_id,
        "account": ACCOUNT,
        "record_type": "customer",
        "record_id": "107",
        "event_type": "edit",
        "occurred_at": "2026-05-28T20:26:40Z",
        "execution_context": "USERINTERFACE",
    }
    return json.dumps(event | changes, separators=(",", ":")).encode()


def signed(body: bytes, *, secret: str = SECRET, ts: int = NOW) -> dict[str, str]:
    event_id = json.loads(body)["event_id"]
    return {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, event_id, ts, body),
    }


def inbox_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(inbox)).scalar_one())


@dataclass(frozen=True)
class Store:
    engine: Engine
    keyring: Keyring

    def add(self, name: str, netsuite_secrets: dict[str, str]) -> int:
        config = {"netsuite": {"account_id": ACCOUNT}}
        secrets = {"netsuite": netsuite_secrets}
        return add_connection(
            self.engine, self.keyring, name=name, config=config, secrets=secrets
        ).id


@pytest.fixture
def store(empty_engine: Engine) -> Store:
    upgrade(empty_engine)
    store = Store(empty_engine, Keyring([new_key()]))
    store.add("acme", {"webhook_secret": SECRET})
    return store


ClientFactory = Callable[..., httpx.AsyncClient]


@pytest.fixture
async def client_for(store: Store) -> AsyncIterator[ClientFactory]:
    """Clients of an app built with the given options, calling from ``peer``."""
    opened: list[httpx.AsyncClient] = []

    def make(options: WebOptions | None = None, peer: str = PEER) -> httpx.AsyncClient:
        app = create_app(
            engine=store.engine, keyring=store.keyring, clock=lambda: NOW, options=options
        )
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        client = httpx.AsyncClient(transport=transport, base_url="http://connector.test")
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.aclose()


@pytest.fixture
def client(client_for: ClientFactory) -> httpx.AsyncClient:
    return client_for()
