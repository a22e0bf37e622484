"""Authentication end to end: the real clients over real HTTP against both simulators."""

from __future__ import annotations

import asyncio
import json
import re
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ml_connector.auth.authorize import (
    RedirectListener,
    exchange_netsuite_code,
    exchange_zoho_code,
    netsuite_consent,
    zoho_consent,
)
from ml_connector.auth.grants import consent_from_redirect
from ml_connector.auth.session import SessionOptions, open_session
from ml_connector.connections.ping import ping
from ml_connector.connections.status import connection_status
from ml_connector.errors import AuthError
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.store.connections import get_connection, open_credentials
from ml_connector.store.tables import connections, credentials
from ml_connector.web.dashboard.pages import verdict
from tests.integration.conftest import NETSUITE_REDIRECT, Sandbox, Store

pytestmark = pytest.mark.anyio


async def test_ping_succeeds_on_both_sides(sandbox: Sandbox, store: Store) -> None:
    name = store.add("acme", sandbox.connection_file())
    checks = await ping(store.engine, store.keyring, name)
    assert [(c.system, c.ok) for c in checks] == [("netsuite", True), ("zoho", True)]
    assert "Sandbox" in checks[1].detail


async def test_the_certificate_id_is_sealed_with_the_key(sandbox: Sandbox, store: Store) -> None:
    document = sandbox.connection_file()
    certificate_id = document["netsuite"]["certificate_id"]
    name = store.add("sealed", document)
    with store.engine.connect() as conn:
        rows = [*conn.execute(connections.select()), *conn.execute(credentials.select())]
    stored = json.dumps([list(row) for row in rows], default=str)
    assert certificate_id not in stored
    opened = open_credentials(store.engine, store.keyring, name, "netsuite")
    assert opened["certificate_id"] == certificate_id
    checks = await ping(store.engine, store.keyring, name)
    assert checks[0].ok, checks[0].detail


async def test_tba_connections_sign_every_request(sandbox: Sandbox, store: Store) -> None:
    name = store.add("tba", sandbox.connection_file(netsuite={"auth": "tba"}))
    checks = await ping(store.engine, store.keyring, name)
    assert checks[0].ok, checks[0].detail


@pytest.mark.parametrize(
    ("overrides", "system", "says", "hint"),
    [
        ({"zoho": {"client_secret": "wrong"}}, "zoho", "client secret is wrong", "client secret"),
        ({"zoho": {"client_id": "1000.NOPE"}}, "zoho", "client id is unknown", "zoho.dc"),
        ({"zoho": {"refresh_token": "1000.revoked"}}, "zoho", "invalid or revoked", "auth zoho"),
        ({"netsuite": {"certificate_id": "wrong"}}, "netsuite", "invalid_grant", "certificate_id"),
        (
            {"netsuite": {"auth": "tba", "token_secret": "x"}},
            "netsuite",
            "401 INVALID_LOGIN to a TBA-signed request",
            "token_secret",
        ),
    ],
)
async def test_bad_credentials_say_what_to_fix(
    sandbox: Sandbox,
    store: Store,
    overrides: dict[str, dict[str, str]],
    system: str,
    says: str,
    hint: str,
) -> None:
    name = store.add("bad", sandbox.connection_file(**overrides))
    checks = {c.system: c for c in await ping(store.engine, store.keyring, name)}
    other = "zoho" if system == "netsuite" else "netsuite"
    assert checks[other].ok, "the healthy side is still reported healthy"
    assert not checks[system].ok
    assert says in checks[system].detail
    assert hint in checks[system].hint


async def test_a_revoked_refresh_token_marks_the_connection(sandbox: Sandbox, store: Store) -> None:
    name = store.add("revoked", sandbox.connection_file(zoho={"refresh_token": "1000.gone"}))
    await ping(store.engine, store.keyring, name)
    assert get_connection(store.engine, name).status == "needs_reauth"


