"""Zoho's safety net: what people edited while the notification channel was lost is read back.

Zoho stops posting when a channel expires or is removed, says nothing, and does not resend.
Each poll therefore asks Zoho whether the connection's channel is still the live one it saw
at the last poll. While it is, callbacks cover every edit and nothing is read. When it is not
(Zoho no longer lists it, or it was replaced by a new channel since), the records of the synced
modules modified since the last poll that saw a live channel (less an overlap for clock skew)
are listed with ``If-Modified-Since`` and queued exactly as callbacks would be, so the Zoho
edit handling (:mod:`ml_connector.sync.zoho_edits`) settles them: echoes of our writes end
there, people's edits are re-asserted or reported. Only records carrying our key field are
queued; the others are not ours. A connection without a channel has no callbacks to make up
for, so nothing is read for it.

The mark (stream ``zoho:channel``) holds when a live channel was last seen and which one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from ml_connector.mapping import MappingFile
from ml_connector.store.channels import StoredChannel, active_channel
from ml_connector.store.cursors import Cursor, read_cursor, write_cursor
from ml_connector.store.inbox import NewEvent, enqueue_many
from ml_connector.zoho import ZohoCRM
from ml_connector.zoho.channels import CALLBACK_SOURCE

__all__ = ["STREAM", "CatchUp", "catch_up"]

STREAM = "zoho:channel"
OVERLAP = timedelta(minutes=5)


@dataclass(frozen=True)
class CatchUp:
    """What one check found: whether the channel was live, and how many records were queued."""

    live: bool
    queued: int = 0
    since: datetime | None = None


async def catch_up(
    engine: Engine,
    connection_id: int,
    zoho: ZohoCRM,
    mapping: MappingFile,
    now: datetime,
    *,
    overlap: timedelta = OVERLAP,
) -> CatchUp:
    """Check the channel; when callbacks may have been missed, queue what changed meanwhile."""
    channel = await asyncio.to_thread(active_channel, engine, connection_id)
    if channel is None:
        return CatchUp(live=False)
    mark = await asyncio.to_thread(read_cursor, engine, connection_id, STREAM)
    seen_at, seen_id = _last_seen(mark, channel)
    live = await _is_live(zoho, channel.channel_id, now)
    result = CatchUp(live)
    if not live or channel.channel_id != seen_id:
        reading = _Reading(engine, connection_id, zoho, mapping)
        result = CatchUp(live, await reading.queue_modified(seen_at - overlap, now), seen_at)
    moved = Cursor(now, channel.channel_id if live else None)
    await asyncio.to_thread(_save_mark, engine, connection_id, moved)
    return result


def _last_seen(mark: Cursor | None, channel: StoredChannel) -> tuple[datetime, str | None]:
    """When a live channel was last seen, and which; before any check, the channel's renewal."""
    if mark is not None and mark.watermark_time is not None:
        return mark.watermark_time, mark.watermark_id
    return channel.renewed_at or channel.expires_at or datetime.min, channel.channel_id


async def _is_live(zoho: ZohoCRM, channel_id: str, now: datetime) -> bool:
    """Whether Zoho lists the channel with an expiry still ahead (204: it lists none)."""
    status, body = await zoho.watch("GET", params={"channel_id": channel_id})
    listed = body.get("watch") if status == 200 else None
    return isinstance(listed, list) and any(
        isinstance(w, dict) and str(w.get("channel_id")) == channel_id and _ahead(w, now)
        for w in listed
    )


def _ahead(element: dict[str, object], now: datetime) -> bool:
    try:
        expiry = datetime.fromisoformat(str(element.get("channel_expiry")))
    except ValueError:
        return True  # no readable expiry: being listed is all Zoho says
    return expiry.tzinfo is None or expiry > now


@dataclass(frozen=True)
class _Reading:
    engine: Engine
    connection_id: int
    zoho: ZohoCRM
    mapping: MappingFile

    async def queue_modified(self, since: datetime, now: datetime) -> int:
        """Queue every record of ours modified since ``since``; how many rows were new."""
        queued = 0
        for record_type in self.mapping.source_types():
            entity = self.mapping.entity(record_type)
            fields = [entity.key, "Modified_Time"]
            async for page in self.zoho.pages(entity.module, fields, modified_since=since):
                events = [
                    _event(entity.module, record_type, record)
                    for record in page
                    if record.get(entity.key)
                ]
                queued += await asyncio.to_thread(
                    _enqueue, self.engine, self.connection_id, events, now
                )
        return queued


def _event(module: str, record_type: str, record: dict[str, object]) -> NewEvent:
    """A row like a callback's; keyed on the modification, so a re-read adds nothing."""
    zoho_id = str(record["id"])
    key = f"zoho-catchup:{module}:{zoho_id}:{record.get('Modified_Time')}"
    payload = {"module": module, "operation": "catch_up", "zoho_id": zoho_id}
    return NewEvent(key, record_type, zoho_id, payload)


def _enqueue(engine: Engine, connection_id: int, events: list[NewEvent], now: datetime) -> int:
    with engine.begin() as conn:
        return enqueue_many(
            conn, connection_id, source=CALLBACK_SOURCE, events=events, received_at=now
        )


def _save_mark(engine: Engine, connection_id: int, mark: Cursor) -> None:
    with engine.begin() as conn:
        write_cursor(conn, connection_id, STREAM, mark)
