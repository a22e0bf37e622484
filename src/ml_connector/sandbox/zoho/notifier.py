"""Turns committed changes into callbacks and posts them to each watching channel's notify_url.

One call's changes become one callback per channel, module and operation, with every affected
id in ``ids``, as Zoho batches them. Delivery is one POST with no retry (Zoho documents none),
made from a background task so the API answer never waits on the subscriber.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from .channels import Channel, Channels
from .responses import Json
from .writes import Change

__all__ = ["Delivery", "Notifier", "callback_payloads"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """What became of one callback, for the control API."""

    channel_id: str
    notify_url: str
    payload: Json
    status: int | None
    error: str | None


def _selected(node: Any, changed: set[str]) -> bool:
    """Whether a ``field_selection`` group is satisfied by the changed fields."""
    if not isinstance(node, dict):
        return False
    if "field" in node:
        return node["field"].get("api_name") in changed
    results = [_selected(child, changed) for child in node.get("group", [])]
    return all(results) if node.get("group_operator") == "and" else any(results)


def _condition_allows(channel: Channel, change: Change) -> bool:
    """``notification_condition`` limits edits of a module to changes of the selected fields."""
    if change.operation != "update":
        return True
    for condition in channel.notification_condition:
        module = (
            condition.get("module", {}).get("api_name") if isinstance(condition, dict) else None
        )
        if module == change.module:
            return _selected(condition.get("field_selection"), set(change.values))
    return True


def _related_changes(changes: Iterable[Change]) -> list[Change]:
    """A change to a record is also an update of each record it looks up (Kaizen #170 Q1)."""
    related = {(m, i) for c in changes for m, i in c.related}
    return [Change(module, "update", record_id) for module, record_id in sorted(related)]


def _payload(channel: Channel, module: str, operation: str, changes: list[Change]) -> Json:
    payload: Json = {
        "server_time": 0,
        "query_params": channel.query_params(),
        "module": module,
        "resource_uri": f"{channel.api_domain}/crm/v2/{module}",
        "ids": [c.record_id for c in changes],
        "affected_fields": [
            {c.record_id: list(c.values)} for c in changes if operation == "update"
        ],
        "operation": operation,
        "channel_id": channel.channel_id,
        "token": channel.token,
    }
    if channel.return_affected_field_values:
        payload["affected_values"] = [
            {"record_id": c.record_id, "values": c.values} for c in changes
        ]
    return payload


def callback_payloads(channel: Channel, changes: list[Change], server_time_ms: int) -> list[Json]:
    """The callbacks one channel receives for one call's changes."""
    direct = [c for c in changes if channel.watches(c.module, c.operation)]
    related = []
    if channel.notify_on_related_action:
        related = [c for c in _related_changes(changes) if channel.watches(c.module, "update")]
    groups: dict[tuple[str, str], list[Change]] = {}
    for change in (*direct, *related):
        if _condition_allows(channel, change):
            groups.setdefault((change.module, change.operation), []).append(change)
    payloads = [_payload(channel, m, op, group) for (m, op), group in groups.items()]
    return [p | {"server_time": server_time_ms} for p in payloads]


class Notifier:
    """Posts callbacks for committed changes to every live channel that watches them."""

    def __init__(self, channels: Channels, clock: Callable[[], float]) -> None:
        self.channels = channels
        self.clock = clock
        self.deliveries: list[Delivery] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def publish(self, changes: list[Change]) -> None:
        """Schedule the callbacks for one call's changes on the running event loop."""
        if not changes:
            return
        server_time = int(self.clock() * 1000)
        for channel in self.channels.live():
            for payload in callback_payloads(channel, changes, server_time):
                task = asyncio.get_running_loop().create_task(self._post(channel, payload))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _post(self, channel: Channel, payload: Json) -> None:
        status, error = None, None
        try:
            async with httpx.AsyncClient(timeout=10.0) as client:
                response = await client.post(channel.notify_url, json=payload)
            status = response.status_code
        except httpx.HTTPError as exc:
            error = type(exc).__name__
            log.info("callback not delivered", extra={"channel_id": channel.channel_id})
        self.deliveries.append(
            Delivery(channel.channel_id, channel.notify_url, payload, status, error)
        )
