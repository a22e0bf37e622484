"""Change events from NetSuite: check that a delivery is genuine and read the event it carries.

NetSuite has no outbound webhooks, so the SuiteScript we ship (``netsuite/suitescript``) posts a
minimal event after each save of a customer, vendor or contact, in the Standard Webhooks layout::

    webhook-id: <event_id>
    webhook-timestamp: <epoch seconds>
    webhook-signature: v1,<base64 HMAC-SHA256 over "<webhook-id>.<webhook-timestamp>.<body>">

    {"event_id","account","record_type","record_id","event_type","occurred_at","execution_context"}

The secret is ``whsec_<base64>`` and the HMAC key is the base64-decoded bytes. In NetSuite the
API Secret holds the base64 text after ``whsec_`` and the script opens it with
``encoding: BASE_64``, so both sides key the HMAC with the same bytes.

Rotation: a connection's ``webhook_secret`` may hold several secrets separated by spaces (new
first); a delivery is genuine if any of them signed it, and a sender may put several ``v1,``
signatures in the header, also separated by spaces. Everything here is pure: the receiver in
``ml_connector.web`` supplies the clock, the keys and the bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ml_connector.errors import ConfigError, ConnectorError
from ml_connector.netsuite.queries import RECORD_TYPES

__all__ = [
    "EVENT_TYPES",
    "OWN_WRITES_CONTEXTS",
    "SOURCE",
    "TOLERANCE_SECONDS",
    "ChangeEvent",
    "EventRejectedError",
    "new_secret",
    "parse_secrets",
    "same_account",
    "sign",
    "verify",
]

SOURCE = "netsuite_event"
TOLERANCE_SECONDS = 300
EVENT_TYPES = ("create", "edit", "xedit", "inactivate")
# Our own writes reach NetSuite through REST web services; the scripts skip them and so do we.
# Oracle's enum key is REST_WEBSERVICES, its value (what runtime.executionContext holds) is
# RESTWEBSERVICES; senders have used both spellings, so both mean "ours".
OWN_WRITES_CONTEXTS = frozenset({"RESTWEBSERVICES", "REST_WEBSERVICES"})
SECRET_PREFIX = "whsec_"  # noqa: S105 - the Standard Webhooks marker, not a secret
MIN_KEY_BYTES = 24
MAX_ID_LENGTH = 100
_FIELDS = (
    "event_id",
    "account",
    "record_type",
    "record_id",
    "event_type",
    "occurred_at",
    "execution_context",
)


class EventRejectedError(ConnectorError):
    """A delivery that must not be queued; ``status`` is the HTTP answer, ``reason`` says why."""

    hint = "the sender should fix the request; nothing was stored"

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason
        super().__init__(f"event rejected ({status}): {reason}")


@dataclass(frozen=True)
class ChangeEvent:
    """One verified change: which record, how, when, and in which NetSuite execution context."""

    event_id: str
    account: str
    record_type: str
    record_id: str
    event_type: str
    occurred_at: str
    execution_context: str

    @property
    def from_own_writes(self) -> bool:
        """True for changes our integration made itself (acknowledged, never queued)."""
        return self.execution_context in OWN_WRITES_CONTEXTS

    def payload(self) -> dict[str, Any]:
        """The event as stored in the inbox."""
        return asdict(self)


def new_secret() -> str:
    """A fresh webhook secret: ``whsec_`` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_secrets(value: str) -> tuple[bytes, ...]:
    """The HMAC keys of a ``webhook_secret`` holding one or more space-separated secrets."""
    keys = tuple(_key(part) for part in value.split())
    if not keys:
        raise ConfigError("the webhook secret is empty")
    return keys


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ConfigError(f"a webhook secret must start with {SECRET_PREFIX!r}")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError("a webhook secret is not valid base64 after 'whsec_'") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigError(f"a webhook secret must hold at least {MIN_KEY_BYTES} bytes")
    return key


