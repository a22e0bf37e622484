"""Connections: one per customer organisation, each with a NetSuite and a Zoho side."""

from __future__ import annotations

from ml_connector.connections.config import (
    ConnectionFile,
    NetSuiteSection,
    ZohoSection,
    load_connection_file,
    parse_connection,
)
from ml_connector.connections.service import (
    ConnectionView,
    add_from_file,
    show_connection,
    validate_name,
)

__all__ = [
    "ConnectionFile",
    "ConnectionView",
    "NetSuiteSection",
    "ZohoSection",
    "add_from_file",
    "load_connection_file",
    "parse_connection",
    "show_connection",
    "validate_name",
]
