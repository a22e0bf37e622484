"""How many NetSuite rows the default mapping turns into Zoho payloads per second, on one core.

Run: ``python benchmarks/mapping_throughput.py [rows]`` (default 50,000). Rows are drawn from a
fixed seed in the shape the NetSuite readers produce (60% customers, 15% vendors, 25% contacts,
with addresses, real-looking phone numbers and a few bad values), and every lookup resolves.
Prints the figures and writes ``benchmarks/results/mapping_throughput.json``.
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ml_connector.mapping import MappedRecord, MappingFailure, apply, default_mapping
from ml_connector.mapping.transforms import e164

CITIES = (
    ("Austin", "TX", "78701", "US"),
    ("London", "", "EC1A 1BB", "GB"),
    ("Lyon", "", "69001", "FR"),
)
CATEGORIES = ("Corporate", "Reseller", "Government", "Education", "Individual")


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return "555-01"  # invalid: reported, never guessed
    area = rng.choice((212, 312, 415, 512, 617, 646, 720, 206))
    return f"({area}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}"


def _entity(rng: random.Random, n: int) -> dict[str, Any]:
    city, state, zip_code, country = rng.choice(CITIES)
    row: dict[str, Any] = {
        "id": str(n), "entityid": f"C{n}", "companyname": f"Company {n} Ltd",
        "isperson": False, "email": f"ap.{n}@example.com", "phone": _phone(rng),
        "fax": _phone(rng) if rng.random() < 0.3 else None, "url": f"https://c{n}.example",
        "isinactive": rng.random() < 0.05, "category": str(rng.randint(1, 5)),
        "category_name": rng.choice(CATEGORIES), "parent": str(n - 1) if n % 10 == 0 else None,
    }  # fmt: skip
    for prefix in ("bill", "ship"):
        row |= {f"{prefix}addr1": f"{n} Main St", f"{prefix}city": city, f"{prefix}state": state}
        row |= {f"{prefix}zip": zip_code, f"{prefix}country": country}
    return row


def _contact(rng: random.Random, n: int) -> dict[str, Any]:
    return {
        "id": str(n), "entityid": f"P{n}", "firstname": "Ada", "lastname": f"Lovelace {n}",
        "email": f"Ada.{n}@Example.com", "phone": _phone(rng), "title": "Buyer",
        "isinactive": False, "company": str(n - 1),
        "company_type": rng.choice(("customer", "vendor")),
    }  # fmt: skip


def rows(count: int, seed: int = 1) -> list[tuple[str, dict[str, Any]]]:
    rng = random.Random(seed)
    kinds = rng.choices(("customer", "vendor", "contact"), (0.6, 0.15, 0.25), k=count)
    return [
        (kind, _contact(rng, n) if kind == "contact" else _entity(rng, n))
        for n, kind in enumerate(kinds, 1)
    ]


def _resolve(ns_type: str, ns_id: str) -> str | None:
    return f"z{ns_id}"


def _run(
    batch: list[tuple[str, dict[str, Any]]], *, cold: bool = True
) -> tuple[float, Counter[str]]:
    mapping = default_mapping()
    if cold:
        e164.cache_clear()  # every number is read afresh, as for rows never seen before
    outcomes: Counter[str] = Counter()
    started = time.perf_counter()
    for source_type, row in batch:
        outcome = apply(mapping, source_type, row, _resolve)
        outcomes[type(outcome).__name__] += 1
    return time.perf_counter() - started, outcomes


def main(count: int) -> dict[str, Any]:
    batch = rows(count)
    _run(batch[:1000])  # warm caches (country table, phone metadata) before timing
    timings = [_run(batch) for _ in range(3)]
    best, outcomes = min(timings, key=lambda t: t[0])
    again = min(_run(batch, cold=False)[0] for _ in range(3))
    mapping = default_mapping()
    warnings = sum(
        len(o.warnings)
        for source_type, row in batch[:5000]
        if isinstance(o := apply(mapping, source_type, row, _resolve), MappedRecord)
    )
    figures = {
        "rows": count,
        "best_of": len(timings),
        "seconds": round(best, 3),
        "records_per_second": round(count / best),
        "microseconds_per_record": round(best / count * 1e6, 1),
        "records_per_second_mapped_again": round(count / again),
        "mapped": outcomes[MappedRecord.__name__],
        "failed": outcomes[MappingFailure.__name__],
        "warnings_in_first_5000": warnings,
        "mapping_version": mapping.version,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for name, value in figures.items():
        print(f"{name:>24}: {value}")
    out = Path(__file__).parent / "results" / "mapping_throughput.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50_000)
