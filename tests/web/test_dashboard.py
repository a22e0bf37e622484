"""The dashboard in-process: who gets in, what each page shows, and which requests are refused."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from ml_connector.mapping import MappingFile, default_mapping
from ml_connector.store.audit import AuditEntry, record_audit
from ml_connector.store.connections import get_connection
from ml_connector.store.runs import finish_run, start_run
from ml_connector.web import create_app
from tests.dashboard_support import TOKEN, csrf_of, sign_in
from tests.web.conftest import NOW, SECRET, Store

pytestmark = pytest.mark.anyio

MOMENT = datetime.fromtimestamp(NOW, UTC)
PAYLOAD = {"Vendor_Name": "Harbor Supply", "NetSuite_ID": "42", "Email": "ap@harbor.example"}


def seed(store: Store) -> None:
    """A drain that wrote two vendors and failed two; a replay then wrote one of the failed."""
    connection_id = get_connection(store.engine, "acme").id
    run = start_run(store.engine, connection_id, "drain", MOMENT - timedelta(minutes=5))
    written = [
        AuditEntry(
            "vendor", str(n), "written", "Vendors", f"zoho-{n}", "v1", {"NetSuite_ID": str(n)}
        )
        for n in (40, 41)
    ]
    failed = AuditEntry(
        "vendor", "42", "failed", "Vendors", None, "v1", PAYLOAD,
        "INVALID_DATA", "the field api name given seems to be invalid",
    )  # fmt: skip
    fixed = AuditEntry("vendor", "43", "failed", "Vendors", None, "v1", PAYLOAD, "INVALID_DATA")
    with store.engine.begin() as conn:
        record_audit(conn, connection_id, [*written, failed, fixed], run_id=run, now=MOMENT)
        replayed = AuditEntry("vendor", "43", "written", "Vendors", "zoho-43", "v1", PAYLOAD)
        later = MOMENT + timedelta(seconds=30)
        record_audit(conn, connection_id, [replayed], run_id=None, now=later)
    counts = {"written": 2, "failed": 2}
    finish_run(store.engine, run, now=MOMENT - timedelta(minutes=4), counts=counts)


@pytest.fixture
async def http(store: Store) -> AsyncIterator[httpx.AsyncClient]:
    seed(store)
    app = create_app(
        engine=store.engine, keyring=store.keyring, clock=lambda: NOW, admin_token=TOKEN
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as client:
        yield client


async def test_without_an_admin_token_there_is_no_dashboard(store: Store) -> None:
    app = create_app(engine=store.engine, keyring=store.keyring)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as http:
        assert (await http.get("/dashboard/")).status_code == 404
        assert (await http.get("/dashboard/login")).status_code == 404


async def test_every_page_asks_to_sign_in_first(http: httpx.AsyncClient) -> None:
    for path in ("/dashboard/", "/dashboard/mapping", "/dashboard/connections/acme/audit"):
        response = await http.get(path)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/dashboard/login?next=")
    replay = await http.post("/dashboard/connections/acme/records/vendor/42/replay")
    assert replay.status_code == 403


async def test_a_wrong_token_is_refused_and_starts_no_session(http: httpx.AsyncClient) -> None:
    refused = await sign_in(http, "not-the-admin-token-at-all")
    assert refused.status_code == 401
    assert "That is not the admin token." in refused.text
    assert (await http.get("/dashboard/")).status_code == 303, "still signed out"


async def test_signing_in_sets_a_strict_http_only_cookie_and_goes_where_asked(
    http: httpx.AsyncClient,
) -> None:
    response = await sign_in(http, next="/dashboard/mapping")
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/mapping"
    cookie = response.headers["set-cookie"]
    assert "httponly" in cookie.lower()
    assert "samesite=strict" in cookie.lower()
    assert "path=/dashboard" in cookie.lower()
    assert TOKEN not in cookie
    assert (await http.get("/dashboard/mapping")).status_code == 200
    again = await http.get("/dashboard/login")
    assert (again.status_code, again.headers["location"]) == (303, "/dashboard/")


async def test_sign_in_never_sends_people_to_another_site(http: httpx.AsyncClient) -> None:
    response = await sign_in(http, next="https://evil.example/dashboard/")
    assert response.headers["location"] == "/dashboard/"


async def test_a_post_without_the_right_csrf_token_is_refused(http: httpx.AsyncClient) -> None:
    await sign_in(http)
    replay = "/dashboard/connections/acme/records/vendor/42/replay"
    assert (await http.post(replay)).status_code == 403
    assert (await http.post(replay, data={"csrf_token": "guessed"})).status_code == 403
    assert (await http.post("/dashboard/logout")).status_code == 403
    assert (await http.get("/dashboard/")).status_code == 200, "still signed in"


async def test_a_login_post_without_the_csrf_token_is_refused(http: httpx.AsyncClient) -> None:
    response = await http.post("/dashboard/login", data={"token": TOKEN})
    assert response.status_code == 403
    assert (await http.get("/dashboard/")).status_code == 303


async def test_signing_out_ends_the_session(http: httpx.AsyncClient) -> None:
    await sign_in(http)
    page = await http.get("/dashboard/")
    out = await http.post("/dashboard/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.status_code == 303
    assert (await http.get("/dashboard/")).status_code == 303


async def test_a_session_signed_for_another_admin_token_is_not_accepted(
    store: Store, http: httpx.AsyncClient
) -> None:
    await sign_in(http)
    rotated = create_app(
        engine=store.engine, keyring=store.keyring, admin_token="a-new-admin-token-9876543210"
    )
    transport = httpx.ASGITransport(app=rotated)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://connector.test", cookies=http.cookies
    ) as other:
        assert (await other.get("/dashboard/")).status_code == 303


async def test_the_overview_shows_health_and_recent_runs(http: httpx.AsyncClient) -> None:
    await sign_in(http)
    page = await http.get("/dashboard/")
    assert page.status_code == 200
    text = _text(page.text)
    assert "acme" in text
    assert "failing records" in text
    assert "3 written, 2 failed" in text
    assert "0 pending, 0 in progress" in text
    assert "drain" in text
    assert "finished" in text
    assert "written 2" in text
    assert "failed 2" in text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


async def test_the_audit_trail_filters_by_outcome_and_record(http: httpx.AsyncClient) -> None:
    await sign_in(http)
    audit = "/dashboard/connections/acme/audit"
    everything = _text((await http.get(audit)).text)
    assert all(f"vendor {n}" in everything for n in (40, 41, 42))
    failed = _text((await http.get(audit, params={"outcome": "failed"})).text)
    assert "vendor 42" in failed
    assert "vendor 40" not in failed
    assert "INVALID_DATA" in failed
    one = _text((await http.get(audit, params={"type": "vendor", "id": "41"})).text)
    assert "vendor 41" in one
    assert "vendor 42" not in one
    later = _text((await http.get(audit, params={"since": "2999-01-01T00:00"})).text)
    assert "No audit rows match these filters." in later
    wrong = _text((await http.get(audit, params={"since": "yesterday", "outcome": "lost"})).text)
    assert "since is not a date and time" in wrong
    assert "outcome must be one of written, unchanged, failed, skipped, failing" in wrong
    assert (await http.get("/dashboard/connections/ghost/audit")).status_code == 404


async def test_failing_now_leaves_out_records_written_since(http: httpx.AsyncClient) -> None:
    await sign_in(http)
    audit = "/dashboard/connections/acme/audit"
    failed = _text((await http.get(audit, params={"outcome": "failed"})).text)
    assert "vendor 42" in failed
    assert "vendor 43" in failed, "the audit trail keeps every failed attempt"
    failing = _text((await http.get(audit, params={"outcome": "failing"})).text)
    assert "vendor 42" in failing
    assert "vendor 43" not in failing, "written by a replay since"
    elsewhere = _text(
        (await http.get(audit, params={"outcome": "failing", "type": "customer"})).text
    )
    assert "No audit rows match these filters." in elsewhere


async def test_a_record_history_shows_the_payload_and_zohos_answer(
    http: httpx.AsyncClient,
) -> None:
    await sign_in(http)
    failed = await http.get("/dashboard/connections/acme/records/vendor/42")
    text = _text(failed.text)
    assert "NetSuite vendor 42" in text
    assert "INVALID_DATA the field api name given seems to be invalid" in text
    assert "&#34;Vendor_Name&#34;: &#34;Harbor Supply&#34;" in failed.text, "the payload sent"
    assert ">Replay</button>" in failed.text
    written = await http.get("/dashboard/connections/acme/records/vendor/41")
    assert "zoho-41" in written.text
    assert ">Replay</button>" not in written.text, "only failed records are replayed"


async def test_replaying_every_failing_record_needs_the_csrf_token(
    http: httpx.AsyncClient,
) -> None:
    await sign_in(http)
    failing = await http.get("/dashboard/connections/acme/audit", params={"outcome": "failing"})
    assert "Replay all failing" in failing.text
    replay_all = "/dashboard/connections/acme/replay"
    assert (await http.post(replay_all)).status_code == 403
    assert (await http.post(replay_all, data={"csrf_token": "guessed"})).status_code == 403


async def test_the_mapping_page_shows_the_mapping_in_effect(store: Store) -> None:
    without_contacts = default_mapping().model_dump(mode="json") | {"contact": None}
    custom = MappingFile.model_validate(without_contacts)
    app = create_app(engine=store.engine, keyring=store.keyring, admin_token=TOKEN, mapping=custom)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as http:
        await sign_in(http)
        page = await http.get("/dashboard/mapping")
    text = _text(page.text)
    assert custom.version in text
    assert "NetSuite vendor → Zoho Vendors" in text
    assert "NetSuite contact → Zoho Contacts" not in text, "the mapping given, not the default"
    assert "companyname" in text


async def test_no_page_shows_a_secret(http: httpx.AsyncClient) -> None:
    await sign_in(http)
    for path in ("/", "/mapping", "/connections/acme/audit", "/connections/acme/records/vendor/42"):
        page = await http.get("/dashboard" + path)
        assert page.status_code == 200
        assert SECRET not in page.text
        assert TOKEN not in page.text


def _text(html: str) -> str:
    """The page's text with tags removed and whitespace collapsed, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
