"""Authenticated HTTP clients for one connection, built from what the store holds.

``open_session`` reads the connection's public settings and opens its sealed credentials, builds
the token endpoint clients and token managers of both sides, and yields one ready
``httpx.AsyncClient`` per system (base URL set, auth flow attached). Zoho's client is created
after the first token, because the token answer says which API domain to call.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx
from sqlalchemy import Engine

from ml_connector.auth.assertion import AssertionSigner, algorithm_for
from ml_connector.auth.flows import OAuthTokenAuth, TbaAuth
from ml_connector.auth.manager import Mint, TokenManager, TokenSlot
from ml_connector.auth.netsuite_hosts import rest_base_url, token_url
from ml_connector.auth.netsuite_tokens import NetSuiteTokenEndpoint
from ml_connector.auth.tba import TbaCredentials
from ml_connector.auth.token import Token
from ml_connector.auth.zoho_hosts import ZohoHosts, zoho_hosts
from ml_connector.auth.zoho_tokens import ZohoTokenEndpoint
from ml_connector.errors import AuthError
from ml_connector.rest import Timeouts, make_client
from ml_connector.store.connections import ConnectionRow, get_connection, open_credentials
from ml_connector.store.keyring import Keyring
from ml_connector.store.tokens import read_token

__all__ = [
    "Session",
    "SessionBuilder",
    "SessionOptions",
    "Side",
    "connection_zoho_hosts",
    "open_session",
    "open_side",
]


@dataclass(frozen=True)
class SessionOptions:
    """How a session talks: timeouts, clock, where opened secrets are remembered for redaction."""

    timeouts: Timeouts = field(default_factory=Timeouts)
    clock: Callable[[], float] = time.time
    remember: Callable[[str], None] = lambda _value: None
    refresh_margin: float = 300.0
    transport: httpx.AsyncBaseTransport | None = None


@dataclass
class Session:
    """One connection's authenticated clients and token managers."""

    connection: ConnectionRow
    netsuite: httpx.AsyncClient
    zoho: httpx.AsyncClient
    netsuite_tokens: TokenManager | None
    zoho_tokens: TokenManager


