"""Screenshots of the operator dashboard's main pages, from demo data, into docs/screenshots/.

Run from the repository root after a change to the dashboard:

    python docs/screenshots.py

Both simulators are started on loopback and the demo runs against them (as ``ml-connector demo``
does); then the mapping gains a vendor field that Zoho does not have yet, so a few vendors fail,
one of them is replayed once the field exists, and a second connection waits for
re-authorization. The dashboard is served over that store and Debian's chromium (the one the
browser test uses) photographs each page.
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import tempfile
from pathlib import Path

from playwright.async_api import Page, async_playwright
from rich.console import Console
from sqlalchemy import Engine

from ml_connector.connections import add_from_file
from ml_connector.demo import Simulators, run_demo
from ml_connector.mapping import MappingFile
from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.server import serving
from ml_connector.sandbox.zoho import ZohoSimulator
from ml_connector.settings import load_settings
from ml_connector.store.audit import search_audit
from ml_connector.store.connections import get_connection, set_status
from ml_connector.store.keyfile import keyring_for
from ml_connector.store.keyring import Keyring
from ml_connector.store.schema import open_engine
from ml_connector.sync.reconcile import Difference, queue_fixes
from ml_connector.sync.replay import replay
from ml_connector.sync.services import open_services
from ml_connector.web import create_app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # shared with the browser test
from tests.dashboard_support import (  # noqa: E402
    create_missing_field,
    launch_chromium,
    with_missing_field,
)

OUT = ROOT / "docs" / "screenshots"
TOKEN = secrets.token_urlsafe(24)  # this run's admin token; the pages never show it
FAILING = 4


async def some_failures(engine: Engine, keyring: Keyring, mapping: MappingFile) -> list[str]:
    """A few vendors fail for the missing field; the first is replayed once it exists."""
    connection_id = get_connection(engine, "demo").id
    written = search_audit(engine, connection_id, outcome="written", source_type="vendor")
    vendors = sorted({row.source_id for row in written}, key=int)[:FAILING]
    queue_fixes(engine, connection_id, [Difference("vendor", v, "different") for v in vendors])
    async with open_services(engine, keyring, "demo", mapping=mapping) as services:
        await services.pipeline.drain()
        await create_missing_field(services.zoho)
        await replay(engine, connection_id, services.zoho, mapping, record=("vendor", vendors[0]))
    return vendors


async def shoot(page: Page, url: str, name: str) -> None:
    await page.goto(url)
    await page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
    print(f"docs/screenshots/{name}.png")


async def photograph(base: str, failed: str) -> None:
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        page = await browser.new_page(viewport={"width": 1360, "height": 860})
        await shoot(page, f"{base}/dashboard/login", "login")
        await page.get_by_label("Admin token").fill(TOKEN)
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url(f"{base}/dashboard/")
        await shoot(page, f"{base}/dashboard/", "overview")
        audit = f"{base}/dashboard/connections/demo/audit"
        await shoot(page, f"{audit}?outcome=failing", "audit-failing")
        await shoot(page, f"{base}/dashboard/connections/demo/records/vendor/{failed}", "record")
        await shoot(page, f"{base}/dashboard/mapping", "mapping")
        await browser.close()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ml-connector-shots-") as tmp:
        home = Path(tmp)
        settings = load_settings({"ML_CONNECTOR_HOME": str(home)})
        engine, keyring = open_engine(settings), keyring_for(settings)
        netsuite, zoho = NetSuiteSimulator(records=300, seed=7), ZohoSimulator(seed=7)
        with serving(netsuite.app) as ns_at, serving(zoho.app) as zoho_at:
            sims = Simulators(netsuite, zoho, ns_at, zoho_at)
            console = Console(stderr=True)
            asyncio.run(run_demo(engine, keyring, sims, home=home, console=console, quiet=True))
            mapping = with_missing_field()
            vendors = asyncio.run(some_failures(engine, keyring, mapping))
            add_from_file(engine, keyring, "globex", home / "demo-connection.json")
            set_status(engine, get_connection(engine, "globex").id, "needs_reauth")
            app = create_app(engine=engine, keyring=keyring, admin_token=TOKEN, mapping=mapping)
            with serving(app) as served:
                asyncio.run(photograph(served.base_url, vendors[1]))
        engine.dispose()


if __name__ == "__main__":
    main()
