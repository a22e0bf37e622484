"""What the dashboard's browser test and its screenshots share: the browser and a failing mapping.

Playwright's own browser download does not work on a closed network, so the distribution's
chromium is used (``.ci/run`` installs it). Without the background-networking switches chromium
tries to reach Google's services at start, which a closed network refuses.
"""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from playwright.async_api import Browser, Playwright

from ml_connector.mapping import MappingFile, default_mapping
from ml_connector.zoho import ZohoCRM

__all__ = [
    "CHROMIUM",
    "MISSING_FIELD",
    "TOKEN",
    "create_missing_field",
    "csrf_of",
    "launch_chromium",
    "sign_in",
    "with_missing_field",
]

MISSING_FIELD = "Vendor_Industry"
TOKEN = "dashboard-admin-token-0123456789"

CHROMIUM = Path("/usr/bin/chromium")
SWITCHES = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


async def launch_chromium(playwright: Playwright) -> Browser:
    """Headless chromium from ``CHROMIUM``."""
    return await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=SWITCHES
    )


def with_missing_field() -> MappingFile:
    """The default mapping plus a vendor custom field that Zoho does not have until created."""
    document = default_mapping().model_dump(mode="json")
    rule = {"type": "custom", "source": "custentity_industry"}
    document["vendor"]["fields"][MISSING_FIELD] = rule
    return MappingFile.model_validate(document)


async def create_missing_field(zoho: ZohoCRM) -> None:
    """The fix: someone creates the field in Zoho."""
    label = MISSING_FIELD.replace("_", " ")
    await zoho.create_field("Vendors", {"field_label": label, "data_type": "text"})


def csrf_of(page: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "every form carries the session's CSRF token"
    return found.group(1)


async def sign_in(http: httpx.AsyncClient, token: str = TOKEN, **extra: str) -> httpx.Response:
    """Post the sign-in form as a browser would, with the CSRF token it was given."""
    form = await http.get("/dashboard/login")
    data = {"csrf_token": csrf_of(form.text), "token": token, **extra}
    return await http.post("/dashboard/login", data=data)
