"""The ``auth`` commands' work: consent URLs, code exchanges, and storing what they yield."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ml_connector.auth.grants import (
    NETSUITE_SCOPES,
    ZOHO_SCOPES,
    Consent,
    consent_from_redirect,
    new_consent,
    store_grant,
)
from ml_connector.auth.netsuite_hosts import authorize_url
from ml_connector.auth.session import SessionBuilder, SessionOptions, connection_zoho_hosts
from ml_connector.errors import AuthError, ConfigError
from ml_connector.store.connections import get_connection
from ml_connector.store.keyring import Keyring

__all__ = [
    "RedirectListener",
    "exchange_netsuite_code",
    "exchange_zoho_code",
    "netsuite_consent",
    "zoho_consent",
]


def _builder(
    engine: Engine, keyring: Keyring, name: str, options: SessionOptions
) -> SessionBuilder:
    return SessionBuilder(engine, keyring, get_connection(engine, name), options)


async def exchange_zoho_code(
    engine: Engine,
    keyring: Keyring,
    name: str,
    code: str,
    *,
    redirect_uri: str | None = None,
    options: SessionOptions | None = None,
) -> None:
    """Exchange a Zoho grant code (self-client, or from the redirect) and store the tokens."""
    builder = _builder(engine, keyring, name, options or SessionOptions())
    async with builder.stack:
        endpoint = await builder.zoho_endpoint(builder.secrets("zoho"))
        grant = await endpoint.exchange(code, redirect_uri)
    store_grant(engine, keyring, builder.row, "zoho", grant)


def zoho_consent(engine: Engine, name: str, redirect_uri: str) -> Consent:
    """Where to send the person to grant Zoho access, coming back to ``redirect_uri``."""
    row = get_connection(engine, name)
    base = connection_zoho_hosts(row).accounts_url + "/oauth/v2/auth"
    client_id = row.config["zoho"]["client_id"]
    return new_consent(
        base,
        client_id=client_id,
        redirect_uri=redirect_uri,
        scopes=ZOHO_SCOPES,
        pkce=False,
        zoho=True,
    )


def netsuite_consent(engine: Engine, name: str, redirect_uri: str) -> Consent:
    """Where to send the person to authorize NetSuite (authorization code with PKCE)."""
    config = get_connection(engine, name).config["netsuite"]
    if config.get("auth") != "authorization_code":
        raise ConfigError(
            f"connection {name!r} uses netsuite.auth = {config.get('auth')!r}",
            hint="add the connection again with netsuite.auth = authorization_code",
        )
    base = authorize_url(config["account_id"], config.get("base_url"))
    return new_consent(
        base,
        client_id=config["client_id"],
        redirect_uri=redirect_uri,
        scopes=NETSUITE_SCOPES,
        pkce=True,
        zoho=False,
    )


async def exchange_netsuite_code(
    engine: Engine,
    keyring: Keyring,
    name: str,
    consent: Consent,
    redirected_to: str,
    *,
    options: SessionOptions | None = None,
) -> None:
    """Finish the NetSuite flow from the address the browser was redirected to."""
    code = consent_from_redirect(consent, redirected_to)
    builder = _builder(engine, keyring, name, options or SessionOptions())
    async with builder.stack:
        secrets = builder.secrets("netsuite")
        endpoint = await builder.netsuite_endpoint()
        grant = await endpoint.exchange_code(
            code,
            redirect_uri=consent.redirect_uri,
            verifier=consent.verifier,
            client_id=builder.row.config["netsuite"]["client_id"],
            secret=secrets.get("client_secret") or secrets.get("consumer_secret"),
        )
    store_grant(engine, keyring, builder.row, "netsuite", grant)


@dataclass
class RedirectListener:
    """A one-shot loopback page that receives the browser's redirect."""

    received: str = ""

    def __post_init__(self) -> None:
        self._done = threading.Event()
        self.app = Starlette(routes=[Route("/callback", self._callback)])

    async def _callback(self, request: Request) -> PlainTextResponse:
        self.received = str(request.url)
        self._done.set()
        return PlainTextResponse("ml-connector received the authorization; you can close this tab.")

    def wait(self, seconds: float) -> str:
        """The redirected address, once the browser arrives (AuthError after ``seconds``)."""
        if not self._done.wait(seconds):
            raise AuthError("Zoho", "no authorization arrived in time", reauthorize=False)
        return self.received
