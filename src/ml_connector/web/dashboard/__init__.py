"""The operator dashboard: server-rendered pages behind the admin token, mounted in the web app."""

from __future__ import annotations

from ml_connector.web.dashboard.app import DASHBOARD_PATH, dashboard

__all__ = ["DASHBOARD_PATH", "dashboard"]
