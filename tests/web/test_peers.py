"""Who the caller is: X-Forwarded-For is believed only as far as our own proxies reach."""

from __future__ import annotations

import ipaddress

import pytest

from ml_connector.errors import ConfigError
from ml_connector.web import WebOptions
from ml_connector.web.peers import client_address

TRUSTED = WebOptions.parse(trusted_proxies=["10.0.0.0/8", "fd00::/8"]).trusted_proxies


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.9", None, "203.0.113.9"),
        ("203.0.113.9", "192.0.2.1", "203.0.113.9"),  # untrusted peer: header ignored
        ("10.0.0.1", None, "10.0.0.1"),
        ("10.0.0.1", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.1", "192.0.2.1, 10.0.0.2", "192.0.2.1"),  # through two of our proxies
        ("10.0.0.1", "198.51.100.1, 192.0.2.1", "192.0.2.1"),  # left of the client is hearsay
        ("10.0.0.1", "10.0.0.3, 10.0.0.2", "10.0.0.3"),  # all ours: the furthest one
        ("10.0.0.1", "not-an-address", None),
        ("fd00::1", "2001:db8::5", "2001:db8::5"),
        (None, "192.0.2.1", None),
        ("testclient", None, None),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(
    peer: str | None, forwarded: str | None, client: str | None
) -> None:
    found = client_address(peer, forwarded, TRUSTED)

    assert found == (ipaddress.ip_address(client) if client else None)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"allowlist": ["10.0.0.0/33"]}, "allowlist: '10.0.0.0/33' is not an IP address"),
        ({"trusted_proxies": ["proxy.local"]}, "trusted_proxies: 'proxy.local'"),
        ({"max_body_bytes": 0}, "max_body_bytes must be at least 1"),
        ({"timestamp_tolerance": 0}, "timestamp_tolerance must be positive"),
    ],
)
def test_unusable_options_are_refused_when_the_app_is_configured(
    options: dict[str, object], problem: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        WebOptions.parse(**options)  # type: ignore[arg-type]

    assert problem in caught.value.message
