"""OAuth 2.0 scopes NetSuite knows, and how each grant spells them.

The JWT assertion carries ``scope`` as a JSON array (Oracle's sample) or a comma-separated string
(Oracle's field table); the authorize step takes them space-separated. ``mcp`` exists but must
stand alone, and only ``rest_webservices`` opens the REST endpoints this simulator serves.
"""

from __future__ import annotations

import re

__all__ = ["KNOWN_SCOPES", "REST_SCOPE", "parse_scopes"]

REST_SCOPE = "rest_webservices"
KNOWN_SCOPES = frozenset({"restlets", REST_SCOPE, "suite_analytics", "mcp"})


def parse_scopes(value: object, separators: str = ", ") -> frozenset[str] | None:
    """The scope set, or ``None`` when it is empty, unknown, mixes ``mcp`` or has a bad type."""
    if isinstance(value, str):
        parts = [p for p in re.split(f"[{re.escape(separators)}]+", value) if p]
    elif isinstance(value, list) and all(isinstance(p, str) for p in value):
        parts = list(value)
    else:
        return None
    scopes = frozenset(parts)
    if not scopes or not scopes <= KNOWN_SCOPES or ("mcp" in scopes and len(scopes) > 1):
        return None
    return scopes
