"""Zoho notification channels: create one per connection, renew it early, replace it when lost.

Zoho stops posting at ``channel_expiry`` without telling anyone, and forgets an expired channel,
so renewing it then answers 4xx. A channel is therefore renewed (PATCH, new expiry) once a
fraction of its life has passed, and a refused renewal provisions a new channel at once. A
channel not yet due is looked up (GET) at each upkeep, so one Zoho dropped early is replaced
then rather than at its renewal time. What
Zoho missed meanwhile is found by polling, which is the safety net (DESIGN.md §1).

Zoho's callbacks carry no signature, only the token given to the channel; each channel gets its
own random token, sealed in the store. An expiry more than a week ahead is silently cut to one
hour by Zoho, so the configured lifetime is refused past a week (less a margin for clock skew).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import Engine

from ml_connector.errors import ConfigError, PermanentError
from ml_connector.mapping import MappingFile
from ml_connector.store.channels import (
    DISABLED,
    REPLACED,
    StoredChannel,
    active_channel,
    mark_channel,
    renewed,
    save_channel,
)
from ml_connector.store.keyring import Keyring
from ml_connector.store.locks import release, try_acquire
from ml_connector.zoho.client import ZohoCRM

if TYPE_CHECKING:
    from ml_connector.sync.services import Services

__all__ = [
    "CALLBACK_SOURCE",
    "MAX_LIFETIME",
    "Action",
    "ChannelPolicy",
    "ChannelRefusedError",
    "channel_events",
    "disable_channels",
    "expiry_text",
    "maintain_channels",
    "notify_url",
]

logger = logging.getLogger(__name__)

HOOK_PATH = "/hooks/zoho/{connection}"
CALLBACK_SOURCE = "zoho_callback"  # the inbox source of the rows callbacks become
MAX_LIFETIME = timedelta(days=7) - timedelta(minutes=10)
LOCK_SECONDS = 120.0
Action = Literal["created", "renewed", "replaced", "current", "busy"]


@dataclass(frozen=True)
class ChannelPolicy:
    """How long a channel lives and when it is renewed (a fraction of its life)."""

    lifetime: timedelta = timedelta(days=1)
    renew_after: float = 0.5

    def __post_init__(self) -> None:
        if not timedelta(minutes=5) <= self.lifetime <= MAX_LIFETIME:
            raise ConfigError(
                "channel lifetime must be between 5 minutes and 7 days less 10 minutes",
                hint="Zoho cuts a longer expiry to one hour without saying so",
            )
        if not 0 < self.renew_after < 1:
            raise ConfigError("renew_after must be a fraction of the lifetime, between 0 and 1")

    def due(self, channel: StoredChannel, now: datetime) -> bool:
        """Whether ``channel`` has lived the part of its life after which it is renewed."""
        if channel.expires_at is None or channel.renewed_at is None:
            return True
        life = channel.expires_at - channel.renewed_at
        return now >= channel.renewed_at + life * self.renew_after


class ChannelRefusedError(PermanentError):
    """Zoho refused to create a channel; its code says why (a scope, a bad notify_url)."""

    def __init__(self, method: str, status: int, code: str, message: str) -> None:
        super().__init__(f"Zoho refused {method} of a channel: {code} {message}", status=status)
        self.code = code


def expiry_text(moment: datetime) -> str:
    """``channel_expiry`` as Zoho accepts it: seconds, an offset, no fraction."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat(timespec="seconds")


def channel_events(mapping: MappingFile) -> tuple[str, ...]:
    """Every operation of each module the mapping writes to."""
    modules = dict.fromkeys(mapping.entity(t).module for t in mapping.source_types())
    return tuple(f"{module}.all" for module in modules)


def notify_url(public_url: str, connection: str) -> str:
    """Where Zoho posts a connection's callbacks."""
    return public_url.rstrip("/") + HOOK_PATH.format(connection=connection)


def _answer(status: int, body: Mapping[str, Any]) -> tuple[bool, str, str, str | None]:
    """(accepted, code, message, channel_expiry) of a one-channel answer."""
    elements = body.get("watch") or [body]
    first = elements[0] if isinstance(elements[0], dict) else {}
    code = str(first.get("code") or body.get("code") or f"HTTP_{status}")
    events = (first.get("details") or {}).get("events") or [{}]
    expiry = events[0].get("channel_expiry") if isinstance(events[0], dict) else None
    return status < 300 and code == "SUCCESS", code, str(first.get("message", "")), expiry


def _expiry(text: str | None, asked: datetime) -> datetime:
    """The expiry Zoho says it set (it may differ from the one asked for), else the asked one."""
    try:
        return datetime.fromisoformat(text).astimezone(UTC) if text else asked
    except ValueError:
        return asked


async def _create(
    crm: ZohoCRM, events: tuple[str, ...], url: str, expires: datetime
) -> tuple[str, str, datetime]:
    """A new channel in Zoho: its id, token and expiry."""
    channel_id = str(10**17 + secrets.randbelow(9 * 10**17))  # Zoho wants a long
    token = secrets.token_urlsafe(30)  # 40 characters; Zoho allows 50
    element = {
        "channel_id": channel_id,
        "events": list(events),
        "notify_url": url,
        "token": token,
        "channel_expiry": expiry_text(expires),
        "notify_on_related_action": False,
    }
    status, body = await crm.watch("POST", body={"watch": [element]})
    accepted, code, message, expiry = _answer(status, body)
    if not accepted:
        raise ChannelRefusedError("POST", status, code, message)
    return channel_id, token, _expiry(expiry, expires)


