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
    NAME_PATTERN,
    ConnectionView,
    add_from_file,
    connection_views,
    show_connection,
    store_connection,
    validate_name,
)

__all__ = [
    "NAME_PATTERN",
    "ConnectionFile",
    "ConnectionView",
    "NetSuiteSection",
    "ZohoSection",
    "add_from_file",
    "connection_views",
    "load_connection_file",
    "parse_connection",
    "show_connection",
    "store_connection",
    "validate_name",
]