async def test_a_self_client_code_replaces_a_dead_grant(sandbox: Sandbox, store: Store) -> None:
    name = store.add("regrant", sandbox.connection_file(zoho={"refresh_token": "1000.gone"}))
    await ping(store.engine, store.keyring, name)
    async with httpx.AsyncClient() as http:
        issued = await http.post(
            sandbox.zoho.control_url(sandbox.zoho_at.base_url) + "/grant-codes"
        )
    await exchange_zoho_code(store.engine, store.keyring, name, issued.json()["code"])
    assert get_connection(store.engine, name).status == "active"
    checks = await ping(store.engine, store.keyring, name)
    assert all(c.ok for c in checks)


async def test_netsuite_authorization_code_with_pkce(sandbox: Sandbox, store: Store) -> None:
    creds = sandbox.netsuite.credentials(sandbox.netsuite_at.base_url)
    document = sandbox.connection_file(
        netsuite={"auth": "authorization_code", "client_secret": creds["consumer_secret"]}
    )
    name = store.add("code", document)
    consent = netsuite_consent(store.engine, name, NETSUITE_REDIRECT)
    async with httpx.AsyncClient() as browser:  # the person's browser; the simulator approves
        approved = await browser.get(consent.authorize_url)
    assert approved.status_code == 302
    await exchange_netsuite_code(
        store.engine, store.keyring, name, consent, approved.headers["Location"]
    )
    checks = await ping(store.engine, store.keyring, name)
    assert checks[0].ok, checks[0].detail
    assert "lapses" not in checks[0].detail
    six_days_later = SessionOptions(clock=lambda: time.time() + 6 * 86400 + 1800)
    later = await ping(store.engine, store.keyring, name, six_days_later)
    assert later[0].ok
    assert "the refresh token lapses in 23 h" in later[0].detail
    assert "auth netsuite code --flow code" in later[0].hint
    now = datetime.now(UTC)
    [fresh] = connection_status(store.engine, now, name)
    assert fresh.reauthorize_by == {}
    assert verdict(fresh) == ("healthy", "ok")
    [lapsing] = connection_status(store.engine, now + timedelta(days=6, minutes=30), name)
    assert set(lapsing.reauthorize_by) == {"netsuite"}
    assert verdict(lapsing) == ("re-authorize soon", "warn")


async def test_api_calls_survive_tokens_expiring_early(sandbox: Sandbox, store: Store) -> None:
    name = store.add("expiry", sandbox.connection_file())
    async with open_session(store.engine, store.keyring, name) as session:
        first = await session.zoho.get("/crm/v8/org")
        async with httpx.AsyncClient() as control:
            for sim, served in (
                (sandbox.zoho, sandbox.zoho_at),
                (sandbox.netsuite, sandbox.netsuite_at),
            ):
                expired = await control.post(sim.control_url(served.base_url) + "/tokens/expire")
                assert expired.status_code < 300
        again = await session.zoho.get("/crm/v8/org")
        query = await session.netsuite.post(
            "/services/rest/query/v1/suiteql",
            json={"q": "SELECT id FROM customer"},
            params={"limit": 5},
            headers={"Prefer": "transient"},
        )
    assert (first.status_code, again.status_code, query.status_code) == (200, 200, 200)


async def test_zoho_browser_flow_with_a_loopback_redirect(sandbox: Sandbox, store: Store) -> None:
    name = store.add("browser", sandbox.connection_file(zoho={"refresh_token": "1000.gone"}))
    listener = RedirectListener()
    with serving(listener.app) as landing:
        redirect_uri = f"{landing.base_url}/callback"
        control = sandbox.zoho.control_url(sandbox.zoho_at.base_url)
        async with httpx.AsyncClient(follow_redirects=True) as browser:
            registered = await browser.post(control + "/redirect-uris", json={"uri": redirect_uri})
            assert registered.status_code == 201
            consent = zoho_consent(store.engine, name, redirect_uri)
            landed = await browser.get(consent.authorize_url)
        assert landed.status_code == 200
        code = consent_from_redirect(consent, await asyncio.to_thread(listener.wait, 10))
    await exchange_zoho_code(store.engine, store.keyring, name, code, redirect_uri=redirect_uri)
    checks = await ping(store.engine, store.keyring, name)
    assert all(c.ok for c in checks), checks