class SessionBuilder:
    """Builds one connection's clients; its exit stack closes them."""

    def __init__(
        self, engine: Engine, keyring: Keyring, row: ConnectionRow, options: SessionOptions
    ) -> None:
        self.engine, self.keyring, self.row, self.options = engine, keyring, row, options
        self.stack = contextlib.AsyncExitStack()

    def secrets(self, system: str) -> dict[str, str]:
        values = open_credentials(self.engine, self.keyring, self.row.name, system)
        for value in values.values():
            self.options.remember(value)
        return values

    async def client(self, base_url: str, auth: httpx.Auth | None = None) -> httpx.AsyncClient:
        client = make_client(
            base_url, auth=auth, timeouts=self.options.timeouts, transport=self.options.transport
        )
        return await self.stack.enter_async_context(client)

    def manager(self, system: str, mint: Mint) -> TokenManager:
        slot = TokenSlot(self.row.id, self.row.name, system)
        return TokenManager(
            self.engine,
            self.keyring,
            slot,
            mint,
            margin=self.options.refresh_margin,
            clock=self.options.clock,
            remember=self.options.remember,
        )

    def stored_refresh_token(self, system: str) -> str | None:
        stored = read_token(self.engine, self.keyring, self.row.id, system, "refresh")
        if stored is not None:
            self.options.remember(stored.value)
        return stored.value if stored else None

    async def netsuite(self) -> tuple[httpx.AsyncClient, TokenManager | None]:
        config, secrets = self.row.config["netsuite"], self.secrets("netsuite")
        base = rest_base_url(config["account_id"], config.get("base_url"))
        if config.get("auth") == "tba":
            credentials = TbaCredentials(
                realm=config["account_id"],
                consumer_key=secrets["consumer_key"],
                consumer_secret=secrets["consumer_secret"],
                token_id=secrets["token_id"],
                token_secret=secrets["token_secret"],
            )
            return await self.client(base, TbaAuth(credentials)), None
        endpoint = NetSuiteTokenEndpoint(
            await self.client(base),
            token_url(config["account_id"], config.get("base_url")),
            clock=self.options.clock,
        )
        manager = self.manager("netsuite", self._netsuite_mint(endpoint, config, secrets))
        return await self.client(base, OAuthTokenAuth(manager, "Bearer")), manager

    async def netsuite_endpoint(self) -> NetSuiteTokenEndpoint:
        """The account's token endpoint."""
        config = self.row.config["netsuite"]
        base = rest_base_url(config["account_id"], config.get("base_url"))
        url = token_url(config["account_id"], config.get("base_url"))
        return NetSuiteTokenEndpoint(await self.client(base), url, clock=self.options.clock)

    def _netsuite_mint(
        self, endpoint: NetSuiteTokenEndpoint, config: dict[str, str], secrets: dict[str, str]
    ) -> Mint:
        if config.get("auth") == "authorization_code":
            secret = secrets.get("client_secret") or secrets.get("consumer_secret")

            async def refresh() -> Token:
                token = self.stored_refresh_token("netsuite")
                if token is None:
                    raise AuthError("NetSuite", "not authorized yet", hint=_NS_CODE_HINT)
                return await endpoint.refresh(token, client_id=config["client_id"], secret=secret)

            return refresh
        pem = secrets["private_key_pem"]
        signer = AssertionSigner(
            client_id=config["client_id"],
            # connections added before the id was sealed keep it in their public settings
            certificate_id=secrets.get("certificate_id") or config["certificate_id"],
            private_key_pem=pem,
            audience=token_url(config["account_id"]),
            algorithm=algorithm_for(pem, config.get("signing_algorithm")),
            clock=self.options.clock,
        )
        return lambda: endpoint.client_credentials(signer)

    def zoho_hosts(self) -> ZohoHosts:
        """The connection's Zoho data centre, with its overrides."""
        return connection_zoho_hosts(self.row)

    async def zoho_endpoint(self, secrets: dict[str, str]) -> ZohoTokenEndpoint:
        """The data centre's accounts server, for this connection's client."""
        return ZohoTokenEndpoint(
            await self.client(self.zoho_hosts().accounts_url),
            self.zoho_hosts(),
            client_id=self.row.config["zoho"]["client_id"],
            client_secret=secrets["client_secret"],
            clock=self.options.clock,
        )

    async def zoho(self) -> tuple[httpx.AsyncClient, TokenManager]:
        config, secrets = self.row.config["zoho"], self.secrets("zoho")
        hosts = self.zoho_hosts()
        endpoint = await self.zoho_endpoint(secrets)

        async def refresh() -> Token:
            token = self.stored_refresh_token("zoho") or secrets.get("refresh_token")
            if token is None:
                raise AuthError("Zoho", "not authorized yet", hint=_ZOHO_HINT)
            return await endpoint.refresh(token)

        manager = self.manager("zoho", refresh)
        first = await manager.token()
        api_domain = config.get("api_domain") or first.api_domain or hosts.api_domain
        return await self.client(api_domain, OAuthTokenAuth(manager, "Zoho-oauthtoken")), manager


_NS_CODE_HINT = "run `ml-connector auth netsuite CONNECTION --flow code`"
_ZOHO_HINT = "run `ml-connector auth zoho CONNECTION` or put zoho.refresh_token in the file"


def connection_zoho_hosts(row: ConnectionRow) -> ZohoHosts:
    """A connection's Zoho data centre hosts, with its overrides."""
    config = row.config["zoho"]
    return zoho_hosts(
        config.get("dc", "com"),
        accounts_url=config.get("accounts_url"),
        api_domain=config.get("api_domain"),
    )


@dataclass(frozen=True)
class Side:
    """One system's authenticated client and its token manager (None for TBA)."""

    client: httpx.AsyncClient
    tokens: TokenManager | None


@contextlib.asynccontextmanager
async def open_side(
    engine: Engine,
    keyring: Keyring,
    name: str,
    system: str,
    options: SessionOptions | None = None,
) -> AsyncIterator[Side]:
    """One system's authenticated client for connection ``name`` (``netsuite`` or ``zoho``)."""
    builder = SessionBuilder(
        engine, keyring, get_connection(engine, name), options or SessionOptions()
    )
    async with builder.stack:
        client, manager = await (builder.netsuite() if system == "netsuite" else builder.zoho())
        yield Side(client, manager)


@contextlib.asynccontextmanager
async def open_session(
    engine: Engine, keyring: Keyring, name: str, options: SessionOptions | None = None
) -> AsyncIterator[Session]:
    """Both systems' authenticated clients for connection ``name``, closed on exit."""
    builder = SessionBuilder(
        engine, keyring, get_connection(engine, name), options or SessionOptions()
    )
    async with builder.stack:
        netsuite, netsuite_tokens = await builder.netsuite()
        zoho, zoho_tokens = await builder.zoho()
        yield Session(builder.row, netsuite, zoho, netsuite_tokens, zoho_tokens)
