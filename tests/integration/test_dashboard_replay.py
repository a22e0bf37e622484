"""Replay from the dashboard when Zoho refuses the connection's credentials: the operator is told.

The replay's services are opened for real against the Zoho simulator, whose accounts server
refuses a revoked refresh token; the page says the replay could not run and the record stays
failed (and replayable), with no secret on the page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from ml_connector.store.audit import AuditEntry, latest_failures, record_audit
from ml_connector.store.connections import get_connection
from ml_connector.web import create_app
from tests.dashboard_support import TOKEN, csrf_of, sign_in
from tests.integration.conftest import Sandbox, Store

pytestmark = pytest.mark.anyio

REVOKED = "1000.revoked-refresh-token-0123456789"
PAYLOAD = {"NetSuite_ID": "7", "Vendor_Name": "Acme Supply"}


async def test_a_replay_zoho_cannot_authorize_says_why_and_keeps_the_failure(
    sandbox: Sandbox, store: Store
) -> None:
    store.add("acme", sandbox.connection_file(zoho={"refresh_token": REVOKED}))
    connection_id = get_connection(store.engine, "acme").id
    failed = AuditEntry(
        "vendor", "7", "failed", "Vendors", None, None, PAYLOAD, "TOO_MANY_REQUESTS"
    )
    with store.engine.begin() as conn:
        record_audit(conn, connection_id, [failed], run_id=None, now=datetime.now(UTC))
    app = create_app(engine=store.engine, keyring=store.keyring, admin_token=TOKEN)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as http:
        await sign_in(http)
        record = "/dashboard/connections/acme/records/vendor/7"
        page = await http.get(record)
        replayed = await http.post(record + "/replay", data={"csrf_token": csrf_of(page.text)})
        after = await http.get(record)
        failing = "/dashboard/connections/acme/audit?outcome=failing"
        listed = await http.get(failing)
        every = await http.post(
            "/dashboard/connections/acme/replay", data={"csrf_token": csrf_of(listed.text)}
        )
        again = await http.get(failing)

    assert (replayed.status_code, replayed.headers["location"]) == (303, record)
    assert "Replay could not run:" in after.text
    assert ">Replay</button>" in after.text, "still failed, still replayable"
    assert REVOKED not in after.text
    assert (every.status_code, every.headers["location"]) == (303, failing)
    assert "Replay could not run:" in again.text
    assert "vendor 7" in again.text
    assert [row.source_id for row in latest_failures(store.engine, connection_id)] == ["7"]
