"""How fast the NetSuite simulator lists record collections, as ETL sources read them.

A listing client pages ``GET /record/v1/customer`` 1000 ids at a time and narrows reads with
``q`` date windows; this times both in-process (``httpx.ASGITransport``), so the figures are the
simulator's own cost, not the network's. Prints and saves figures.

Run: ``python benchmarks/netsuite_listing.py [records]`` (default 100,000). Writes
``benchmarks/results/netsuite_listing.json``.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import httpx

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.netsuite.scopes import REST_SCOPE

BASE_URL = "https://1234567-sb1.suitetalk.api.netsuite.com"
CUSTOMERS = "/services/rest/record/v1/customer"
WINDOW = 'lastModifiedDate AFTER "1/1/2025" AND lastModifiedDate BEFORE "2/1/2025"'


def _bearer(simulator: NetSuiteSimulator) -> dict[str, str]:
    """A bearer minted by the account's token store: the token exchange is not what is timed."""
    token = simulator.account.tokens.issue_access(frozenset({REST_SCOPE}))
    return {"Authorization": f"Bearer {token}"}


async def _walk(http: httpx.AsyncClient, headers: dict[str, str], **params: str) -> int:
    page = (await http.get(CUSTOMERS, params=params, headers=headers)).json()
    seen = page["count"]
    while nxt := {link["rel"]: link["href"] for link in page["links"]}.get("next"):
        page = (await http.get(nxt, headers=headers)).json()
        seen += page["count"]
    return int(seen)


async def _measure(simulator: NetSuiteSimulator) -> dict[str, float]:
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        headers = _bearer(simulator)
        started = time.perf_counter()
        listed = await _walk(http, headers)
        walked = time.perf_counter() - started
        started = time.perf_counter()
        windowed = await _walk(http, headers, q=WINDOW)
        filtered = time.perf_counter() - started
    return {
        "customers_listed": listed,
        "full_listing_seconds": round(walked, 3),
        "ids_per_second": round(listed / walked),
        "one_month_window_rows": windowed,
        "one_month_window_seconds": round(filtered, 3),
    }


def main(records: int) -> dict[str, float]:
    simulator = NetSuiteSimulator(records=records, seed=1, concurrency=50)
    figures = {"records": records, **asyncio.run(_measure(simulator))}
    for name, value in figures.items():
        print(f"{name:>26}: {value}")
    out = Path(__file__).parent / "results" / "netsuite_listing.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
