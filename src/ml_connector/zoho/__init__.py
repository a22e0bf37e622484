"""Zoho CRM: the API client, per-record write results, preparing an org, notification channels."""

from __future__ import annotations

from ml_connector.zoho.channels import (
    ChannelPolicy,
    ChannelRefusedError,
    channel_events,
    disable_channels,
    maintain_channels,
    notify_url,
)
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
    category_field_spec,
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
    "ChannelPolicy",
    "ChannelRefusedError",
    "FieldStep",
    "SetupReport",
    "TransientError",
    "WriteResult",
    "ZohoCRM",
    "category_field_spec",
    "channel_events",
    "concurrency_for",
    "disable_channels",
    "inactive_field_spec",
    "key_field_spec",
    "maintain_channels",
    "notify_url",
    "prepare_org",
]
