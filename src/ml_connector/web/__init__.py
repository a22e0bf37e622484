"""The web app: webhook receivers and health checks, as one Starlette application."""

from __future__ import annotations

from ml_connector.web.app import NETSUITE_HOOK_PATH, create_app, create_operations_app
from ml_connector.web.options import WebOptions

__all__ = ["NETSUITE_HOOK_PATH", "WebOptions", "create_app", "create_operations_app"]
