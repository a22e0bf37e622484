"""Signing in with the admin token, and out again."""

from __future__ import annotations

import logging
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ml_connector.web.dashboard.guard import (
    base_path,
    forbidden,
    signed_in,
    tokens_match,
    valid_csrf,
)
from ml_connector.web.dashboard.rendering import Renderer

__all__ = ["Login"]

logger = logging.getLogger(__name__)


class Login:
    """The sign-in form; a right token starts a fresh session, a wrong one starts nothing."""

    def __init__(self, admin_token: str, renderer: Renderer) -> None:
        self._token = admin_token
        self.renderer = renderer

    async def form(self, request: Request) -> Response:
        """The form, which gives this browser its CSRF token (signed in: the page asked for)."""
        wanted = _next(request, request.query_params.get("next"))
        if signed_in(request):
            return RedirectResponse(wanted, status_code=303)
        return self.renderer.page(request, "login.html", {"next": wanted})

    async def submit(self, request: Request) -> Response:
        """Compare the token in constant time; on success, a new session with a new CSRF token."""
        if not await valid_csrf(request):
            return forbidden(request, "missing or wrong form token")
        form = await request.form()
        given, wanted = form.get("token"), _next(request, form.get("next"))
        if not isinstance(given, str) or not tokens_match(given, self._token):
            peer = request.client.host if request.client else None
            logger.warning("dashboard sign-in refused", extra={"peer": peer})
            context = {"next": wanted, "error": "That is not the admin token."}
            return self.renderer.page(request, "login.html", context, status_code=401)
        request.session.clear()
        request.session.update(admin=True, csrf=secrets.token_urlsafe(32))
        return RedirectResponse(wanted, status_code=303)

    async def logout(self, request: Request) -> Response:
        """End the session (the guard has checked the CSRF token)."""
        request.session.clear()
        return RedirectResponse(f"{base_path(request)}/login", status_code=303)


def _next(request: Request, wanted: object) -> str:
    """Where to go after signing in: a dashboard page, never another site."""
    home = f"{base_path(request)}/"
    if isinstance(wanted, str) and wanted.startswith(home) and "//" not in wanted:
        return wanted
    return home