def _digest(key: bytes, event_id: str, timestamp: str, body: bytes) -> bytes:
    return hmac.new(key, f"{event_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value a sender holding ``secret`` puts on a delivery."""
    digests = (_digest(key, event_id, str(timestamp), body) for key in parse_secrets(secret))
    return " ".join("v1," + base64.b64encode(d).decode("ascii") for d in digests)


def verify(
    headers: Mapping[str, str],
    body: bytes,
    keys: Sequence[bytes],
    now: float,
    tolerance: float = TOLERANCE_SECONDS,
) -> ChangeEvent:
    """The event a genuine, fresh delivery carries; raises :class:`EventRejectedError` if not."""
    event_id, timestamp, signatures = _headers(headers)
    _check_fresh(timestamp, now, tolerance)
    if not _signed_by_any(keys, event_id, timestamp, body, signatures):
        raise EventRejectedError(401, "no webhook-signature matches a secret of this connection")
    event = _event(body)
    if event.event_id != event_id:
        raise EventRejectedError(400, "event_id in the body differs from the webhook-id header")
    return event


def _headers(headers: Mapping[str, str]) -> tuple[str, str, list[str]]:
    values = []
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        value = headers.get(name, "").strip()
        if not value:
            raise EventRejectedError(400, f"missing {name} header")
        values.append(value)
    event_id, timestamp, signature = values
    if len(event_id) > MAX_ID_LENGTH or not event_id.isprintable():
        raise EventRejectedError(400, "webhook-id must be at most 100 printable characters")
    return event_id, timestamp, signature.split()


def _check_fresh(timestamp: str, now: float, tolerance: float) -> None:
    if not timestamp.isdigit():
        raise EventRejectedError(400, "webhook-timestamp must be whole seconds since the epoch")
    skew = int(timestamp) - now
    if skew < -tolerance:
        raise EventRejectedError(401, f"webhook-timestamp is more than {tolerance:g}s old")
    if skew > tolerance:
        raise EventRejectedError(401, f"webhook-timestamp is more than {tolerance:g}s ahead")


def _signed_by_any(
    keys: Sequence[bytes], event_id: str, timestamp: str, body: bytes, signatures: list[str]
) -> bool:
    """Compare every expected digest with every offered one, each in constant time."""
    offered = [_decoded(s) for s in signatures if s.startswith("v1,")]
    expected = [_digest(key, event_id, timestamp, body) for key in keys]
    matches = [hmac.compare_digest(e, o) for e in expected for o in offered]
    return any(matches)


def _decoded(signature: str) -> bytes:
    try:
        return base64.b64decode(signature.removeprefix("v1,"), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _event(body: bytes) -> ChangeEvent:
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise EventRejectedError(400, "body is not JSON") from None
    if not isinstance(document, dict):
        raise EventRejectedError(400, "body must be a JSON object")
    wrong = [name for name in _FIELDS if not isinstance(document.get(name), str)]
    if wrong:
        raise EventRejectedError(400, f"body needs string fields: {', '.join(wrong)}")
    event = ChangeEvent(**{name: document[name] for name in _FIELDS})
    _check_values(event)
    return event


def _check_values(event: ChangeEvent) -> None:
    if event.record_type not in RECORD_TYPES:
        valid = ", ".join(RECORD_TYPES)
        raise EventRejectedError(400, f"record_type must be one of {valid}")
    if event.event_type not in EVENT_TYPES:
        raise EventRejectedError(400, f"event_type must be one of {', '.join(EVENT_TYPES)}")
    if not (event.record_id.isdigit() and len(event.record_id) <= 20):
        raise EventRejectedError(400, "record_id must be a NetSuite internal id (digits)")


def same_account(a: str, b: str) -> bool:
    """NetSuite account ids match whatever their case or ``-``/``_`` spelling (``123_SB1``)."""
    return a.replace("-", "_").upper() == b.replace("-", "_").upper()
