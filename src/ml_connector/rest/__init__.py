"""Shared HTTP machinery: client factory, status classification, retry policy, limiters."""

from __future__ import annotations

from ml_connector.rest.bodies import json_object
from ml_connector.rest.classify import Verdict, classify, raise_for_verdict, retry_after
from ml_connector.rest.client import Timeouts, make_client
from ml_connector.rest.limiter import AdaptiveLimiter
from ml_connector.rest.retry import RetryPolicy, call_with_retries

__all__ = [
    "AdaptiveLimiter",
    "RetryPolicy",
    "Timeouts",
    "Verdict",
    "call_with_retries",
    "classify",
    "json_object",
    "make_client",
    "raise_for_verdict",
    "retry_after",
]
