"""``python -m ml_connector`` runs the CLI."""

from __future__ import annotations

from ml_connector.cli import entry_point

entry_point()
