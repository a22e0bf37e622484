"""The root Typer application and the one place errors become exit codes."""

from __future__ import annotations

import sys

import typer

from ml_connector.errors import ConnectorError

app = typer.Typer(
    name="ml-connector",
    help="Keep Oracle NetSuite master data in Zoho CRM.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def main() -> None:
    """Run the CLI; a ConnectorError becomes one line on stderr and exit code 1."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app(standalone_mode=False)
    except ConnectorError as exc:
        if debug:
            raise
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        typer.echo(f"error: {exc.message}{hint}", err=True)
        raise SystemExit(1) from None
