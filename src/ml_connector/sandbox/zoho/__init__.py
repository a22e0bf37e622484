"""A faithful Zoho CRM simulator: accounts server, CRM API v8, notifications and a control API.

It shares no code with the connector's Zoho client: it is written from Zoho's documentation
(``reference/zoho-crm.md``) so that a client bug cannot hide behind the same bug here.
"""

from __future__ import annotations

from .simulator import ZohoSimulator

__all__ = ["ZohoSimulator"]
