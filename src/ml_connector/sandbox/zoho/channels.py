"""Notification channels: what each watches, where it posts, and until when.

Zoho keeps a channel until its ``channel_expiry`` and then silently stops posting; an expiry
that is missing or more than a week ahead becomes one hour (Kaizen #170). Expired channels are
forgotten here, so renewing one by PATCH or PUT answers 4xx NOT_SUBSCRIBED and the client must
re-enable it with POST, which is what a connector has to handle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .responses import Json, error_body
from .timestamps import format_time, parse_time
from .values import invalid_data, mandatory_missing

__all__ = [
    "DEFAULT_LIFETIME",
    "MAX_LIFETIME",
    "OPERATIONS",
    "Channel",
    "Channels",
    "not_subscribed",
]

MAX_LIFETIME = 7 * 24 * 3600.0
DEFAULT_LIFETIME = 3600.0
TOKEN_MAX = 50
MAX_FIELDS = 10  # fields a channel's notification_condition may select, in all
OPERATIONS = {"create": "insert", "edit": "update", "delete": "delete"}
BOOLEAN_KEYS = ("return_affected_field_values", "notify_on_related_action")


@dataclass
class Channel:
    """One channel: the ``watch`` element Zoho stores, with its expiry as epoch seconds."""

    channel_id: str
    events: list[str]
    notify_url: str
    expires_at: float
    api_domain: str = ""
    token: str | None = None
    return_affected_field_values: bool = False
    notify_on_related_action: bool = True
    notification_condition: list[Any] = field(default_factory=list)

    def modules(self) -> list[str]:
        """Watched modules, in the order their events were first named."""
        return list(dict.fromkeys(event.split(".")[0] for event in self.events))

    def watches(self, module: str, operation: str) -> bool:
        """Whether an ``insert``/``update``/``delete`` in ``module`` is one of its events."""
        wanted = {f"{module}.all"} | {
            f"{module}.{op}" for op, name in OPERATIONS.items() if name == operation
        }
        return not wanted.isdisjoint(self.events)

    def query_params(self) -> dict[str, str]:
        """The notify_url's query, echoed in every callback."""
        return dict(parse_qsl(urlsplit(self.notify_url).query))


def not_subscribed() -> Json:
    """The answer for a channel id that is unknown or expired."""
    return error_body("NOT_SUBSCRIBED", "the given channel is not subscribed", {})


def _selection_fields(node: Any) -> int | None:
    """Fields named in a ``field_selection`` tree, or None when a node is malformed."""
    if not isinstance(node, dict):
        return None
    if "field" in node:
        field = node["field"]
        ok = isinstance(field, dict) and isinstance(field.get("api_name"), str)
        return 1 if ok else None
    group = node.get("group")
    if node.get("group_operator") not in ("and", "or") or not isinstance(group, list) or not group:
        return None
    counts = [_selection_fields(child) for child in group]
    return None if None in counts else sum(c for c in counts if c is not None)


def _channel_id(value: Any, index: int) -> str | Json:
    path = f"$.watch[{index}].channel_id"
    if value is None:
        return mandatory_missing("channel_id", path)
    text = str(value)
    if isinstance(value, bool) or not text.isdigit():
        return invalid_data("channel_id", path, expected_data_type="long")
    return text


