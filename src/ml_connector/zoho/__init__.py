"""Zoho CRM: the API client, per-record write results, and preparing an org for the sync."""

from __future__ import annotations

from ml_connector.zoho.client import (
    EDITION_CONCURRENCY,
    MAX_IDS,
    MAX_RECORDS,
    TransientError,
    ZohoCRM,
    concurrency_for,
)
from ml_connector.zoho.preparation import (
    AccessProblem,
    FieldStep,
    SetupReport,
    inactive_field_spec,
    key_field_spec,
    prepare_org,
)
from ml_connector.zoho.results import WriteResult

__all__ = [
    "EDITION_CONCURRENCY",
    "MAX_IDS",
    "MAX_RECORDS",
    "AccessProblem",
    "FieldStep",
    "SetupReport",
    "TransientError",
    "WriteResult",
    "ZohoCRM",
    "concurrency_for",
    "inactive_field_spec",
    "key_field_spec",
    "prepare_org",
]
