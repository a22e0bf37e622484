"""Authentication of REST web services calls: a live bearer token or a valid TBA signature.

Every failure answers the same 401 ``INVALID_LOGIN`` body (reference §1.5, pitfall 3): an expired
token, a token without the ``rest_webservices`` scope, a bad TBA signature, a reused nonce, a
lower-case realm or a stray ``Cookie`` header all look identical to the client.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.problems import invalid_login
from ml_connector.sandbox.netsuite.scopes import REST_SCOPE

__all__ = ["REST_WEBSERVICES", "authenticate"]

REST_WEBSERVICES = "REST_WEBSERVICES"


def _bearer_ok(account: Account, credentials: str) -> bool:
    scopes = account.tokens.access_scopes(credentials.strip())
    return scopes is not None and REST_SCOPE in scopes


def _tba_ok(account: Account, request: Request, header: str) -> bool:
    url = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
    query = list(request.query_params.multi_items())
    return account.tba.verify(header, request.method, url, query)


def authenticate(account: Account, request: Request) -> Response | None:
    """``None`` when the caller is our integration, else the 401 NetSuite would answer."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "oauth":
        if "cookie" in request.headers or not _tba_ok(account, request, header):
            return invalid_login(account.account_id, scheme="OAuth")
        return None
    if "cookie" in request.headers or scheme.lower() != "bearer":
        return invalid_login(account.account_id)
    if not _bearer_ok(account, credentials):
        return invalid_login(account.account_id)
    return None
