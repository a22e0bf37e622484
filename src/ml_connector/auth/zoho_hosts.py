"""Zoho data centres: where each one's accounts server and API domain are.

The API domain to use is the one the token response names (``api_domain``); this table is the
starting point and the fallback. Canada's accounts server is ``zohocloud.ca``, not ``zoho.ca``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ml_connector.errors import ConfigError

__all__ = ["DATA_CENTRES", "ZohoHosts", "zoho_hosts"]


@dataclass(frozen=True)
class ZohoHosts:
    """One data centre's accounts server and API domain (no trailing slash)."""

    accounts_url: str
    api_domain: str


DATA_CENTRES = {
    "com": ZohoHosts("https://accounts.zoho.com", "https://www.zohoapis.com"),
    "eu": ZohoHosts("https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    "in": ZohoHosts("https://accounts.zoho.in", "https://www.zohoapis.in"),
    "com.au": ZohoHosts("https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    "jp": ZohoHosts("https://accounts.zoho.jp", "https://www.zohoapis.jp"),
    "ca": ZohoHosts("https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    "com.cn": ZohoHosts("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    "sa": ZohoHosts("https://accounts.zoho.sa", "https://www.zohoapis.sa"),
}


def zoho_hosts(
    dc: str, *, accounts_url: str | None = None, api_domain: str | None = None
) -> ZohoHosts:
    """The hosts of data centre ``dc``, with any override (sandbox, private deployment)."""
    try:
        hosts = DATA_CENTRES[dc]
    except KeyError:
        valid = ", ".join(DATA_CENTRES)
        raise ConfigError(f"unknown Zoho data centre {dc!r}; valid: {valid}") from None
    return ZohoHosts(
        (accounts_url or hosts.accounts_url).rstrip("/"),
        (api_domain or hosts.api_domain).rstrip("/"),
    )
