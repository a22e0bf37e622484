"""Who is really calling: the peer's address, or the client a trusted proxy speaks for.

``X-Forwarded-For`` is a list each proxy appends to, so only its right end can be trusted, and
only as far as the hops are our own proxies: walking from the right, the first address that is
not a trusted proxy is the client. A header from an untrusted peer is ignored entirely, so a
caller cannot talk its way into the allowlist.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from ml_connector.web.options import Network

__all__ = ["Address", "client_address", "within"]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def within(address: Address, blocks: Sequence[Network]) -> bool:
    """True if ``address`` lies in any of ``blocks``."""
    return any(address in block for block in blocks)


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: Sequence[Network]
) -> Address | None:
    """The calling client's address, or None when it cannot be told (then nothing is allowed)."""
    address = _parse(peer) if peer else None
    if address is None or not forwarded_for or not within(address, trusted):
        return address
    for hop in reversed(forwarded_for.split(",")):
        address = _parse(hop)
        if address is None or not within(address, trusted):
            return address
    return address
