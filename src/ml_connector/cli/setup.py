"""``ml-connector setup``: what to do in NetSuite, and what to prepare in Zoho, for a connection."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import typer

from ml_connector.auth.session import open_side
from ml_connector.cli.runtime import Runtime
from ml_connector.errors import ConfigError, ConnectorError
from ml_connector.mapping import MappingFile, default_mapping, load_mapping
from ml_connector.netsuite.suitescript import deployment_steps
from ml_connector.store.connections import open_credentials
from ml_connector.web import NETSUITE_HOOK_PATH
from ml_connector.zoho import SetupReport, ZohoCRM, prepare_org

__all__ = ["setup_app"]

setup_app = typer.Typer(help="Prepare NetSuite and Zoho for a connection.")


@setup_app.command("netsuite")
def netsuite_command(
    ctx: typer.Context,
    connection: str,
    public_url: str = typer.Option(
        ..., help="where NetSuite reaches this service, e.g. https://sync.example.com"
    ),
) -> None:
    """Print the steps to deploy the change-event scripts, with the API Secret to register."""
    runtime: Runtime = ctx.obj
    secrets = open_credentials(runtime.engine, runtime.keyring, connection, "netsuite")
    secret = secrets.get("webhook_secret")
    if not secret:
        raise ConfigError(
            f"connection {connection!r} has no netsuite.webhook_secret",
            hint="add the connection again with a webhook_secret (whsec_ + base64 of 32 bytes)",
        )
    url = public_url.rstrip("/") + NETSUITE_HOOK_PATH.format(connection=connection)
    typer.echo(deployment_steps(connection, url, secret))


@setup_app.command("zoho")
def zoho_command(
    ctx: typer.Context,
    connection: str = typer.Argument(help="connection name"),
    mapping_file: Path | None = typer.Option(
        None, "--mapping", help="mapping file; default: the built-in one"
    ),
) -> None:
    """Check access and create the key and inactive fields the mapping needs; safe to re-run."""
    runtime: Runtime = ctx.obj
    mapping = load_mapping(mapping_file).mapping if mapping_file else default_mapping()
    report = asyncio.run(_prepare_zoho(runtime, connection, mapping))
    for line in report.lines():
        typer.echo(line)
    if not report.ready:
        raise typer.Exit(1)


async def _prepare_zoho(runtime: Runtime, name: str, mapping: MappingFile) -> SetupReport:
    options = runtime.session_options()
    try:
        async with open_side(runtime.engine, runtime.keyring, name, "zoho", options) as side:
            return await prepare_org(ZohoCRM(side.client), mapping)
    except httpx.TransportError as exc:
        raise ConnectorError(
            f"cannot reach Zoho: {type(exc).__name__}",
            hint="check the connection's data centre or api_domain, and the network",
        ) from None
