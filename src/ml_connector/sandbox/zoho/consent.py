"""Zoho's consent page (``GET /oauth/v2/auth``), approved at once by a simulated user.

What Zoho checks is checked: a known client, a redirect URI registered for it (registered here
through the control API, as in the API console), ``response_type=code`` and a scope. The
browser is sent back with ``code``, ``state``, ``location`` and ``accounts-server``, as Zoho's
multi-DC redirect does; only ``access_type=offline`` consents yield a refresh token later.
An unknown client or an unregistered redirect URI gets an error page, not a redirect, because
Zoho will not send a browser to an address it does not trust.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from .tokens import TokenAuthority

__all__ = ["consent_routes"]


def _back(uri: str, **params: str) -> RedirectResponse:
    separator = "&" if urlsplit(uri).query else "?"
    return RedirectResponse(f"{uri}{separator}{urlencode(params)}", status_code=302)


class ConsentPage:
    """The consent step, auto-approved."""

    def __init__(self, authority: TokenAuthority) -> None:
        self.authority = authority

    async def handle(self, request: Request) -> Response:
        query = dict(request.query_params)
        client_id, uri = query.get("client_id", ""), query.get("redirect_uri", "")
        if client_id not in self.authority.clients:
            return PlainTextResponse("Invalid Client", status_code=400)
        if uri not in self.authority.redirect_uris.get(client_id, set()):
            return PlainTextResponse("Invalid Redirect Uri", status_code=400)
        state = query.get("state", "")
        if query.get("response_type") != "code":
            return _back(uri, error="unsupported_response_type", state=state)
        if not query.get("scope"):
            return _back(uri, error="invalid_scope", state=state)
        code = self.authority.issue_grant_code(
            client_id,
            query["scope"],
            redirect_uri=uri,
            offline=query.get("access_type") == "offline",
        )
        server = str(request.base_url).rstrip("/")
        return _back(uri, state=state, code=code, location="us", **{"accounts-server": server})


def consent_routes(authority: TokenAuthority) -> list[Route]:
    """The consent page's route, on the accounts server."""
    return [Route("/oauth/v2/auth", ConsentPage(authority).handle, methods=["GET"])]
