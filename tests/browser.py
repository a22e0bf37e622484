"""Debian's chromium under Playwright, as the dashboard's browser test and screenshots run it.

Playwright's own browser download does not work on a closed network, so the distribution's
chromium is used (``.ci/run`` installs it). Without the background-networking switches chromium
tries to reach Google's services at start, which a closed network refuses.
"""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, Playwright

__all__ = ["CHROMIUM", "launch_chromium"]

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