class Channels:
    """The org's live channels, by channel id."""

    def __init__(self, clock: Callable[[], float], modules: list[str]) -> None:
        self.clock = clock
        self.modules = modules
        self._channels: dict[str, Channel] = {}

    def live(self) -> list[Channel]:
        """Channels not yet expired (expired ones are dropped for good)."""
        now = self.clock()
        self._channels = {k: c for k, c in self._channels.items() if c.expires_at > now}
        return list(self._channels.values())

    def get(self, channel_id: str) -> Channel | None:
        """The live channel with this id."""
        return next((c for c in self.live() if c.channel_id == channel_id), None)

    def expire_now(self, ids: list[str] | None = None) -> int:
        """Control API: expire the given channels (all when None) at once."""
        doomed = [c for c in self.live() if ids is None or c.channel_id in ids]
        for channel in doomed:
            channel.expires_at = self.clock()
        return len(doomed)

    def _problem(self, key: str, element: Json, index: int) -> Json | None:
        value, path = element.get(key), f"$.watch[{index}].{key}"
        if key == "events":
            ok = isinstance(value, list) and bool(value) and all(map(self._event_ok, value))
            return None if ok else invalid_data(key, path)
        if key == "notify_url":
            ok = isinstance(value, str) and urlsplit(value).scheme in ("http", "https")
            return None if ok else invalid_data(key, path)
        if key == "token" and (not isinstance(value, str) or len(value) > TOKEN_MAX):
            return invalid_data(key, path, maximum_length=TOKEN_MAX)
        if key in BOOLEAN_KEYS and not isinstance(value, bool):
            return invalid_data(key, path, expected_data_type="boolean")
        refused = (key == "channel_expiry" and self._expiry(value) is None) or (
            key == "notification_condition" and not self._conditions_ok(value)
        )
        return invalid_data(key, path) if refused else None

    def _conditions_ok(self, conditions: Any) -> bool:
        """``notification_condition``: field selections on known modules, at most 10 fields."""
        if not isinstance(conditions, list):
            return False
        counts = [self._condition_fields(c) for c in conditions]
        return None not in counts and sum(c for c in counts if c is not None) <= MAX_FIELDS

    def _condition_fields(self, condition: Any) -> int | None:
        """How many fields one condition selects, or None when it is malformed."""
        if not isinstance(condition, dict) or condition.get("type") != "field_selection":
            return None
        module = condition.get("module")
        if not isinstance(module, dict) or module.get("api_name") not in self.modules:
            return None
        return _selection_fields(condition.get("field_selection"))

    def _event_ok(self, event: Any) -> bool:
        if not isinstance(event, str) or event.count(".") != 1:
            return False
        module, op = event.split(".")
        return module in self.modules and (op in OPERATIONS or op == "all")

    def _expiry(self, value: Any) -> float | None:
        """Epoch expiry for a requested ``channel_expiry``; None when it is refused."""
        now = self.clock()
        if value is None:
            return now + DEFAULT_LIFETIME
        moment = parse_time(value) if isinstance(value, str) else None
        if moment is None or moment <= now:
            return None
        return moment if moment - now <= MAX_LIFETIME else now + DEFAULT_LIFETIME

    def validate(self, element: Any, index: int, *, full: bool) -> str | Json:
        """The channel id of a valid ``watch`` element, else its error.

        ``full`` (POST, PUT) needs ``events`` and ``notify_url``; PATCH may omit them.
        """
        if not isinstance(element, dict):
            return invalid_data("watch", f"$.watch[{index}]")
        channel_id = _channel_id(element.get("channel_id"), index)
        if isinstance(channel_id, dict):
            return channel_id
        required = ("events", "notify_url") if full else ()
        for key in required:
            if key not in element:
                return mandatory_missing(key, f"$.watch[{index}].{key}")
        keys = ("events", "notify_url", "token", "channel_expiry", "notification_condition")
        for key in (*keys, *BOOLEAN_KEYS):
            problem = self._problem(key, element, index) if key in element else None
            if problem:
                return problem
        return channel_id

    def enable(self, element: Json, channel_id: str, api_domain: str) -> Channel:
        """Create or replace a channel from a validated POST or PUT element."""
        channel = Channel(channel_id, [], "", 0.0, api_domain)
        self._assign(channel, element)
        channel.expires_at = self._expiry(element.get("channel_expiry")) or channel.expires_at
        self._channels[channel_id] = channel
        return channel

    def patch(self, channel: Channel, element: Json) -> Channel:
        """Change only the keys given; ``_delete_events`` removes the listed events instead."""
        if element.get("_delete_events") is True:
            removed = set(element.get("events", []))
            channel.events = [e for e in channel.events if e not in removed]
            return channel
        events = channel.events
        self._assign(channel, element)
        channel.events = list(dict.fromkeys([*events, *element.get("events", [])]))
        if "channel_expiry" in element:
            channel.expires_at = self._expiry(element["channel_expiry"]) or channel.expires_at
        return channel

    def _assign(self, channel: Channel, element: Json) -> None:
        for key in ("events", "notify_url", "token", *BOOLEAN_KEYS):
            if key in element:
                setattr(channel, key, element[key])
        if isinstance(element.get("notification_condition"), list):
            channel.notification_condition = element["notification_condition"]

    def remove(self, channel_id: str) -> Channel | None:
        """Disable a channel (DELETE)."""
        channel = self.get(channel_id)
        return self._channels.pop(channel_id) if channel else None

    def expiry_text(self, channel: Channel) -> str:
        """``channel_expiry`` as Zoho echoes it."""
        return format_time(channel.expires_at)
