"""What the admin API's OpenAPI document says its requests and answers look like.

The answers themselves are built by the same ``as_json`` methods the CLI prints with, so the
two never differ; these models only describe them (where the value's own dataclass cannot:
a connection's view flattens its settings). The schemathesis test checks every answer against
this description, so a drift between the two fails a test instead of misleading a client.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ml_connector.connections.values import RECORD_PATTERN

__all__ = ["MOMENT", "RECORD_HELP", "ConnectionOut", "ErrorOut", "ReplayIn", "moment_help"]

RECORD_HELP = "one record, TYPE:ID (for example customer:107)"
# what the document promises; the server takes any ISO 8601 date or time (UTC when no zone)
MOMENT: dict[str, Any] = {"format": "date-time"}


def moment_help(meaning: str) -> str:
    """A time parameter's description."""
    return f"{meaning}: an ISO 8601 date or time, UTC when no zone is given"


class ErrorOut(BaseModel):
    """Why a request was refused, in one line."""

    error: str = Field(description="one line: what is wrong")


class ConnectionOut(BaseModel):
    """A connection's settings and which secrets are stored (names only, never values)."""

    name: str
    status: str = Field(description="active, or needs_reauth when credentials were refused")
    created_at: str = Field(description="ISO 8601")
    netsuite: dict[str, Any] = Field(description="the NetSuite side's settings that are not secret")
    zoho: dict[str, Any] = Field(description="the Zoho side's settings that are not secret")
    secrets_set: dict[str, list[str]] = Field(description="per system, the secrets stored")
    control: dict[str, str] | None = Field(None, description="simulator control URLs (sandbox)")


class ReplayIn(BaseModel):
    """Which failures to replay; an empty body replays every record whose last write failed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    failed: Literal[True] = Field(
        True, description="records whose last attempt failed: the only ones a replay re-sends"
    )
    record: str | None = Field(
        None, description=RECORD_HELP, pattern=RECORD_PATTERN, examples=["customer:107"]
    )
    since: str | None = Field(
        None, description=moment_help("only failures since then"), json_schema_extra=MOMENT
    )
