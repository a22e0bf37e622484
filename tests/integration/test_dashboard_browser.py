"""The dashboard in a real browser, over real HTTP, against both simulators.

An operator signs in, sees the connection's health, filters the audit trail to failed records,
opens the one that failed (its mapping names a Zoho field nobody created yet), creates the
field, presses replay and sees the record written, in the dashboard and in Zoho.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from ml_connector.mapping import MappingFile, default_mapping
from ml_connector.sandbox.server import serving
from ml_connector.store.audit import search_audit
from ml_connector.sync import backfill
from ml_connector.sync.reconcile import Difference, queue_fixes
from ml_connector.sync.services import open_services
from ml_connector.web import create_app
from ml_connector.zoho import prepare_org
from tests.dashboard_support import (
    CHROMIUM,
    MISSING_FIELD,
    TOKEN,
    create_missing_field,
    launch_chromium,
    with_missing_field,
)
from tests.integration.conftest import Sandbox, Store

pytestmark = pytest.mark.anyio


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing; .ci/run installs it (apt-get install chromium)"
        if os.environ.get("CI") == "true":  # noqa: TID251 - under CI it must run, as in conftest
            pytest.fail(message)
        pytest.skip(message)
    async with async_playwright() as playwright:
        browser = await launch_chromium(playwright)
        yield browser
        await browser.close()


async def sync_with_one_failure(store: Store, mapping: MappingFile) -> str:
    """Vendors synced; then one changes under a mapping that names a field Zoho lacks."""
    async with open_services(store.engine, store.keyring, "acme", mapping=default_mapping()) as s:
        await prepare_org(s.zoho, s.mapping)
        await backfill(store.engine, s.reader, s.connection_id, "vendor")
        assert (await s.pipeline.drain()).failed == 0
        written = search_audit(store.engine, s.connection_id, outcome="written", limit=1)
        vendor = written[0].source_id
        queue_fixes(store.engine, s.connection_id, [Difference("vendor", vendor, "different")])
    async with open_services(store.engine, store.keyring, "acme", mapping=mapping) as s:
        assert (await s.pipeline.drain()).failed == 1
    return vendor


async def fix_the_cause(store: Store) -> None:
    async with open_services(store.engine, store.keyring, "acme", mapping=default_mapping()) as s:
        await create_missing_field(s.zoho)


async def sign_in(page: Page, base: str, token: str) -> None:
    await page.goto(f"{base}/dashboard/")
    await expect(page).to_have_url(re.compile(r"/dashboard/login\?next="))
    await page.get_by_label("Admin token").fill(token)
    await page.get_by_role("button", name="Sign in").click()


async def test_an_operator_replays_a_failed_record_and_sees_it_written(
    sandbox: Sandbox, store: Store, browser: Browser
) -> None:
    store.add("acme", sandbox.connection_file())
    mapping = with_missing_field()
    vendor = await sync_with_one_failure(store, mapping)
    app = create_app(engine=store.engine, keyring=store.keyring, admin_token=TOKEN, mapping=mapping)
    with serving(app) as served:
        page = await browser.new_page()
        await sign_in(page, served.base_url, "not-the-admin-token-at-all")
        await expect(page.get_by_role("alert")).to_have_text("That is not the admin token.")
        await sign_in(page, served.base_url, TOKEN)

        card = page.locator('[data-connection="acme"]')
        await expect(card).to_contain_text("failing records")
        await expect(card).to_contain_text("1 failed")
        await expect(card).to_contain_text("0 pending")
        await expect(card).to_contain_text("zoho.access expires in")

        await card.get_by_role("link", name="Audit trail").click()
        await page.get_by_label("Outcome").select_option("failed")
        await page.get_by_role("button", name="Filter").click()
        failures = page.locator("table.audit tbody tr")
        await expect(failures).to_have_count(1)
        await expect(failures).to_contain_text("INVALID_DATA")
        await failures.get_by_role("link", name=f"vendor {vendor}").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text(f"NetSuite vendor {vendor}")
        await expect(page.locator("pre.payload").first).to_contain_text(f'"{MISSING_FIELD}"')

        replay_url = f"{served.base_url}/dashboard/connections/acme/records/vendor/{vendor}/replay"
        cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
        async with httpx.AsyncClient(cookies=cookies) as http:
            assert (await http.post(replay_url)).status_code == 403, "no CSRF token, no replay"

        await fix_the_cause(store)
        await page.get_by_role("button", name="Replay").click()
        await expect(page.get_by_role("status")).to_have_text("Replayed: Zoho accepted the record.")
        newest = page.locator("article.attempt").first
        await expect(newest.locator(".badge")).to_have_text("written")
        await expect(newest).to_contain_text("replay of #")
        await expect(page.get_by_role("button", name="Replay")).to_have_count(0)

    async with httpx.AsyncClient() as http:
        state = await http.get(sandbox.zoho.control_url(sandbox.zoho_at.base_url) + "/state")
    in_zoho = [r for r in state.json()["records"]["Vendors"] if r.get("NetSuite_ID") == vendor]
    industry = sandbox.netsuite.account.db.select(
        f"SELECT custentity_industry FROM vendor WHERE id = {int(vendor)}"  # noqa: S608 - an int
    )[0]["custentity_industry"]
    assert [r[MISSING_FIELD] for r in in_zoho] == [industry]
