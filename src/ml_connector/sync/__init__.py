"""The sync: polling and backfill into the inbox; the pipeline from inbox to Zoho follows."""

from __future__ import annotations

from ml_connector.sync.backfill import BackfillResult, backfill, backfill_types
from ml_connector.sync.polling import DEFAULT_OVERLAP, PollResult, poll

__all__ = ["DEFAULT_OVERLAP", "BackfillResult", "PollResult", "backfill", "backfill_types", "poll"]
