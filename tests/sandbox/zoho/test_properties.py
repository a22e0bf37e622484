"""Invariants over many generated batches, in process (no sockets) to keep them fast."""

from __future__ import annotations

from typing import Any

import anyio
import httpx
from hypothesis import given, settings
from hypothesis import strategies as st

from ml_connector.sandbox.zoho import ZohoSimulator

# Batches of (NetSuite id, account name): few ids and names, so clashes are common.
BATCHES = st.lists(
    st.lists(
        st.tuples(st.sampled_from("12345"), st.sampled_from(["Acme", "acme", "Beta"])),
        min_size=1,
        max_size=12,
    ),
    min_size=1,
    max_size=4,
)


async def authorize(sim: ZohoSimulator, client: httpx.AsyncClient) -> None:
    """A token, and the unique NetSuite_ID field the connector's setup creates."""
    creds = sim.credentials(str(client.base_url))
    form = {"grant_type": "refresh_token", "refresh_token": creds["refresh_token"]}
    form |= {"client_id": creds["client_id"], "client_secret": creds["client_secret"]}
    token = (await client.post("/oauth/v2/token", data=form)).json()["access_token"]
    client.headers["Authorization"] = f"Zoho-oauthtoken {token}"
    fields = {"fields": [{"field_label": "NetSuite ID", "data_type": "text", "unique": {}}]}
    await client.post("/crm/v8/settings/fields", params={"module": "Accounts"}, json=fields)


async def upsert_all(batches: list[list[tuple[str, str]]]) -> list[dict[str, Any]]:
    """Upsert every batch keyed on NetSuite_ID; the Accounts that result."""
    sim = ZohoSimulator(clock=lambda: 1_750_000_000.0)
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://zoho") as client:
        await authorize(sim, client)
        for batch in batches:
            data = [{"NetSuite_ID": key, "Account_Name": name} for key, name in batch]
            body = {"data": data, "duplicate_check_fields": ["NetSuite_ID"]}
            response = await client.post("/crm/v8/Accounts/upsert", json=body)
            assert response.status_code == 200
        params = {"fields": "NetSuite_ID,Account_Name", "per_page": "200"}
        rows: list[dict[str, Any]] = (await client.get("/crm/v8/Accounts", params=params)).json()[
            "data"
        ]
    return rows


@settings(max_examples=40, deadline=None)
@given(batches=BATCHES)
def test_upserts_keyed_on_a_unique_field_leave_one_record_per_key(
    batches: list[list[tuple[str, str]]],
) -> None:
    rows = anyio.run(upsert_all, batches)
    last_name = {key: name for batch in batches for key, name in batch}
    assert {row["NetSuite_ID"]: row["Account_Name"] for row in rows} == last_name
    assert len(rows) == len(last_name)
