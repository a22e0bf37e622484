"""A stored event wakes a drain; a queue that is down never costs the sender its delivery."""

from __future__ import annotations

import asyncio

import httpx
from huey import MemoryHuey, RedisHuey

from ml_connector.jobs import JobContext, Tasks
from ml_connector.netsuite.events import new_secret, sign
from ml_connector.store.connections import add_connection
from ml_connector.web import create_app

NOW = 1_780_000_000


def _post_event(context: JobContext, tasks: Tasks) -> httpx.Response:
    secret = new_secret()
    add_connection(
        context.engine, context.keyring, name="acme",
        config={"netsuite": {"account_id": "1234567_SB1"}},
        secrets={"netsuite": {"webhook_secret": secret}},
    )  # fmt: skip
    body = (
        b'{"event_id":"evt-9","account":"1234567_SB1","record_type":"customer",'
        b'"record_id":"107","event_type":"edit","occurred_at":"2026-05-28T20:26:40Z",'
        b'"execution_context":"USERINTERFACE"}'
    )
    headers = {
        "content-type": "application/json",
        "webhook-id": "evt-9",
        "webhook-timestamp": str(NOW),
        "webhook-signature": sign(secret, "evt-9", NOW, body),
    }
    app = create_app(
        engine=context.engine, keyring=context.keyring, clock=lambda: NOW, on_event=tasks.wake
    )

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as c:
            return await c.post("/hooks/netsuite/acme", content=body, headers=headers)

    return asyncio.run(post())


def test_a_new_event_enqueues_one_drain_of_its_connection(context: JobContext) -> None:
    queue = MemoryHuey("wakeup-test")
    tasks = Tasks(queue, context)

    response = _post_event(context, tasks)

    assert response.status_code == 202
    [message] = queue.pending()
    assert (type(message).__name__, message.args) == ("drain", ("acme",))


def test_a_queue_that_is_down_still_acknowledges_the_stored_event(context: JobContext) -> None:
    down = RedisHuey("wakeup-down", url="redis://127.0.0.1:1/0", results=False)

    response = _post_event(context, Tasks(down, context))

    assert (response.status_code, response.json()["status"]) == (202, "queued")
