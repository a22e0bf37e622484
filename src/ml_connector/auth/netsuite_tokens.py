"""NetSuite's OAuth 2.0 token endpoint: client credentials (M2M), code exchange, refresh.

NetSuite's token errors are a bare ``{"error": …}`` and every cause of a rejected assertion is
the same ``invalid_grant``, so the message lists what to check, and the one cause we *can* see
from here, a clock that disagrees with NetSuite's ``Date`` header, is named with its size.
"""

from __future__ import annotations

import base64
import email.utils
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from ml_connector.auth.assertion import AssertionSigner
from ml_connector.auth.token import Grant, Token
from ml_connector.errors import AuthError, PermanentError
from ml_connector.rest import json_object, raise_for_verdict

__all__ = ["REFRESH_LIFETIME", "NetSuiteTokenEndpoint"]

SYSTEM = "NetSuite"
REFRESH_LIFETIME = timedelta(days=7)
MAX_SKEW = 60.0
_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_M2M_CHECKS = (
    "check netsuite.certificate_id (the id NetSuite showed when the certificate was mapped), "
    "that private_key_pem matches that certificate, and netsuite.client_id"
)
_CODE_CHECKS = "run `ml-connector auth netsuite CONNECTION --flow code` to authorize again"


class NetSuiteTokenEndpoint:
    """Token requests to one NetSuite account's token endpoint."""

    def __init__(
        self, http: httpx.AsyncClient, token_url: str, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._http = http
        self._url = token_url
        self._clock = clock

    async def client_credentials(self, signer: AssertionSigner) -> Token:
        """An access token for a freshly signed assertion (M2M has no refresh token)."""
        form = {
            "grant_type": "client_credentials",
            "client_assertion_type": _ASSERTION_TYPE,
            "client_assertion": signer.sign(),
        }
        body = await self._post(form, checks=_M2M_CHECKS, reauthorize=False)
        return self._token(body)

    async def exchange_code(
        self, code: str, *, redirect_uri: str, verifier: str, client_id: str, secret: str | None
    ) -> Grant:
        """Trade an authorization code (with its PKCE verifier) for tokens."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        body = await self._post(form, checks=_CODE_CHECKS, client=(client_id, secret))
        now = self._now()
        return Grant(self._token(body), str(body["refresh_token"]), now + REFRESH_LIFETIME)

    async def refresh(self, refresh_token: str, *, client_id: str, secret: str | None) -> Token:
        """A new access token from the (non-rotating, 7-day) refresh token."""
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        body = await self._post(form, checks=_CODE_CHECKS, client=(client_id, secret))
        return self._token(body)

    async def _post(
        self,
        form: dict[str, str],
        *,
        checks: str,
        client: tuple[str, str | None] | None = None,
        reauthorize: bool = True,
    ) -> dict[str, Any]:
        headers = {}
        if client is not None:
            client_id, secret = client
            if secret:
                pair = f"{client_id}:{secret}".encode()
                headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
            else:
                form = {**form, "client_id": client_id}
        response = await self._http.post(self._url, data=form, headers=headers)
        body = json_object(response)
        if response.is_success and "access_token" in body:
            return body
        if response.status_code >= 500 or response.status_code == 429:
            raise_for_verdict(response, system=SYSTEM)
        raise self._error(response, str(body.get("error", "")), checks, reauthorize)

    def _error(
        self, response: httpx.Response, code: str, checks: str, reauthorize: bool
    ) -> Exception:
        skew = self._skew(response)
        if skew is not None and abs(skew) > MAX_SKEW:
            return AuthError(
                SYSTEM,
                f"{code or 'rejected'}: this machine's clock is {skew:+.0f} s off NetSuite's",
                hint="synchronise the clock (NTP); assertions are only valid near NetSuite's time",
                reauthorize=False,
            )
        if code == "invalid_client":
            return AuthError(
                SYSTEM,
                "invalid_client: the client id or secret is wrong",
                hint="check netsuite.client_id and netsuite.client_secret",
                reauthorize=False,
            )
        if code == "invalid_grant":
            return AuthError(
                SYSTEM, "invalid_grant", hint=checks, reauthorize=checks is _CODE_CHECKS
            )
        if code in ("invalid_request", "invalid_scope", "unauthorized_client"):
            return AuthError(SYSTEM, code, hint=checks, reauthorize=False)
        return PermanentError(f"NetSuite's token endpoint answered {response.status_code} {code}")

    def _skew(self, response: httpx.Response) -> float | None:
        date = response.headers.get("Date")
        if not date:
            return None
        try:
            server = email.utils.parsedate_to_datetime(date)
        except (TypeError, ValueError):
            return None
        return (self._now() - server).total_seconds()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _token(self, body: dict[str, Any]) -> Token:
        seconds = float(body.get("expires_in", 3600))
        return Token(str(body["access_token"]), self._now() + timedelta(seconds=seconds))
