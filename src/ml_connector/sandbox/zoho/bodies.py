"""Reading request bodies and summarising per-element results, shared by the CRM routes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from .responses import Json, crm_error

__all__ = ["NOT_JSON", "batch_status", "body_list", "read_json"]

NOT_JSON = object()


async def read_json(request: Request) -> Any:
    """The parsed JSON body, or ``NOT_JSON`` when it is missing or malformed."""
    try:
        return json.loads(await request.body())
    except ValueError:
        return NOT_JSON


def body_list(body: Any, key: str, limit: int) -> list[Any] | Response:
    """The list under ``key`` (``data``, ``watch``, ``fields``), or the top-level refusal."""
    if body is NOT_JSON or not isinstance(body, dict):
        return crm_error(400, "INVALID_DATA", "body", {})
    items = body.get(key)
    details: Json = {"api_name": key, "json_path": f"$.{key}"}
    if not isinstance(items, list) or not items:
        return crm_error(400, "MANDATORY_NOT_FOUND", "required field not found", details)
    if len(items) > limit:
        details |= {"limit": limit}
        return crm_error(400, "LIMIT_EXCEEDED", "limit exceeded", details)
    return items


def batch_status(results: Sequence[Json], all_ok: int) -> int:
    """``all_ok`` when every element succeeded, 400 when none did, else 207 Multi-Status."""
    ok = sum(r.get("status") == "success" for r in results)
    if ok == len(results):
        return all_ok
    return 400 if ok == 0 else 207
