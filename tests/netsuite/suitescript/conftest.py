"""Run our SuiteScripts under Node, and a receiver to replay what they post against."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from ml_connector.netsuite.events import new_secret
from ml_connector.netsuite.suitescript import PROJECT, SCRIPTS, api_secret_value, config_module
from ml_connector.store.connections import add_connection
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import make_engine, upgrade
from ml_connector.web import create_app

HARNESS = Path(__file__).with_name("harness.js")
NOW = 1_780_000_000
ACCOUNT = "1234567_SB1"
SECRET = new_secret()
HOOK_URL = "https://connector.example/hooks/netsuite/acme"


@pytest.fixture(scope="session")
def node() -> str:
    """The Node binary; without one the tests skip, except under CI where they must run."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI") == "true":  # noqa: TID251 - CI decides skip or fail, as for PostgreSQL
            pytest.fail("node is required to test the SuiteScripts under CI")
        pytest.skip("node is not installed")
    return found


@dataclass(frozen=True)
class Run:
    """What one script run did: its posts, its log lines, and an error if one escaped."""

    posts: list[dict[str, Any]]
    logs: list[dict[str, str]]
    threw: str | None

    def errors(self) -> list[str]:
        return [
            f"{line['title']}: {line['details']}" for line in self.logs if line["level"] == "ERROR"
        ]


@dataclass(frozen=True)
class Scripts:
    """Runs a script of the shipped project in the harness, configured for one connection."""

    node: str
    tmp: Path

    def run(self, entry: str, call: str, argument: dict[str, Any], **scenario: Any) -> Run:
        document = {
            "scripts": str(PROJECT / SCRIPTS),
            "entry": entry,
            "call": call,
            "argument": argument,
            "now": NOW * 1000,
            "apiSecrets": {"custsecret_mlc_webhook": api_secret_value(SECRET)},
            "files": {"mlc_config.js": config_module(HOOK_URL)},
            "runtime": {"executionContext": "USERINTERFACE", "accountId": ACCOUNT},
        } | scenario
        path = self.tmp / "scenario.json"
        path.write_text(json.dumps(document))
        done = subprocess.run(  # noqa: S603 - a fixed program and our own files
            [self.node, str(HARNESS), str(path)], capture_output=True, check=False, timeout=60
        )
        assert done.returncode == 0, done.stderr.decode()
        result = json.loads(done.stdout)
        return Run(result["posts"], result["logs"], result["threw"])


@pytest.fixture
def scripts(node: str, tmp_path: Path) -> Scripts:
    return Scripts(node, tmp_path)


@dataclass(frozen=True)
class Store:
    engine: Engine
    keyring: Keyring


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A store with connection ``acme`` for account ``ACCOUNT``, keyed with ``SECRET``."""
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(engine)
    keyring = Keyring([new_key()])
    add_connection(
        engine, keyring, name="acme", config={"netsuite": {"account_id": ACCOUNT}},
        secrets={"netsuite": {"webhook_secret": SECRET}},
    )  # fmt: skip
    yield Store(engine, keyring)
    engine.dispose()


@pytest.fixture
async def receiver(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    """Our receiver, in-process, with its clock at the scripts' frozen time."""
    app = create_app(engine=store.engine, keyring=store.keyring, clock=lambda: NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://connector.example") as c:
        yield c
