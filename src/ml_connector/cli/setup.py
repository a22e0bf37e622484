"""``ml-connector setup``: what to do in NetSuite (and, later, Zoho) for a connection."""

from __future__ import annotations

import typer

from ml_connector.cli.runtime import Runtime
from ml_connector.errors import ConfigError
from ml_connector.netsuite.suitescript import deployment_steps
from ml_connector.store.connections import open_credentials
from ml_connector.web import NETSUITE_HOOK_PATH

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
