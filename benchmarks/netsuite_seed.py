"""How long the NetSuite simulator takes to seed and query its data; prints and saves figures.

Run: ``python benchmarks/netsuite_seed.py [records]`` (default 100,000). Writes
``benchmarks/results/netsuite_seed.json``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from ml_connector.sandbox.netsuite.suiteql import run_page

KEYSET = (
    "SELECT c.id, c.companyname, BUILTIN.DF(c.category) AS category, a.city "
    "FROM customer c, customeraddressbookentityaddress a "
    "WHERE a.nkey(+) = c.defaultbillingaddress AND c.id > ? ORDER BY c.id"
)


def main(records: int) -> dict[str, float]:
    started = time.perf_counter()
    simulator = NetSuiteSimulator(records=records, seed=1)
    seeded = time.perf_counter() - started
    db = simulator.account.db
    rows = {t: db.count(t) for t in ("customer", "vendor", "contact", "entityaddress")}
    started = time.perf_counter()
    page = run_page(db, KEYSET, ["0"], 1000, 0)
    queried = time.perf_counter() - started
    figures = {
        "records": records,
        "seed_seconds": round(seeded, 3),
        "records_per_second": round(records / seeded),
        "first_keyset_page_seconds": round(queried, 3),
        "customers_total": page.total,
        **{f"rows_{t}": n for t, n in rows.items()},
    }
    for name, value in figures.items():
        print(f"{name:>28}: {value}")
    out = Path(__file__).parent / "results" / "netsuite_seed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
