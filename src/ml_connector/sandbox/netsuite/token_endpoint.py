"""``POST /services/rest/auth/oauth2/v1/token``: the three grants NetSuite's token endpoint serves.

- ``client_credentials`` with a JWT client assertion (M2M, reference §1.2): no refresh token.
- ``authorization_code`` with PKCE S256 and ``refresh_token`` (reference §1.3), delegated to
  :mod:`.authorization`.

The body must be ``application/x-www-form-urlencoded``; errors are ``{"error": …}``.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.assertion import RejectedAssertionError, verify_assertion
from ml_connector.sandbox.netsuite.authorization import CodeGrant
from ml_connector.sandbox.netsuite.problems import oauth_error

__all__ = ["JWT_BEARER", "TokenEndpoint", "access_token_body"]

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def access_token_body(account: Account, token: str) -> dict[str, object]:
    """The documented success body; ``expires_in`` reports the configured lifetime."""
    expires_in = max(1, round(account.tokens.ttl))
    return {"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}


class TokenEndpoint:
    """Dispatches on ``grant_type`` after checking the request is a form post."""

    def __init__(self, account: Account) -> None:
        self._account = account
        self._codes = CodeGrant(account)

    async def handle(self, request: Request) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return oauth_error("invalid_request")
        form = await request.form()
        grant = form.get("grant_type")
        if grant == "client_credentials":
            return self._client_credentials(form, request)
        if grant == "authorization_code":
            return self._codes.exchange(form, request)
        if grant == "refresh_token":
            return self._codes.refresh(form, request)
        return oauth_error("unsupported_grant_type" if grant else "invalid_request")

    def _client_credentials(self, form: FormData, request: Request) -> Response:
        assertion = form.get("client_assertion")
        if form.get("client_assertion_type") != JWT_BEARER or not isinstance(assertion, str):
            return oauth_error("invalid_request")
        audiences = self._account.token_urls() | {str(request.url.replace(query=""))}
        try:
            verified = verify_assertion(
                assertion,
                integration=self._account.integration,
                audiences=audiences,
                now=self._account.clock(),
            )
        except RejectedAssertionError as rejected:
            return oauth_error(rejected.error)
        token = self._account.tokens.issue_access(verified.scopes)
        return JSONResponse(access_token_body(self._account, token))
