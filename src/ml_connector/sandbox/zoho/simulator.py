"""``ZohoSimulator``: one ASGI app serving the Zoho accounts server, CRM API v8 and control API.

Accounts (``/oauth/v2/token…``) and CRM (``/crm/v8/…``) share one app, so ``accounts_url`` and
``api_domain`` can be the same loopback base URL. Calls pass, outermost first: the call counter,
the CRM gate (401, then 429 for concurrency, heavy calls and credits), injected faults and
latency, then the routes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from .accounts import accounts_routes
from .consent import consent_routes
from .control_routes import control_routes
from .faults import CallCounter, FaultMiddleware
from .gate import CrmGate
from .limits import CONCURRENCY
from .record_routes import record_routes
from .responses import crm_error
from .settings_routes import settings_routes
from .state import OrgState
from .tokens import SELF_CLIENT_SCOPE
from .watch_routes import watch_routes

__all__ = ["ZohoSimulator"]


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths and wrong methods get Zoho's JSON errors, never Starlette's plain text."""
    if isinstance(exc, HTTPException) and exc.status_code == 405:
        message = "The http request method type is not a valid one"
        return crm_error(400, "INVALID_REQUEST_METHOD", message)
    message = "Please check if the URL trying to access is a correct one"
    return crm_error(404, "INVALID_URL_PATTERN", message)


class ZohoSimulator:
    """A faithful, in-memory Zoho CRM org with a pre-registered self-client.

    Every limit that depends on time reads ``clock``, so tests advance a fake clock instead of
    sleeping; ``seed`` makes ids and probabilistic faults repeatable.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        latency_ms: int = 0,
        edition: str = "enterprise",
        token_ttl: float = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if edition not in CONCURRENCY:
            raise ValueError(f"unknown edition {edition!r}; valid: {', '.join(CONCURRENCY)}")
        self.org = OrgState.create(
            seed=seed, clock=clock, edition=edition, token_ttl=token_ttl, latency_ms=latency_ms
        )
        authority = self.org.authority
        self.client_id, self.client_secret = authority.register_client()
        self.refresh_token = authority.issue_refresh_token(self.client_id, SELF_CLIENT_SCOPE)
        self.app: ASGIApp = self._build()

    @property
    def edition(self) -> str:
        """The org's edition; setting it changes concurrency and the credit budget."""
        return self.org.edition

    @edition.setter
    def edition(self, edition: str) -> None:
        if edition not in CONCURRENCY:
            raise ValueError(f"unknown edition {edition!r}; valid: {', '.join(CONCURRENCY)}")
        self.org.set_edition(edition)

    def credentials(self, base_url: str) -> dict[str, str]:
        """What ``connection add --config`` needs to reach this simulator at ``base_url``."""
        base = base_url.rstrip("/")
        return {
            "accounts_url": base,
            "api_domain": base,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.refresh_token,
            "dc": "com",
        }

    def control_url(self, base_url: str) -> str:
        """Where the control API lives for a simulator served at ``base_url``."""
        return base_url.rstrip("/") + "/_sandbox"

    def _build(self) -> Starlette:
        org = self.org
        routes = [
            *accounts_routes(org.authority),
            *consent_routes(org.authority),
            *settings_routes(org),
            *watch_routes(org),
            *record_routes(org),
            *control_routes(org),
        ]
        middleware = [
            Middleware(CallCounter, counters=org.counters),
            Middleware(
                CrmGate,
                authority=org.authority,
                in_flight=lambda: org.in_flight,
                credits=lambda: org.credits,
            ),
            Middleware(FaultMiddleware, plan=org.faults),
        ]
        return Starlette(
            routes=routes,
            middleware=middleware,
            exception_handlers={HTTPException: _http_error},
        )
