"""The Zoho Accounts server: the token endpoint and revocation, with Zoho's error bodies.

Zoho answers most token errors with HTTP 200 and an ``error`` key (clients must look for
``access_token``, not at the status), and the mint throttle with HTTP 400 "Access Denied".
"""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .responses import Json, json_response
from .tokens import AccessToken, RefreshToken, ThrottledError, TokenAuthority

__all__ = ["accounts_routes"]

THROTTLED_BODY: Json = {
    "error_description": (
        "You have made too many requests continuously. Please try again after some time."
    ),
    "error": "Access Denied",
    "status": "failure",
}


def _error(error: str) -> Response:
    # Zoho's documented token errors arrive with HTTP 200.
    return json_response({"error": error})


async def _params(request: Request) -> dict[str, str]:
    """Zoho's docs put the parameters in the query; its SDK sends a form. Both are accepted."""
    params = dict(request.query_params)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _api_domain(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _token_body(token: AccessToken, request: Request, ttl: float) -> Json:
    return {
        "access_token": token.value,
        "api_domain": _api_domain(request),
        "token_type": "Bearer",
        "expires_in": math.ceil(ttl),
    }


class TokenEndpoint:
    """``POST /oauth/v2/token`` for the refresh-token and authorization-code grants."""

    def __init__(self, authority: TokenAuthority) -> None:
        self.authority = authority

    async def handle(self, request: Request) -> Response:
        params = await _params(request)
        client_check = self.authority.client_ok(
            params.get("client_id", ""), params.get("client_secret", "")
        )
        grant_type = params.get("grant_type")
        if grant_type not in ("refresh_token", "authorization_code"):
            return _error("unsupported_grant_type")
        if client_check is None:
            return _error("invalid_client")
        if not client_check:
            return _error("invalid_client_secret")
        if grant_type == "refresh_token":
            return self._refresh(request, params)
        return self._exchange(request, params)

    def _refresh(self, request: Request, params: dict[str, str]) -> Response:
        refresh = self.authority.refresh_tokens.get(params.get("refresh_token", ""))
        if refresh is None or refresh.client_id != params["client_id"]:
            return _error("invalid_code")
        return self._mint(request, refresh, {})

    def _exchange(self, request: Request, params: dict[str, str]) -> Response:
        grant = self.authority.redeem_grant_code(params.get("code", ""), params["client_id"])
        if grant is None:
            return _error("invalid_code")
        if grant.redirect_uri is not None and params.get("redirect_uri") != grant.redirect_uri:
            return _error("invalid_redirect_uri")
        value = self.authority.issue_refresh_token(grant.client_id, grant.scope)
        refresh = self.authority.refresh_tokens[value]
        extra: Json = {"scope": grant.scope}
        if grant.offline:  # only access_type=offline consents come with a refresh token
            extra["refresh_token"] = value
        return self._mint(request, refresh, extra)

    def _mint(self, request: Request, refresh: RefreshToken, extra: Json) -> Response:
        try:
            token = self.authority.mint(refresh)
        except ThrottledError:
            return json_response(THROTTLED_BODY, 400)
        return json_response(_token_body(token, request, self.authority.token_ttl) | extra)


class RevokeEndpoint:
    """``POST /oauth/v2/token/revoke?token=…``: the SDK treats ``status: success`` as done."""

    def __init__(self, authority: TokenAuthority) -> None:
        self.authority = authority

    async def handle(self, request: Request) -> Response:
        params = await _params(request)
        if not self.authority.revoke(params.get("token", "")):
            return json_response({"error": "invalid_token", "status": "failure"}, 400)
        return json_response({"status": "success"})


def accounts_routes(authority: TokenAuthority) -> list[Route]:
    """The accounts server's routes, mounted on the same app as the CRM API."""
    return [
        Route("/oauth/v2/token", TokenEndpoint(authority).handle, methods=["POST"]),
        Route("/oauth/v2/token/revoke", RevokeEndpoint(authority).handle, methods=["POST"]),
    ]
