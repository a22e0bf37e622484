"""OAuth scopes: whether a token's scopes cover a CRM call.

Zoho refuses a call outside the token's scopes with 401 OAUTH_SCOPE_MISMATCH. Simulating it
means a connection authorised with too narrow a self-client code fails here the way it will in
production, instead of only on the customer's org.
"""

from __future__ import annotations

import re

__all__ = ["covers"]

OPERATIONS = {"GET": "READ", "POST": "CREATE", "PUT": "UPDATE", "PATCH": "UPDATE"}
OPERATIONS |= {"DELETE": "DELETE"}


def _record_needs(method: str, path: str) -> list[set[str]]:
    module = path.split("/")[3].casefold()
    if path.endswith("/upsert"):
        operations = ["CREATE", "UPDATE"]
    else:
        operations = [OPERATIONS.get(method, "READ")]
    family = f"zohocrm.modules.{module}"
    return [
        {"zohocrm.modules.all", f"{family}.all", f"{family}.{op.casefold()}"}
        | ({f"{family}.write"} if op in ("CREATE", "UPDATE") else set())
        for op in operations
    ]


def _needs(method: str, path: str) -> list[set[str]]:
    """For each thing the call does, the scopes any one of which allows it."""
    op = OPERATIONS.get(method, "READ").casefold()
    if path.startswith("/crm/v8/settings/"):
        return [
            {"zohocrm.settings.all", "zohocrm.settings.fields.all", f"zohocrm.settings.fields.{op}"}
        ]
    if path.startswith("/crm/v8/org"):
        return [{"zohocrm.org.all", "zohocrm.org.read"}]
    if path.startswith("/crm/v8/actions/watch"):
        return [{"zohocrm.notifications.all", f"zohocrm.notifications.{op}"}]
    if path.count("/") >= 3:
        return _record_needs(method, path)
    return []


def covers(granted: str, method: str, path: str) -> bool:
    """Whether scopes ``granted`` (comma- or space-separated) allow ``method path``."""
    have = {s.casefold() for s in re.split(r"[,\s]+", granted) if s}
    return all(not need.isdisjoint(have) for need in _needs(method, path))
