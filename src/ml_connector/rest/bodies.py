"""Reading a response body that ought to be a JSON object, whatever actually came back."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = ["json_object"]


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object; an empty one when the body is empty, not JSON, or not an object.

    Error answers from proxies and gateways are HTML or empty; callers decide from the status
    and the keys they need, so an unexpected body must never raise here.
    """
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
