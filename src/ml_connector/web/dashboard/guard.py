"""Who may see the dashboard: the admin token at sign-in, a signed session, a CSRF token per form.

The session lives in a signed cookie (HttpOnly, SameSite=Strict, scoped to the dashboard), so
every web process behind a load balancer accepts it without shared state. Its signing key is
derived from the admin token: every process derives the same key, and a new admin token ends
every session at once. Each session carries a random CSRF token that every form echoes and every
POST must return; SameSite=Strict already keeps other sites' forms from carrying the cookie,
the token also covers browsers that ignore it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

__all__ = [
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "SESSION_SECONDS",
    "Endpoint",
    "base_path",
    "csrf_token",
    "forbidden",
    "protected",
    "session_key",
    "signed_in",
    "tokens_match",
    "valid_csrf",
]

logger = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]

SESSION_COOKIE = "ml_connector_dashboard"
SESSION_SECONDS = 8 * 3600
CSRF_FIELD = "csrf_token"
_SESSION_CONTEXT = b"ml-connector dashboard session v1"


def session_key(admin_token: str) -> str:
    """The cookie signing key, derived from the admin token (never the token itself)."""
    return hmac.new(admin_token.encode(), _SESSION_CONTEXT, hashlib.sha256).hexdigest()


def tokens_match(given: str, expected: str) -> bool:
    """Constant-time equality that leaks neither content nor length (digests are compared)."""
    digest = hashlib.sha256
    return hmac.compare_digest(digest(given.encode()).digest(), digest(expected.encode()).digest())


def base_path(request: Request) -> str:
    """Where the dashboard is mounted (``/dashboard``, behind any proxy prefix)."""
    return str(request.scope.get("root_path", ""))


def signed_in(request: Request) -> bool:
    """Whether this session signed in with the admin token."""
    return request.session.get("admin") is True


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


async def valid_csrf(request: Request) -> bool:
    """Whether the posted form carries this session's CSRF token."""
    sent = (await request.form()).get(CSRF_FIELD)
    expected = request.session.get("csrf")
    return isinstance(sent, str) and isinstance(expected, str) and tokens_match(sent, expected)


def forbidden(request: Request, why: str) -> Response:
    """403, logged with the path (never the form's content)."""
    logger.warning("dashboard request refused", extra={"path": request.url.path, "reason": why})
    return PlainTextResponse(f"Refused: {why}. Reload the page and try again.", 403)


def protected(handler: Endpoint) -> Endpoint:
    """``handler`` for signed-in sessions only; a POST must also carry the CSRF token."""

    async def guarded(request: Request) -> Response:
        if not signed_in(request):
            if request.method != "GET":
                return forbidden(request, "not signed in")
            wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            target = f"{base_path(request)}/login?{urlencode({'next': wanted})}"
            return RedirectResponse(target, status_code=303)
        if request.method == "POST" and not await valid_csrf(request):
            return forbidden(request, "missing or wrong form token")
        return await handler(request)

    return guarded
