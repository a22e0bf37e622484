"""``ml-connector auth``: grant the connector access to Zoho or NetSuite for a connection."""

from __future__ import annotations

import asyncio

import typer

from ml_connector.auth.authorize import (
    RedirectListener,
    exchange_netsuite_code,
    exchange_zoho_code,
    netsuite_consent,
    zoho_consent,
)
from ml_connector.auth.grants import consent_from_redirect
from ml_connector.cli.runtime import Runtime
from ml_connector.errors import ConfigError
from ml_connector.sandbox.server import serving

__all__ = ["auth_app"]

auth_app = typer.Typer(help="Authorize a connection's access to Zoho or NetSuite.")


@auth_app.command("zoho")
def zoho_command(
    ctx: typer.Context,
    connection: str,
    code: str | None = typer.Option(None, help="a self-client grant code from the API console"),
    port: int = typer.Option(8765, help="loopback port for the browser redirect"),
    wait: float = typer.Option(300, help="seconds to wait for the browser"),
) -> None:
    """Exchange a self-client grant code, or run the browser flow with a loopback redirect."""
    runtime: Runtime = ctx.obj
    redirect_uri = None
    if code is None:
        redirect_uri = f"http://127.0.0.1:{port}/callback"
        consent = zoho_consent(runtime.engine, connection, redirect_uri)
        listener = RedirectListener()
        with serving(listener.app, port=port):
            typer.echo("Open this address, approve, and come back:")
            typer.echo(f"\n  {consent.authorize_url}\n")
            typer.echo(f"(register {redirect_uri} as a redirect URI of the client first)")
            code = consent_from_redirect(consent, listener.wait(wait))
    asyncio.run(
        exchange_zoho_code(
            runtime.engine,
            runtime.keyring,
            connection,
            code,
            redirect_uri=redirect_uri,
            options=runtime.session_options(),
        )
    )
    typer.echo(f"Zoho access granted for {connection!r}; check it: ml-connector ping {connection}")


@auth_app.command("netsuite")
def netsuite_command(
    ctx: typer.Context,
    connection: str,
    flow: str = typer.Option("code", help="only `code` needs this command"),
    redirect_uri: str = typer.Option(..., help="an https redirect URI registered on the record"),
) -> None:
    """Authorization code with PKCE: open the URL, approve, paste the address you land on."""
    if flow != "code":
        raise ConfigError(
            f"--flow {flow!r}: client credentials and TBA need no browser",
            hint="add the connection with the certificate or TBA tokens instead",
        )
    runtime: Runtime = ctx.obj
    consent = netsuite_consent(runtime.engine, connection, redirect_uri)
    typer.echo("Open this address, approve, then copy the address you land on:")
    typer.echo(f"\n  {consent.authorize_url}\n")
    landed = typer.prompt("Address you landed on")
    asyncio.run(
        exchange_netsuite_code(
            runtime.engine,
            runtime.keyring,
            connection,
            consent,
            landed,
            options=runtime.session_options(),
        )
    )
    typer.echo(f"NetSuite authorized for {connection!r}; the refresh token lasts 7 days")
