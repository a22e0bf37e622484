"""The root Typer application and the one place errors become exit codes."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import SQLAlchemyError

from ml_connector.cli.align import align_command
from ml_connector.cli.auth import auth_app
from ml_connector.cli.backfill import backfill_command
from ml_connector.cli.connection import connection_app
from ml_connector.cli.db import db_app
from ml_connector.cli.demo import demo_command
from ml_connector.cli.keys import keys_app
from ml_connector.cli.mapping import mapping_app
from ml_connector.cli.output import error_line
from ml_connector.cli.ping import ping_command
from ml_connector.cli.runtime import Runtime
from ml_connector.cli.sandbox import sandbox_command
from ml_connector.cli.serve import serve_command
from ml_connector.cli.setup import setup_app
from ml_connector.cli.status import status_command
from ml_connector.cli.sync import (
    audit_app,
    reconcile_command,
    replay_command,
    sync_command,
)
from ml_connector.errors import ConnectorError, StoreError
from ml_connector.settings import load_settings

__all__ = ["app", "main"]

app = typer.Typer(
    name="ml-connector",
    help="Keep Oracle NetSuite master data in Zoho CRM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(audit_app, name="audit")
app.add_typer(auth_app, name="auth")
app.add_typer(connection_app, name="connection")
app.add_typer(db_app, name="db")
app.add_typer(keys_app, name="keys")
app.add_typer(mapping_app, name="mapping")
app.add_typer(setup_app, name="setup")
app.command("align")(align_command)
app.command("backfill")(backfill_command)
app.command("demo")(demo_command)
app.command("ping")(ping_command)
app.command("reconcile")(reconcile_command)
app.command("replay")(replay_command)
app.command("sandbox")(sandbox_command)
app.command("serve")(serve_command)
app.command("status")(status_command)
app.command("sync")(sync_command)


@app.callback()
def root(ctx: typer.Context) -> None:
    """Keep Oracle NetSuite master data in Zoho CRM.

    Add --debug anywhere to see a traceback instead of a one-line error.
    """
    ctx.obj = Runtime(load_settings())


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; any ConnectorError (or database failure) is one line on stderr, exit code 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [arg for arg in args if arg != "--debug"]
    try:
        # standalone mode: Typer reports usage errors itself and exits; ours propagate to here
        app(args=args, prog_name="ml-connector", standalone_mode=True)
    except ConnectorError as exc:
        if debug:
            raise
        typer.echo(error_line(exc.message, exc.hint), err=True)
        return 1
    except SQLAlchemyError as exc:
        if debug:
            raise
        # a database that fails mid-command (gone, locked, damaged) is a StoreError to the
        # operator; only the kind is shown, as the driver's text may quote the statement's values
        failed = StoreError(f"the database failed: {_kind(exc)}")
        typer.echo(error_line(failed.message, failed.hint), err=True)
        return 1
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _kind(exc: SQLAlchemyError) -> str:
    original = getattr(exc, "orig", None)
    return type(original or exc).__name__


def entry_point() -> None:
    """The console script: exit with main()'s code."""
    raise SystemExit(main())
