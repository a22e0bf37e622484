"""Which connection a delivery is for, and the keys that must have signed it, remembered briefly.

Every event needs its connection's id, NetSuite account and webhook keys. Reading and unsealing
them costs three queries and an AES unwrap, more than storing the event itself, so a burst of
saves in NetSuite would spend most of its time re-reading the same row. They are kept for a few
seconds (``WebOptions.connection_cache_seconds``): a rotated secret is honoured that much later,
and an unknown name is never remembered, so a connection added a moment ago is found at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from ml_connector.errors import ConfigError, NotFoundError
from ml_connector.netsuite.events import EventRejectedError, parse_secrets
from ml_connector.store.connections import get_connection, open_credentials
from ml_connector.store.keyring import Keyring

__all__ = ["Target", "Targets"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """What a delivery is checked against: the connection, its account and its HMAC keys."""

    connection_id: int
    account: str | None
    keys: tuple[bytes, ...]


class Targets:
    """Connection lookups by name for the receivers; safe to call from several threads."""

    def __init__(
        self, engine: Engine, keyring: Keyring, clock: Callable[[], float], ttl: float
    ) -> None:
        self._engine = engine
        self._keyring = keyring
        self._clock = clock
        self._ttl = ttl
        self._known: dict[str, tuple[float, Target]] = {}

    def get(self, name: str) -> Target:
        """The target for ``name``; raises a 404/403/503 rejection when it cannot take events."""
        now = self._clock()
        remembered = self._known.get(name)
        if remembered is not None and now - remembered[0] < self._ttl:
            return remembered[1]
        target = self._load(name)
        self._known[name] = (now, target)
        return target

    def forget(self, name: str) -> None:
        """Drop what is remembered of ``name`` (it was removed or changed under us)."""
        self._known.pop(name, None)

    def _load(self, name: str) -> Target:
        try:
            connection = get_connection(self._engine, name)
        except NotFoundError:
            raise EventRejectedError(404, "no such connection") from None
        opened = open_credentials(self._engine, self._keyring, name, "netsuite")
        secret = opened.get("webhook_secret")
        if not secret:
            raise EventRejectedError(403, "this connection has no webhook secret set")
        try:
            keys = parse_secrets(secret)
        except ConfigError as exc:
            logger.error("unusable webhook secret", extra={"connection": name, "problem": exc})
            raise EventRejectedError(503, "this connection's webhook secret is unusable") from None
        account = connection.config.get("netsuite", {}).get("account_id")
        return Target(connection.id, account, keys)
