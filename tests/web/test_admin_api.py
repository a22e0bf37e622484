"""The admin API in-process: the token, each endpoint's answers and refusals, and the CLI's twin."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from ml_connector.connections import add_from_file
from ml_connector.settings import Settings
from ml_connector.store.connections import get_connection
from ml_connector.store.inbox import enqueue
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import open_engine, upgrade
from ml_connector.web import create_app
from tests.cli.conftest import SANDBOX_LIKE, SECRET_VALUES
from tests.conftest import Run
from tests.web.admin_client import (
    API,
    AUTH,
    NOW,
    TOKEN,
    client_of,
    one_line_error,
    seed_audit,
)

pytestmark = pytest.mark.anyio


def add_connection_file(engine: Engine, keyring: Keyring, name: str, tmp: Path) -> None:
    path = tmp / f"{name}.json"
    path.write_text(json.dumps(SANDBOX_LIKE))
    add_from_file(engine, keyring, name, path)


@dataclass(frozen=True)
class Admin:
    engine: Engine
    client: httpx.AsyncClient
    ids: dict[str, int]

    async def get(self, path: str, **params: str | int) -> httpx.Response:
        return await self.client.get(API + path, params=params, headers=AUTH)

    def labels(self, rows: list[dict[str, object]]) -> list[str]:
        by_id = {number: label for label, number in self.ids.items()}
        return [by_id[int(str(row["id"]))] for row in rows]


@pytest.fixture
async def admin(empty_engine: Engine, tmp_path: Path) -> AsyncIterator[Admin]:
    upgrade(empty_engine)
    keyring = Keyring([new_key()])
    for name in ("acme", "globex"):
        add_connection_file(empty_engine, keyring, name, tmp_path)
    ids = seed_audit(empty_engine, NOW)
    app = create_app(engine=empty_engine, keyring=keyring, clock=NOW.timestamp, admin_token=TOKEN)
    async with client_of(app) as client:
        yield Admin(empty_engine, client, ids)


async def test_without_an_admin_token_the_api_is_not_served(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    app = create_app(engine=empty_engine, keyring=Keyring([new_key()]))
    async with client_of(app) as client:
        listed = await client.get(f"{API}/connections", headers=AUTH)
        document = await client.get(f"{API}/openapi.json")
    assert (listed.status_code, document.status_code) == (404, 404)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-token-0123456789abcdef",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        "Bearer",
        TOKEN,
    ],
)
async def test_a_request_without_the_admin_token_is_refused(
    admin: Admin, authorization: str | None
) -> None:
    headers = {"authorization": authorization} if authorization else {}
    answers = [
        await admin.client.request(method, API + path, headers=headers)
        for method, path in [
            ("GET", "/connections"),
            ("GET", "/connections/acme"),
            ("GET", "/status"),
            ("GET", "/connections/acme/status"),
            ("GET", "/connections/acme/audit"),
            ("GET", f"/connections/acme/audit/{admin.ids['failed']}"),
            ("POST", "/connections/acme/replay"),
        ]
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert "token" in one_line_error(answer)
        assert TOKEN not in answer.text


async def test_connections_are_listed_and_shown_without_secrets(admin: Admin) -> None:
    listed = await admin.get("/connections")
    shown = await admin.get("/connections/acme")
    unknown = await admin.get("/connections/ghost")
    malformed = await admin.get("/connections/Not%20A%20Name")
    assert [view["name"] for view in listed.json()] == ["acme", "globex"]
    assert shown.json() == listed.json()[0]
    assert shown.json()["netsuite"]["account_id"] == SANDBOX_LIKE["netsuite"]["account_id"]
    assert "webhook_secret" in shown.json()["secrets_set"]["netsuite"]
    assert not [secret for secret in SECRET_VALUES if secret in listed.text + shown.text]
    assert unknown.status_code == 404
    assert one_line_error(unknown) == "no connection named 'ghost'"
    assert malformed.status_code == 422
    assert "name" in one_line_error(malformed)


async def test_status_counts_backlog_and_the_last_hours_outcomes(admin: Admin) -> None:
    acme = get_connection(admin.engine, "acme").id
    for n in range(3):
        enqueue(
            admin.engine, acme, source="netsuite", idempotency_key=f"evt-{n}",
            record_type="customer", record_id=str(n), payload=None, received_at=NOW,
        )  # fmt: skip
    everyone = await admin.get("/status")
    one = await admin.get("/connections/acme/status")
    unknown = await admin.get("/connections/ghost/status")
    assert [status["name"] for status in everyone.json()] == ["acme", "globex"]
    assert one.json() == everyone.json()[0]
    facts = one.json()
    assert (facts["status"], facts["backlog"], facts["leased"]) == ("active", 3, 0)
    assert (facts["failed_last_hour"], facts["written_last_hour"]) == (1, 0)
    assert everyone.json()[1]["written_last_hour"] == 1
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["skipped", "failed", "failed_old", "written"]),
        ({"outcome": "failed"}, ["failed", "failed_old"]),
        ({"record": "vendor:5"}, ["failed", "failed_old"]),
        ({"record": "customer:107"}, ["written"]),
        ({"since": (NOW - timedelta(hours=1)).isoformat()}, ["skipped", "failed"]),
        ({"until": (NOW - timedelta(hours=1)).isoformat()}, ["failed_old", "written"]),
        ({"since": "2026-05-28T10:30", "outcome": "failed"}, ["failed"]),
        ({"since": "2026-05-29"}, []),
        ({"limit": 1}, ["skipped"]),
    ],
)
async def test_audit_filters_narrow_the_rows(
    admin: Admin, query: dict[str, str | int], expected: list[str]
) -> None:
    found = await admin.get("/connections/acme/audit", **query)
    assert found.status_code == 200
    assert admin.labels(found.json()) == expected


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"outcome": "broken"}, "outcome"),
        ({"record": "invoice:1"}, "record"),
        ({"record": "customer:"}, "record"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "many"}, "limit"),
    ],
)
async def test_a_bad_audit_filter_is_refused_in_one_line(
    admin: Admin, query: dict[str, str | int], named: str
) -> None:
    refused = await admin.get("/connections/acme/audit", **query)
    assert refused.status_code == 422
    assert named in one_line_error(refused)


async def test_one_audit_row_shows_the_payload_sent_and_zohos_answer(admin: Admin) -> None:
    row = await admin.get(f"/connections/acme/audit/{admin.ids['failed']}")
    elsewhere = await admin.get(f"/connections/globex/audit/{admin.ids['failed']}")
    missing = await admin.get("/connections/acme/audit/999999")
    malformed = await admin.get("/connections/acme/audit/first")
    found = row.json()
    assert (found["source_type"], found["source_id"], found["outcome"]) == ("vendor", "5", "failed")
    assert (found["code"], found["payload"]) == ("INVALID_DATA", {"NetSuite_ID": "5"})
    assert found["created_at"] == (NOW - timedelta(minutes=30)).isoformat()
    assert [elsewhere.status_code, missing.status_code] == [404, 404]
    assert one_line_error(missing) == "no audit row named '999999'"
    assert malformed.status_code == 422


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"record": "invoice:1"}, "record"),
        ({"since": "last week"}, "since"),
        ({"failed": False}, "failed"),
        ({"records": "customer:1"}, "records"),
    ],
)
async def test_a_bad_replay_request_is_refused_before_anything_is_sent(
    admin: Admin, body: dict[str, object], named: str
) -> None:
    refused = await admin.client.post(f"{API}/connections/acme/replay", json=body, headers=AUTH)
    assert refused.status_code == 422
    assert named in one_line_error(refused)


async def test_replaying_an_unknown_connection_is_not_found(admin: Admin) -> None:
    refused = await admin.client.post(f"{API}/connections/ghost/replay", headers=AUTH)
    assert refused.status_code == 404
    assert one_line_error(refused) == "no connection named 'ghost'"


async def test_the_document_describes_every_endpoint_and_the_bearer_scheme(admin: Admin) -> None:
    document = (await admin.client.get(f"{API}/openapi.json")).json()
    operations = {
        (method.upper(), path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) == {
        ("GET", "/connections"),
        ("GET", "/connections/{name}"),
        ("GET", "/status"),
        ("GET", "/connections/{name}/status"),
        ("GET", "/connections/{name}/audit"),
        ("GET", "/connections/{name}/audit/{row_id}"),
        ("POST", "/connections/{name}/replay"),
    }
    assert document["servers"] == [{"url": API}]
    [(scheme_name, scheme)] = document["components"]["securitySchemes"].items()
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    for operation in operations.values():
        assert operation["security"] == [{scheme_name: []}]
        assert {"200", "401"} <= set(operation["responses"])
    audit_parameters = operations["GET", "/connections/{name}/audit"]["parameters"]
    assert {p["name"] for p in audit_parameters} == {
        "name", "outcome", "record", "since", "until", "limit",
    }  # fmt: skip
    replay_body = operations["POST", "/connections/{name}/replay"]["requestBody"]
    assert "application/json" in replay_body["content"]


async def test_the_api_answers_what_the_cli_prints(
    run: Run, settings: Settings, tmp_path: Path
) -> None:
    for name in ("acme", "globex"):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(SANDBOX_LIKE))
        assert run("connection", "add", name, "--config", str(path)).code == 0
    engine = open_engine(settings)
    seed_audit(engine, datetime.now(UTC))
    app = create_app(engine=engine, keyring=keyring_for(settings), admin_token=TOKEN)
    pairs: list[tuple[tuple[str, ...], str, dict[str, str | int]]] = [
        (("connection", "list"), "/connections", {}),
        (("connection", "show", "globex"), "/connections/globex", {}),
        (("status",), "/status", {}),
        (("audit", "list", "acme", "--outcome", "failed"), "/connections/acme/audit",
         {"outcome": "failed"}),
        (("audit", "show", "acme", "vendor:5"), "/connections/acme/audit",
         {"record": "vendor:5", "limit": 1000}),
    ]  # fmt: skip
    async with client_of(app) as client:
        for command, endpoint, params in pairs:
            printed = run(*command, "--json")
            served = await client.get(API + endpoint, params=params, headers=AUTH)
            assert served.status_code == printed.code + 200
            assert served.json() == printed.json(), command
        one = (await client.get(f"{API}/connections/acme/status", headers=AUTH)).json()
        typo = await client.get(f"{API}/connections/acme/audit?outcome=writen", headers=AUTH)
    assert [one] == run("status", "acme", "--json").json()
    refused = run("audit", "list", "acme", "--outcome", "writen")
    assert (refused.code, typo.status_code) == (1, 422)
    assert "--outcome 'writen' is not an outcome" in refused.err
    assert one_line_error(typo) == "outcome 'writen' is not an outcome"
    engine.dispose()


@pytest.mark.parametrize(
    "path", ["/nothing", "/connections/a%0Ab/audit", "/connections/acme/nothing"]
)
async def test_a_path_no_endpoint_serves_is_a_json_404(admin: Admin, path: str) -> None:
    missing = await admin.get(path)
    assert missing.status_code == 404
    assert one_line_error(missing) == "Not Found"


async def test_other_paths_keep_their_plain_404(admin: Admin) -> None:
    missing = await admin.client.get("/nothing")
    assert (missing.status_code, missing.text) == (404, "Not Found")
