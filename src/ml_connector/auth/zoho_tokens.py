"""Zoho's accounts server: the refresh-token grant and the grant-code exchange.

Zoho reports most token errors with HTTP 200 and an ``error`` key, so success is the presence of
``access_token``, not the status. Its throttle (at most 10 access tokens per refresh token per
10 minutes, answered "Access Denied … too many requests continuously") means *wait*, and every
retry inside the window prolongs it: it becomes a RetryableError carrying a cool-down, never a
re-authorization.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ml_connector.auth.token import Grant, Token
from ml_connector.auth.zoho_hosts import ZohoHosts
from ml_connector.errors import AuthError, PermanentError, RetryableError
from ml_connector.rest import json_object, raise_for_verdict

__all__ = ["THROTTLE_COOL_DOWN", "ZohoThrottledError", "ZohoTokenEndpoint"]

THROTTLE_COOL_DOWN = 600.0
SYSTEM = "Zoho"
_REAUTH = "run `ml-connector auth zoho CONNECTION` to grant access again"
_ERRORS = {
    "invalid_code": (
        "the refresh token is invalid or revoked, or belongs to another data centre",
        _REAUTH + "; check zoho.dc if the token was made in another data centre",
        True,
    ),
    "invalid_client": (
        "the client id is unknown to this data centre",
        "check zoho.client_id and zoho.dc (the client lives in one data centre)",
        False,
    ),
    "invalid_client_secret": (
        "the client secret is wrong",
        "copy the client secret again from the Zoho API console into the connection file",
        False,
    ),
    "invalid_redirect_uri": (
        "the redirect URI does not match the one registered for the client",
        "register the redirect URI shown by `ml-connector auth zoho` in the API console",
        False,
    ),
}
# For a grant code, invalid_code means the code (not a refresh token) is wrong, used or expired.
_EXCHANGE_ERRORS = {
    **_ERRORS,
    "invalid_code": (
        "the grant code is wrong, already used or expired (codes live a few minutes)",
        "generate a new code (API console → Self Client, or the browser flow) and exchange it "
        "at once; check zoho.dc if the code was made in another data centre",
        False,
    ),
}


class ZohoThrottledError(RetryableError):
    """Zoho refuses to mint tokens for a while; the connection is healthy, just wait."""

    def __init__(self) -> None:
        super().__init__(
            "Zoho is throttling token requests (at most 10 per refresh token per 10 minutes)",
            retry_after=THROTTLE_COOL_DOWN,
        )


class ZohoTokenEndpoint:
    """Token requests to one Zoho data centre's accounts server for one client."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        hosts: ZohoHosts,
        *,
        client_id: str,
        client_secret: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._hosts = hosts
        self._client = {"client_id": client_id, "client_secret": client_secret}
        self._clock = clock

    async def refresh(self, refresh_token: str) -> Token:
        """A new access token from the long-lived refresh token."""
        body = await self._post({"grant_type": "refresh_token", "refresh_token": refresh_token})
        return self._token(body)

    async def exchange(self, code: str, redirect_uri: str | None = None) -> Grant:
        """Trade a one-time grant code (self-client or redirect flow) for tokens."""
        form = {"grant_type": "authorization_code", "code": code}
        if redirect_uri:
            form["redirect_uri"] = redirect_uri
        body = await self._post(form, _EXCHANGE_ERRORS)
        if "refresh_token" not in body:
            raise AuthError(
                SYSTEM,
                "the grant gave no refresh token",
                hint="grant again with access_type=offline (and prompt=consent)",
            )
        return Grant(self._token(body), str(body["refresh_token"]))

    async def _post(
        self, form: dict[str, str], errors: dict[str, tuple[str, str, bool]] = _ERRORS
    ) -> dict[str, Any]:
        response = await self._http.post(
            self._hosts.accounts_url + "/oauth/v2/token", data={**form, **self._client}
        )
        body = json_object(response)
        if "access_token" in body:
            return body
        if _throttled(body):
            raise ZohoThrottledError
        raise_for_verdict(response, system=SYSTEM)
        raise _error(str(body.get("error", "")), errors)

    def _token(self, body: dict[str, Any]) -> Token:
        seconds = float(body.get("expires_in", 3600))
        if "expires_in_sec" in body:  # older answers gave milliseconds in expires_in
            seconds = float(body["expires_in_sec"])
        now = datetime.fromtimestamp(self._clock(), UTC)
        return Token(
            access_token=str(body["access_token"]),
            expires_at=now + timedelta(seconds=seconds),
            api_domain=str(body.get("api_domain") or self._hosts.api_domain).rstrip("/"),
        )


def _throttled(body: dict[str, Any]) -> bool:
    text = f"{body.get('error', '')} {body.get('error_description', '')}".lower()
    return "too many requests" in text or body.get("error") == "Access Denied"


def _error(code: str, errors: dict[str, tuple[str, str, bool]]) -> Exception:
    if code in errors:
        reason, hint, reauthorize = errors[code]
        return AuthError(SYSTEM, reason, hint=hint, reauthorize=reauthorize)
    return PermanentError(f"Zoho's token endpoint answered {code or 'without a token'}", code=code)