async def _renew(crm: ZohoCRM, channel_id: str, expires: datetime) -> datetime | None:
    """The new expiry, or None when Zoho no longer knows the channel (expired, removed)."""
    element = {"channel_id": channel_id, "channel_expiry": expiry_text(expires)}
    status, body = await crm.watch("PATCH", body={"watch": [element]})
    accepted, code, message, expiry = _answer(status, body)
    if accepted:
        return _expiry(expiry, expires)
    if 400 <= status < 500:
        logger.info("channel not renewable", extra={"channel_id": channel_id, "code": code})
        return None
    raise ChannelRefusedError("PATCH", status, code, message)


async def _listed(crm: ZohoCRM, channel_id: str) -> bool:
    """Whether Zoho still has the channel; it stops posting silently when it drops one.

    Only a clear "no such channel" (204, or a 4xx) counts as gone: a failing Zoho keeps the
    channel we have, and the next upkeep asks again.
    """
    status, body = await crm.watch("GET", params={"channel_id": channel_id})
    if status == 204 or 400 <= status < 500:
        return False
    listed = body.get("watch") or []
    return status >= 500 or any(
        isinstance(e, dict) and str(e.get("channel_id")) == channel_id for e in listed
    )


@dataclass(frozen=True)
class _Scope:
    engine: Engine
    keyring: Keyring
    crm: ZohoCRM
    connection_id: int
    name: str
    events: tuple[str, ...]
    url: str
    now: datetime
    policy: ChannelPolicy


async def _provision(scope: _Scope, old: StoredChannel | None) -> None:
    """Create a channel and record it, retiring ``old`` in the same transaction."""
    asked = scope.now + scope.policy.lifetime
    channel_id, token, expires = await _create(scope.crm, scope.events, scope.url, asked)
    with scope.engine.begin() as conn:
        if old is not None:
            mark_channel(conn, old.channel_id, REPLACED)
        save_channel(
            conn, scope.keyring, connection_id=scope.connection_id, channel_id=channel_id,
            events=scope.events, token=token, expires_at=expires, now=scope.now,
        )  # fmt: skip
    logger.info("channel created", extra={"connection": scope.name, "channel_id": channel_id})


async def _maintain(scope: _Scope) -> Action:
    current = active_channel(scope.engine, scope.connection_id)
    if current is None:
        await _provision(scope, None)
        return "created"
    if current.events != scope.events:  # the mapping changed what is synced
        await _provision(scope, current)
        await _delete(scope.crm, current.channel_id)  # or it would post for up to its life
        return "replaced"
    if not scope.policy.due(current, scope.now):
        if await _listed(scope.crm, current.channel_id):
            return "current"
        await _provision(scope, current)  # Zoho dropped it early: nothing would be posted
        return "replaced"
    expires = await _renew(scope.crm, current.channel_id, scope.now + scope.policy.lifetime)
    if expires is None:
        await _provision(scope, current)
        return "replaced"
    renewed(scope.engine, current.channel_id, expires_at=expires, now=scope.now)
    return "renewed"


async def maintain_channels(
    engine: Engine,
    keyring: Keyring,
    services: Services,
    public_url: str,
    now: datetime,
    *,
    policy: ChannelPolicy | None = None,
) -> Action:
    """Make sure the connection has a live channel: create, renew or replace it; what was done.

    Safe to run at any time and twice at once: a store lock lets one run act, the other
    answers ``busy``, and a channel not yet due is left alone (``current``).
    """
    name = services.session.connection.name
    scope = _Scope(
        engine, keyring, services.zoho, services.connection_id, name,
        channel_events(services.mapping), notify_url(public_url, name), now,
        policy or ChannelPolicy(),
    )  # fmt: skip
    holder, lock = secrets.token_hex(8), f"channels/{services.connection_id}"
    if not try_acquire(engine, lock, holder, LOCK_SECONDS, now):
        return "busy"
    try:
        return await _maintain(scope)
    finally:
        release(engine, lock, holder)


async def _delete(crm: ZohoCRM, channel_id: str) -> None:
    """Stop a channel in Zoho; one Zoho refuses to delete (already gone) ends on its own."""
    status, body = await crm.watch("DELETE", params={"channel_ids": channel_id})
    accepted, code, _, _ = _answer(status, body)
    if not accepted:
        logger.info("channel not deleted in Zoho", extra={"channel_id": channel_id, "code": code})


async def disable_channels(engine: Engine, crm: ZohoCRM, connection_id: int) -> int:
    """Stop the connection's channel in Zoho and mark it disabled (the connection is going).

    A channel Zoho no longer knows is already stopped; it is marked disabled all the same.
    """
    current = active_channel(engine, connection_id)
    if current is None:
        return 0
    await _delete(crm, current.channel_id)
    with engine.begin() as conn:
        mark_channel(conn, current.channel_id, DISABLED)
    return 1