async def test_an_ec_certificate_signs_es256(sandbox: Sandbox, store: Store) -> None:
    ec = sandbox.netsuite.integration.ec
    document = sandbox.connection_file(
        netsuite={"private_key_pem": ec.private_key_pem, "certificate_id": ec.certificate_id}
    )
    name = store.add("ec", document)
    checks = await ping(store.engine, store.keyring, name)
    assert checks[0].ok, checks[0].detail


async def test_a_clock_ahead_of_netsuite_is_named_as_the_cause(
    sandbox: Sandbox, store: Store
) -> None:
    name = store.add("skewed", sandbox.connection_file())
    ahead = SessionOptions(clock=lambda: time.time() + 600)
    checks = {c.system: c for c in await ping(store.engine, store.keyring, name, ahead)}
    assert not checks["netsuite"].ok
    assert re.search(r"clock is \+60\d s off", checks["netsuite"].detail), checks["netsuite"]
    assert "NTP" in checks["netsuite"].hint
    assert get_connection(store.engine, name).status == "active"


async def test_a_wrong_netsuite_client_secret_is_named(sandbox: Sandbox, store: Store) -> None:
    document = sandbox.connection_file(
        netsuite={"auth": "authorization_code", "client_secret": "not-the-secret"}
    )
    name = store.add("wrong-secret", document)
    consent = netsuite_consent(store.engine, name, NETSUITE_REDIRECT)
    async with httpx.AsyncClient() as browser:
        approved = await browser.get(consent.authorize_url)
    with pytest.raises(AuthError, match="client id or secret is wrong") as info:
        await exchange_netsuite_code(
            store.engine, store.keyring, name, consent, approved.headers["Location"]
        )
    assert "netsuite.client_secret" in info.value.hint
    assert "not-the-secret" not in f"{info.value} {info.value.hint}"


async def test_zoho_throttling_cools_down_and_keeps_the_connection(
    sandbox: Sandbox, store: Store
) -> None:
    zoho = ZohoSimulator(seed=5)  # its own accounts server: this test spends its token quota
    with serving(zoho.app) as zoho_at:
        own = Sandbox(sandbox.netsuite, zoho, sandbox.netsuite_at, zoho_at)
        document = own.connection_file()
        name = store.add("throttled", document)
        token_url = document["zoho"]["accounts_url"] + "/oauth/v2/token"
        form = {k: document["zoho"][k] for k in ("client_id", "client_secret", "refresh_token")}
        async with httpx.AsyncClient() as other_integration:  # spends the 10 tokens per 10 min
            for _ in range(10):
                minted = await other_integration.post(
                    token_url, data={**form, "grant_type": "refresh_token"}
                )
                assert "access_token" in minted.json()
        control = zoho.control_url(zoho_at.base_url)
        first = {c.system: c for c in await ping(store.engine, store.keyring, name)}
        async with httpx.AsyncClient() as http:
            await http.delete(control + "/counters")
        second = {c.system: c for c in await ping(store.engine, store.keyring, name)}
        async with httpx.AsyncClient() as http:
            counters = (await http.get(control + "/counters")).json()
    assert not first["zoho"].ok
    assert "throttling" in first["zoho"].detail
    assert "try again in 600 s" in first["zoho"].hint
    assert first["netsuite"].ok
    assert not second["zoho"].ok
    assert "cooling down" in second["zoho"].detail
    token_requests = sum(n for k, n in counters.get("counters", counters).items() if "oauth" in k)
    assert token_requests == 0, "the cool-down keeps everyone off the token endpoint"
    assert get_connection(store.engine, name).status == "active"
