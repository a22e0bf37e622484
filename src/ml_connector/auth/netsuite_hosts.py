"""NetSuite account ids and the hosts they live on.

The REST host is the account id in lower case with ``_`` turned into ``-``
(``1234567_SB1`` → ``1234567-sb1.suitetalk.api.netsuite.com``), as every client library does;
TBA's realm keeps the id as written. A connection may override the base URL (the simulator, a
proxy), in which case the token audience still names the real token URL of that base.
"""

from __future__ import annotations

__all__ = ["account_slug", "authorize_url", "rest_base_url", "token_url"]

TOKEN_PATH = "/services/rest/auth/oauth2/v1/token"  # noqa: S105 - a URL path, not a secret


def account_slug(account_id: str) -> str:
    """``1234567_SB1`` → ``1234567-sb1``."""
    return account_id.strip().lower().replace("_", "-")


def rest_base_url(account_id: str, override: str | None = None) -> str:
    """Where the account's REST web services answer (no trailing slash)."""
    if override:
        return override.rstrip("/")
    return f"https://{account_slug(account_id)}.suitetalk.api.netsuite.com"


def token_url(account_id: str, override: str | None = None) -> str:
    """The OAuth 2.0 token endpoint, which is also the JWT assertion's audience."""
    return rest_base_url(account_id, override) + TOKEN_PATH


def authorize_url(account_id: str, override: str | None = None) -> str:
    """The authorization-code flow's login page (the UI host, not the REST one)."""
    if override:
        return override.rstrip("/") + "/app/login/oauth2/authorize.nl"
    return f"https://{account_slug(account_id)}.app.netsuite.com/app/login/oauth2/authorize.nl"
