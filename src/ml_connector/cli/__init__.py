"""The ``ml-connector`` command: thin Typer commands over the modules below it."""

from __future__ import annotations

from ml_connector.cli.app import app, main

__all__ = ["app", "main"]
