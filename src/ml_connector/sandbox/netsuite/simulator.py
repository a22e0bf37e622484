"""The NetSuite simulator: one account's REST web services, OAuth endpoints and control API.

Built from the reference (``reference/netsuite.md``) and its simulator checklist, and from none of
the connector's client code, so the two can disagree. Besides what our connector uses (tokens,
SuiteQL, single records) it serves what other NetSuite clients use, record-collection listing
with ``q`` filters and the metadata catalog, so they can run against the same data unchanged.
Behind a TLS-terminating proxy on loopback it honours ``X-Forwarded-Proto``/``-Host``.

Run it in-process as an ASGI app (tests), or on loopback with
``ml_connector.sandbox.server.serving`` (real sockets, real resets).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC
from zoneinfo import ZoneInfo

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ml_connector.sandbox.netsuite.account import Account, Settings
from ml_connector.sandbox.netsuite.authorization import AUTHORIZE_PATH, authorize
from ml_connector.sandbox.netsuite.control import CONTROL_PREFIX, control_routes
from ml_connector.sandbox.netsuite.database import Database
from ml_connector.sandbox.netsuite.events import EventEmitter
from ml_connector.sandbox.netsuite.faults import FaultPlan
from ml_connector.sandbox.netsuite.forwarding import TrustedProxy
from ml_connector.sandbox.netsuite.gate import TOKEN_PATH, Gate
from ml_connector.sandbox.netsuite.generator import generate, seed_reference_data
from ml_connector.sandbox.netsuite.guard import authenticate
from ml_connector.sandbox.netsuite.integration import IntegrationRecord, new_integration
from ml_connector.sandbox.netsuite.metadata_catalog import MetadataCatalog
from ml_connector.sandbox.netsuite.query_endpoint import QueryEndpoint
from ml_connector.sandbox.netsuite.record_endpoint import RecordEndpoint
from ml_connector.sandbox.netsuite.suiteql import install_functions
from ml_connector.sandbox.netsuite.tba import TbaVerifier
from ml_connector.sandbox.netsuite.token_endpoint import TokenEndpoint
from ml_connector.sandbox.netsuite.tokens import TokenStore

__all__ = ["NetSuiteSimulator"]

RECORD_PATH = "/services/rest/record/v1"


class NetSuiteSimulator:
    """One simulated NetSuite account; ``.app`` is the ASGI app to serve.

    ``records`` entities are generated from ``seed`` at start (the seed also drives fault
    probabilities). ``concurrency`` is the account's pool, ``latency_ms`` is added to every call,
    ``token_ttl`` is the bearer lifetime, and ``clock`` is what every expiry is measured with,
    so tests move time instead of sleeping. ``private_key_pem`` replaces the process-wide RSA
    key handed out for M2M; ``redirect_uris`` are registered for the authorization code flow
    besides ``https://127.0.0.1/netsuite/oauth2callback``; ``webhook_transport`` lets change
    events be delivered in-process (e.g. ``httpx.ASGITransport``) instead of over the network.
    ``time_zone`` (an IANA name) is the integration user's zone: SuiteQL shows and compares
    times in it.
    """

    def __init__(
        self,
        *,
        account_id: str = "1234567_SB1",
        seed: int = 0,
        records: int = 0,
        latency_ms: int = 0,
        concurrency: int = 5,
        token_ttl: float = 3600,
        clock: Callable[[], float] = time.time,
        private_key_pem: str | None = None,
        redirect_uris: Sequence[str] = (),
        webhook_transport: httpx.AsyncBaseTransport | None = None,
        time_zone: str = "UTC",
    ) -> None:
        self.integration: IntegrationRecord = new_integration(private_key_pem)
        self.time_zone = time_zone
        self.account = self._account(account_id, seed, clock, webhook_transport)
        self.account.settings = Settings(concurrency=concurrency, latency_ms=latency_ms)
        self.account.tokens.ttl = token_ttl
        self.account.redirect_uris.extend([*self.integration.redirect_uris, *redirect_uris])
        seed_reference_data(self.account.db)
        if records:
            generate(self.account.db, records=records, seed=seed)
        self.app = self._app()

    def _account(
        self,
        account_id: str,
        seed: int,
        clock: Callable[[], float],
        transport: httpx.AsyncBaseTransport | None,
    ) -> Account:
        db = Database()
        install_functions(db, UTC if self.time_zone == "UTC" else ZoneInfo(self.time_zone))
        integration = self.integration
        return Account(
            account_id=account_id,
            integration=integration,
            db=db,
            tokens=TokenStore(clock, 3600),
            tba=TbaVerifier(integration, account_id, clock),
            events=EventEmitter(account_id, integration.webhook_secret, clock, transport),
            faults=FaultPlan(seed),
            settings=Settings(concurrency=5, latency_ms=0),
            clock=clock,
        )

    def _app(self) -> Starlette:
        account = self.account
        records = RecordEndpoint(account).handle
        metadata = MetadataCatalog(account).handle
        routes = [
            Route(TOKEN_PATH, TokenEndpoint(account).handle, methods=["POST"]),
            Route(AUTHORIZE_PATH, lambda r: authorize(account, r), methods=["GET"]),
            Route(
                "/services/rest/query/v1/suiteql", QueryEndpoint(account).handle, methods=["POST"]
            ),
            Route(RECORD_PATH + "/metadata-catalog", metadata, methods=["GET"]),
            Route(RECORD_PATH + "/metadata-catalog/", metadata, methods=["GET"]),
            Route(RECORD_PATH + "/metadata-catalog/{record}", metadata, methods=["GET"]),
            Route(RECORD_PATH + "/{type}", records, methods=["GET", "POST"]),
            Route(RECORD_PATH + "/{type}/{id}", records, methods=["GET", "PATCH"]),
            Route("/services/rest/system/v1/governanceLimits", self._governance, methods=["GET"]),
            *control_routes(account, self.credentials),
        ]
        middleware = [Middleware(TrustedProxy), Middleware(Gate, account=account)]
        return Starlette(routes=routes, middleware=middleware)

    async def _governance(self, request: Request) -> Response:
        denied = authenticate(self.account, request)
        if denied is not None:
            return denied
        # https://docs.oracle.com/en/cloud/saas/netsuite/ns-online-help/article_0625010817.html :
        # with no limit allocated to the integration the type is ``accountLimit`` and the body
        # has no ``integrationConcurrencyLimit``; nothing is allocated here, so all is unallocated.
        limit = self.account.settings.concurrency
        return JSONResponse({
            "accountConcurrencyLimit": limit, "accountUnallocatedConcurrencyLimit": limit,
            "integrationLimitType": "accountLimit",
        })  # fmt: skip

    def credentials(self, base_url: str) -> dict[str, str]:
        """What a client needs to connect: the M2M key, the TBA pairs, the webhook secret.

        The integration record's client id is also its TBA consumer key, and its client secret
        the consumer secret, as on a real NetSuite integration record.
        """
        integration = self.integration
        return {
            "base_url": base_url.rstrip("/"),
            "account_id": self.account.account_id,
            "client_id": integration.client_id,
            "certificate_id": integration.rsa.certificate_id,
            "private_key_pem": integration.rsa.private_key_pem,
            "consumer_key": integration.client_id,
            "consumer_secret": integration.client_secret,
            "token_id": integration.token_id,
            "token_secret": integration.token_secret,
            "webhook_secret": integration.webhook_secret,
        } | ({} if self.time_zone == "UTC" else {"time_zone": self.time_zone})

    def control_url(self, base_url: str) -> str:
        """Where the control API of this simulator lives under ``base_url``."""
        return base_url.rstrip("/") + CONTROL_PREFIX
