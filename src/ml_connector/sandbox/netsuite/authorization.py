"""The OAuth 2.0 authorization code grant with PKCE (reference §1.3).

``GET /app/login/oauth2/authorize.nl`` stands in for the consent page: the simulated user always
approves, so the browser is redirected at once with ``code``, ``state``, ``role``, ``entity`` and
``company``. What NetSuite checks is checked: a registered redirect URI (https or a custom scheme,
never http), known scopes, a ``state`` of 22 to 1024 printable characters and PKCE with S256
(``plain`` has been refused since 2020.2). The token exchange requires Basic client
authentication, the same redirect URI and the matching ``code_verifier``; codes are single-use.
Refresh tokens of this confidential client last seven days and are not rotated: a refresh
answers only ``access_token``, ``expires_in`` and ``token_type``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from urllib.parse import urlencode, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.problems import oauth_error
from ml_connector.sandbox.netsuite.scopes import parse_scopes

__all__ = ["AUTHORIZE_PATH", "CodeGrant", "authorize", "pkce_challenge", "redirect_uri_allowed"]

AUTHORIZE_PATH = "/app/login/oauth2/authorize.nl"
_STATE = re.compile(r"^[\x20-\x7e]{22,1024}$")
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
# The simulated user: Administrator role (3) of the sandbox administrator employee (-5).
_ROLE, _ENTITY = "3", "-5"


def pkce_challenge(verifier: str) -> str:
    """The S256 code challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def redirect_uri_allowed(uri: str) -> bool:
    """NetSuite accepts https or a custom scheme for redirect URIs, never plain http."""
    scheme = urlsplit(uri).scheme.lower()
    return bool(scheme) and scheme != "http"


def _redirect(uri: str, **params: str) -> RedirectResponse:
    separator = "&" if urlsplit(uri).query else "?"
    return RedirectResponse(f"{uri}{separator}{urlencode(params)}", status_code=302)


def _authorize_error(query: dict[str, str]) -> str | None:
    if query.get("response_type") != "code":
        return "unsupported_response_type"
    if parse_scopes(query.get("scope", ""), separators=" +") is None:
        return "invalid_scope"
    if not _STATE.match(query.get("state", "")):
        return "invalid_request"
    if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
        return "invalid_request"
    return None


def authorize(account: Account, request: Request) -> Response:
    """The consent step, auto-approved: redirect with a code, or with ``error=…``."""
    query = dict(request.query_params)
    uri = query.get("redirect_uri", "")
    if query.get("client_id") != account.integration.client_id or uri not in account.redirect_uris:
        return oauth_error("invalid_request")
    error = _authorize_error(query)
    if error is not None:
        return _redirect(uri, error=error, state=query.get("state", ""))
    code = account.tokens.issue_code(
        client_id=query["client_id"], redirect_uri=uri, scope=query["scope"],
        code_challenge=query["code_challenge"],
    )  # fmt: skip
    return _redirect(
        uri, state=query["state"], role=_ROLE, entity=_ENTITY, company=account.account_id, code=code
    )


def _basic_client(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


class CodeGrant:
    """Token exchange and refresh for the authorization code flow."""

    def __init__(self, account: Account) -> None:
        self._account = account

    def _client_ok(self, request: Request) -> bool:
        client = _basic_client(request)
        integration = self._account.integration
        return client is not None and (
            hmac.compare_digest(client[0], integration.client_id)
            and hmac.compare_digest(client[1], integration.client_secret)
        )

    def _invalid_client(self) -> Response:
        return oauth_error("invalid_client", 401, account_id=self._account.account_id)

    def exchange(self, form: FormData, request: Request) -> Response:
        """``grant_type=authorization_code``: code + redirect URI + PKCE verifier → tokens."""
        code, uri, verifier = (form.get(k) for k in ("code", "redirect_uri", "code_verifier"))
        if not all(isinstance(v, str) and v for v in (code, uri, verifier)):
            return oauth_error("invalid_request")
        if not self._client_ok(request):
            return self._invalid_client()
        bound = self._account.tokens.redeem_code(str(code))
        if bound is None or bound.redirect_uri != uri or not _VERIFIER.match(str(verifier)):
            return oauth_error("invalid_grant")
        if not hmac.compare_digest(pkce_challenge(str(verifier)), bound.code_challenge):
            return oauth_error("invalid_grant")
        scopes = parse_scopes(bound.scope, separators=" +") or frozenset()
        return self._tokens(scopes, with_refresh=True)

    def refresh(self, form: FormData, request: Request) -> Response:
        """``grant_type=refresh_token``: a new access token; the refresh token stays the same."""
        token = form.get("refresh_token")
        if not isinstance(token, str) or not token:
            return oauth_error("invalid_request")
        if not self._client_ok(request):
            return self._invalid_client()
        scopes = self._account.tokens.refresh_scopes(token)
        if scopes is None:
            return oauth_error("invalid_grant")
        return self._tokens(scopes, with_refresh=False)

    def _tokens(self, scopes: frozenset[str], *, with_refresh: bool) -> Response:
        tokens = self._account.tokens
        body: dict[str, object] = {"access_token": tokens.issue_access(scopes)}
        if with_refresh:
            body["refresh_token"] = tokens.issue_refresh(scopes)
        body["expires_in"] = max(1, round(tokens.ttl))
        body["token_type"] = "bearer"  # noqa: S105 - the documented value, not a secret
        return JSONResponse(body)
