"""``ml-connector auth``: granting access as an operator does it, at the terminal."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from tests.cli.conftest import Served
from tests.conftest import Run

REDIRECT = "https://connector.example/netsuite/callback"


def _grant_code(both: Served) -> str:
    issued = httpx.post(both.zoho_control + "/grant-codes")
    issued.raise_for_status()
    return str(issued.json()["code"])


def test_a_self_client_code_grants_zoho_access(run: Run, both: Served) -> None:
    granted = run("auth", "zoho", "acme", "--code", _grant_code(both))
    assert granted.code == 0, granted.err
    assert "Zoho access granted for 'acme'" in granted.out
    pinged = run("ping", "acme", "--json")
    assert pinged.code == 0, pinged.out


def test_a_used_grant_code_says_to_make_a_new_one(run: Run, both: Served) -> None:
    code = _grant_code(both)
    assert run("auth", "zoho", "acme", "--code", code).code == 0
    again = run("auth", "zoho", "acme", "--code", code)
    assert again.code == 1
    assert "grant code is wrong, already used or expired" in again.err
    assert "generate a new code" in again.err
    assert code not in again.out + again.err
    assert run("connection", "show", "acme", "--json").json()["status"] == "active"


class Person:
    """Stands at the terminal: opens the address printed, approves, pastes where it lands."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys
        self.screen = ""

    def readline(self, size: int = -1) -> str:
        self.screen += self.capsys.readouterr().out
        url = re.search(r"https?://\S+authorize\.nl\S*", self.screen)
        assert url is not None, self.screen
        approved = httpx.get(url.group(0))
        assert approved.status_code == 302
        return approved.headers["Location"] + "\n"


@pytest.fixture
def code_flow(run: Run, tmp_path: Path) -> Iterator[NetSuiteSimulator]:
    netsuite = NetSuiteSimulator(records=5, seed=4, redirect_uris=[REDIRECT])
    zoho = ZohoSimulator(seed=4)
    with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
        credentials = netsuite.credentials(ns_at.base_url)
        document = {
            "netsuite": {
                "account_id": credentials["account_id"],
                "base_url": credentials["base_url"],
                "auth": "authorization_code",
                "client_id": credentials["client_id"],
                "client_secret": credentials["consumer_secret"],
            },
            "zoho": zoho.credentials(zoho_at.base_url),
        }
        path = tmp_path / "code.json"
        path.write_text(json.dumps(document))
        assert run("connection", "add", "code", "--config", str(path)).code == 0
        yield netsuite


def test_netsuite_code_flow_at_the_terminal(
    run: Run,
    code_flow: NetSuiteSimulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person = Person(capsys)
    monkeypatch.setattr("sys.stdin", person)
    done = run("auth", "netsuite", "code", "--flow", "code", "--redirect-uri", REDIRECT)
    assert done.code == 0, done.err
    assert "refresh token lasts 7 days" in person.screen + done.out
    pinged = run("ping", "code", "--json")
    assert pinged.code == 0, pinged.out
    status = run("status", "code", "--json").json()[0]
    assert "netsuite.refresh" in status["token_expiry"]
    assert status["reauthorize_by"] == {}


def test_ping_fails_when_one_side_fails_and_says_why(run: Run, both: Served) -> None:
    refresh_token = both.zoho.credentials(both.zoho_url)["refresh_token"]
    revoked = httpx.post(both.zoho_url + "/oauth/v2/token/revoke", params={"token": refresh_token})
    assert revoked.json() == {"status": "success"}
    pinged = run("ping", "acme", "--json")
    assert pinged.code == 1
    checks = {c["system"]: c for c in pinged.json()["acme"]}
    assert checks["netsuite"]["ok"]
    assert not checks["zoho"]["ok"]
    assert "invalid or revoked" in checks["zoho"]["detail"]
    assert "ml-connector auth zoho" in checks["zoho"]["hint"]
    assert refresh_token not in pinged.out
    assert run("connection", "show", "acme", "--json").json()["status"] == "needs_reauth"
    table = run("ping", "acme")
    assert table.code == 1
    assert "FAILED" in table.out
