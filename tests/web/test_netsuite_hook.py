"""The NetSuite receiver: stores each genuine event once and refuses anything else, with why."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from ml_connector.netsuite.events import new_secret, sign
from ml_connector.store.connections import remove_connection
from ml_connector.store.inbox import pending
from ml_connector.web import WebOptions
from tests.web.conftest import (
    NOW,
    SECRET,
    ClientFactory,
    Store,
    event_body,
    inbox_rows,
    signed,
)

pytestmark = pytest.mark.anyio

HOOK = "/hooks/netsuite/acme"


async def test_a_genuine_event_is_committed_then_acknowledged(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = event_body()

    response = await client.post(HOOK, content=body, headers=signed(body))

    assert (response.status_code, response.json()) == (
        202, {"status": "queued", "event_id": "evt-1"}
    )  # fmt: skip
    [row] = pending(store.engine, 1, 10)
    assert (row.source, row.record_type, row.record_id) == ("netsuite_event", "customer", "107")
    assert row.payload is not None
    assert row.payload["event_type"] == "edit"
    assert row.received_at.timestamp() == NOW


async def test_a_repeated_delivery_is_acknowledged_without_a_second_row(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = event_body()

    first = await client.post(HOOK, content=body, headers=signed(body))
    again = await client.post(HOOK, content=body, headers=signed(body, ts=NOW - 60))

    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["status"] == "duplicate"
    assert inbox_rows(store.engine) == 1


async def test_events_of_our_own_writes_are_acknowledged_and_not_queued(
    client: httpx.AsyncClient, store: Store
) -> None:
    body = event_body(execution_context="REST_WEBSERVICES")

    response = await client.post(HOOK, content=body, headers=signed(body))

    assert (response.status_code, response.json()["status"]) == (200, "ignored")
    assert inbox_rows(store.engine) == 0


async def test_every_secret_of_a_rotation_is_accepted(
    client: httpx.AsyncClient, store: Store
) -> None:
    newer = new_secret()
    store.add("rotating", {"webhook_secret": f"{newer} {SECRET}"})
    old, new = event_body("evt-old"), event_body("evt-new")

    by_old = await client.post("/hooks/netsuite/rotating", content=old, headers=signed(old))
    by_new = await client.post(
        "/hooks/netsuite/rotating", content=new, headers=signed(new, secret=newer)
    )

    assert (by_old.status_code, by_new.status_code) == (202, 202)


async def test_a_trusted_proxy_speaks_for_an_allowed_client(client_for: ClientFactory) -> None:
    options = WebOptions.parse(allowlist=["203.0.113.0/24"], trusted_proxies=["10.0.0.0/8"])
    client = client_for(options, peer="10.1.2.3")
    body = event_body()
    headers = signed(body) | {"x-forwarded-for": "192.0.2.50, 203.0.113.9, 10.9.9.9"}

    response = await client.post(HOOK, content=body, headers=headers)

    assert response.status_code == 202


Request = Callable[[bytes, dict[str, str]], dict[str, Any]]


def _as_is(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    return {"content": body, "headers": headers}


def _tampered(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    return {"content": body.replace(b"107", b"108"), "headers": headers}


def _resigned(*, secret: str = SECRET, ts: int = NOW) -> Request:
    return lambda b, h: {"content": b, "headers": signed(b, secret=secret, ts=ts)}


def _without(name: str) -> Request:
    return lambda b, h: {"content": b, "headers": {k: v for k, v in h.items() if k != name}}


def _forwarded_for(value: str) -> Request:
    return lambda b, h: {"content": b, "headers": h | {"x-forwarded-for": value}}


def _replaced_by(body: bytes) -> Request:
    return lambda b, h: {"content": body, "headers": signed_raw(body)}


def _oversized(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    big = body[:-1] + b',"pad":"' + b"x" * 70_000 + b'"}'
    return {"content": big, "headers": signed(big)}


def _streamed_oversized(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    async def chunks() -> Any:
        for _ in range(80):
            yield b"x" * 1024

    return {"content": chunks(), "headers": headers}


def signed_raw(body: bytes) -> dict[str, str]:
    """Headers signing any bytes as event ``evt-1``."""
    return {"webhook-id": "evt-1", "webhook-timestamp": str(NOW),
            "webhook-signature": sign(SECRET, "evt-1", NOW, body)}  # fmt: skip


ALLOW = WebOptions.parse(allowlist=["203.0.113.0/24"], trusted_proxies=["10.0.0.0/8"])
OUTSIDER, PROXY = "198.51.100.7", "10.0.0.1"
REJECTIONS: list[tuple[str, Request, str, WebOptions | None, str, int, str]] = [
    ("bad signature", _resigned(secret=new_secret()), HOOK, None, OUTSIDER, 401, "no webhook-sig"),
    ("tampered body", _tampered, HOOK, None, OUTSIDER, 401, "no webhook-signature matches"),
    ("old timestamp", _resigned(ts=NOW - 301), HOOK, None, OUTSIDER, 401, "300s old"),
    ("future timestamp", _resigned(ts=NOW + 301), HOOK, None, OUTSIDER, 401, "300s ahead"),
    ("no webhook-id", _without("webhook-id"), HOOK, None, OUTSIDER, 400, "webhook-id"),
    ("no webhook-timestamp", _without("webhook-timestamp"), HOOK, None, OUTSIDER, 400, "-timest"),
    ("no webhook-signature", _without("webhook-signature"), HOOK, None, OUTSIDER, 400, "-signat"),
    ("oversized body", _oversized, HOOK, None, OUTSIDER, 413, "larger than 65536"),
    ("oversized stream", _streamed_oversized, HOOK, None, OUTSIDER, 413, "larger than"),
    ("not JSON", _replaced_by(b"changed!"), HOOK, None, OUTSIDER, 400, "not JSON"),
    ("other account", _replaced_by(event_body(account="9")), HOOK, None, OUTSIDER, 400, "account"),
    ("unknown connection", _as_is, "/hooks/netsuite/nobody", None, OUTSIDER, 404, "no such"),
    ("outside allowlist", _as_is, HOOK, ALLOW, OUTSIDER, 403, "allowlist"),
    ("spoofed forwarded-for", _forwarded_for("203.0.113.9"), HOOK, ALLOW, OUTSIDER, 403, "allow"),
    ("forwarded-for garbage", _forwarded_for("me"), HOOK, ALLOW, PROXY, 403, "allowlist"),
]


@pytest.mark.parametrize(
    ("case", "build", "path", "options", "peer", "status", "reason"),
    REJECTIONS,
    ids=[r[0] for r in REJECTIONS],
)
async def test_a_bad_delivery_gets_a_4xx_with_its_reason_and_stores_nothing(
    client_for: ClientFactory,
    store: Store,
    case: str,
    build: Request,
    path: str,
    options: WebOptions | None,
    peer: str,
    status: int,
    reason: str,
) -> None:
    body = event_body()
    client = client_for(options, peer=peer)

    response = await client.post(path, **build(body, signed(body)))

    assert response.status_code == status
    assert response.json()["status"] == "rejected"
    assert reason in response.json()["reason"]
    assert inbox_rows(store.engine) == 0


async def test_a_connection_without_a_webhook_secret_takes_no_events(
    client: httpx.AsyncClient, store: Store
) -> None:
    store.add("quiet", {"token_secret": "unrelated"})
    body = event_body()

    response = await client.post("/hooks/netsuite/quiet", content=body, headers=signed(body))

    assert (response.status_code, response.json()["reason"]) == (
        403, "this connection has no webhook secret set"
    )  # fmt: skip
    assert inbox_rows(store.engine) == 0


async def test_an_unusable_stored_secret_is_reported_as_our_fault(
    client: httpx.AsyncClient, store: Store
) -> None:
    store.add("broken", {"webhook_secret": "plain-text-secret"})
    body = event_body()

    response = await client.post("/hooks/netsuite/broken", content=body, headers=signed(body))

    assert response.status_code == 503
    assert "plain-text-secret" not in response.text


async def test_nothing_is_acknowledged_when_the_event_cannot_be_stored(
    store: Store, client_for: ClientFactory
) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE inbox"))
    client = client_for()
    body = event_body()

    response = await client.post(HOOK, content=body, headers=signed(body))

    assert (response.status_code, response.json()) == (
        503, {"status": "error", "reason": "the event could not be stored"}
    )  # fmt: skip


async def test_other_methods_are_not_allowed(client: httpx.AsyncClient) -> None:
    assert (await client.get(HOOK)).status_code == 405


async def test_health_is_minimal_and_needs_nothing(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_logs_tell_what_happened_without_any_secret(
    client: httpx.AsyncClient, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    store.add("broken", {"webhook_secret": "whsec_plain-text-secret"})
    body = event_body()
    caplog.set_level(logging.DEBUG)

    await client.post(HOOK, content=body, headers=signed(body))
    await client.post(HOOK, content=body, headers=signed(body, secret=new_secret()))
    await client.post("/hooks/netsuite/broken", content=body, headers=signed(body))

    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "netsuite event received" in logged
    assert "no webhook-signature matches" in logged
    assert "unusable webhook secret" in logged
    for secret in (SECRET.removeprefix("whsec_"), "plain-text-secret"):
        assert secret not in logged
    assert signed(body)["webhook-signature"] not in logged


async def test_a_connection_recreated_under_its_name_never_loses_an_acknowledged_event(
    store: Store, client: httpx.AsyncClient
) -> None:
    first, second, third = (event_body(f"evt-{n}") for n in range(3))
    assert (await client.post(HOOK, content=first, headers=signed(first))).status_code == 202
    store.add("other", {"webhook_secret": SECRET})  # so SQLite cannot reuse acme's id
    remove_connection(store.engine, "acme")
    new_id = store.add("acme", {"webhook_secret": SECRET})

    during = await client.post(HOOK, content=second, headers=signed(second))
    after = await client.post(HOOK, content=third, headers=signed(third))

    assert during.status_code == 503
    assert after.status_code == 202
    assert [row.idempotency_key for row in pending(store.engine, new_id, 10)] == [
        "netsuite_event:evt-2"
    ]
