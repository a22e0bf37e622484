"""How the web app is tuned, fixed when it is built: one frozen value passed to ``create_app``."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from ml_connector.errors import ConfigError
from ml_connector.netsuite.events import TOLERANCE_SECONDS

__all__ = ["Network", "WebOptions", "networks"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DEFAULT_MAX_BODY = 64 * 1024
DEFAULT_CACHE_SECONDS = 10.0


def networks(cidrs: Iterable[str], *, setting: str) -> tuple[Network, ...]:
    """Parse CIDR blocks (a bare address is a /32 or /128); ``setting`` names them in errors."""
    parsed = []
    for cidr in cidrs:
        try:
            parsed.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError:
            raise ConfigError(
                f"{setting}: {cidr!r} is not an IP address or CIDR block",
                hint="write blocks like 203.0.113.0/24 or 2001:db8::/32",
            ) from None
    return tuple(parsed)


@dataclass(frozen=True)
class WebOptions:
    """Limits and network trust of the webhook receivers.

    ``allowlist`` empty means any source may deliver (the signature is what authenticates, and
    NetSuite publishes no outbound ranges); when set, only those sources are served.
    ``X-Forwarded-For`` is believed only from ``trusted_proxies``: anyone else could write it.
    ``connection_cache_seconds`` is how long a connection's keys are reused before being read
    again, so also how long a rotated secret takes to be honoured (0 reads them every time).
    """

    allowlist: tuple[Network, ...] = ()
    trusted_proxies: tuple[Network, ...] = ()
    max_body_bytes: int = DEFAULT_MAX_BODY
    timestamp_tolerance: float = TOLERANCE_SECONDS
    connection_cache_seconds: float = DEFAULT_CACHE_SECONDS

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1:
            raise ConfigError("max_body_bytes must be at least 1")
        if self.timestamp_tolerance <= 0:
            raise ConfigError("timestamp_tolerance must be positive")
        if self.connection_cache_seconds < 0:
            raise ConfigError("connection_cache_seconds must not be negative")

    @classmethod
    def parse(
        cls,
        *,
        allowlist: Iterable[str] = (),
        trusted_proxies: Iterable[str] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY,
        timestamp_tolerance: float = TOLERANCE_SECONDS,
        connection_cache_seconds: float = DEFAULT_CACHE_SECONDS,
    ) -> WebOptions:
        """Options from text, as settings or flags hold them."""
        return cls(
            allowlist=networks(allowlist, setting="allowlist"),
            trusted_proxies=networks(trusted_proxies, setting="trusted_proxies"),
            max_body_bytes=max_body_bytes,
            timestamp_tolerance=timestamp_tolerance,
            connection_cache_seconds=connection_cache_seconds,
        )
