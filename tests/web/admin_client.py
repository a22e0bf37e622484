"""What the admin API tests share: the token, a client of an app, seeded audit rows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine
from starlette.applications import Starlette

from ml_connector.store.audit import AuditEntry, record_audit, search_audit
from ml_connector.store.connections import get_connection

TOKEN = "admin-token-0123456789abcdef"
AUTH = {"authorization": f"Bearer {TOKEN}"}
NOW = datetime(2026, 5, 28, 12, 0, tzinfo=UTC)
API = "/admin/api"

# label: (connection, record, outcome, how long before NOW)
SEEDED = {
    "written": ("acme", ("customer", "107"), "written", timedelta(hours=3)),
    "failed_old": ("acme", ("vendor", "5"), "failed", timedelta(hours=2)),
    "failed": ("acme", ("vendor", "5"), "failed", timedelta(minutes=30)),
    "skipped": ("acme", ("contact", "9"), "skipped", timedelta(minutes=10)),
    "other": ("globex", ("customer", "107"), "written", timedelta(minutes=5)),
}


def seed_audit(engine: Engine, now: datetime) -> dict[str, int]:
    """The rows of ``SEEDED``, oldest first; their ids by label."""
    ids: dict[str, int] = {}
    for label, (name, (kind, number), outcome, age) in sorted(
        SEEDED.items(), key=lambda item: -item[1][3]
    ):
        connection_id = get_connection(engine, name).id
        entry = AuditEntry(
            kind, number, outcome, "Accounts", None, "1", {"NetSuite_ID": number},
            "INVALID_DATA" if outcome == "failed" else None,
            "bad value\nfor Phone" if outcome == "failed" else None,
        )  # fmt: skip
        with engine.begin() as conn:
            record_audit(conn, connection_id, [entry], run_id=None, now=now - age)
        ids[label] = search_audit(engine, connection_id, limit=1)[0].id
    return ids


def client_of(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)
    return httpx.AsyncClient(transport=transport, base_url="http://connector.test")


def one_line_error(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"}
    assert "\n" not in body["error"]
    message: str = body["error"]
    return message
