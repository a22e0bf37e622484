"""The ``ml-connector`` command: thin Typer commands over the modules below it."""

from __future__ import annotations

from ml_connector.cli.app import app, entry_point, main

__all__ = ["app", "entry_point", "main"]
