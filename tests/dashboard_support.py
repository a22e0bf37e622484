"""What the dashboard's browser test and its screenshots share: the browser and a failing mapping.

Playwright's own browser download does not work on a closed network, so the distribution's
chromium is used (``.ci/run`` installs it). Without the background-networking switches chromium
tries to reach Google's services at start, which a closed network refuses.
"""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Playwright

from ml_connector.mapping import MappingFile, default_mapping
from ml_connector.zoho import ZohoCRM

__all__ = [
    "CHROMIUM",
    "MISSING_FIELD",
    "create_missing_field",
    "launch_chromium",
    "with_missing_field",
]

MISSING_FIELD = "Vendor_Industry"

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
