"""Deterministic seed data: what a mid-sized NetSuite account holds, generated from a seed.

Reference rows (subsidiaries, currencies, categories, statuses, sales reps) are fixed; entities
are drawn from a ``random.Random(seed)``: company and individual customers (some with a parent,
some inactive), vendors, contacts attached to either, one or two addresses per customer or vendor
(and for most contacts) through the address-book junction, contact phones, categories and second
emails for a share of contacts, and ``custentity_*`` custom fields. Rows are built as plain
tuples-in-dicts and inserted with ``executemany`` so 100,000 records take seconds.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from ml_connector.sandbox.netsuite.database import Database, Row, iso_utc

__all__ = ["generate", "seed_reference_data"]

_EPOCH = 1767225600  # 2026-01-01T00:00:00Z: seeded history ends here, so seeds are repeatable.
_THREE_YEARS = 3 * 365 * 86400

_COMPANY_WORDS = (
    "Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Soylent",
    "Tyrell", "Cyberdyne", "Aperture", "Wonka", "Gringotts", "Monarch", "Pied Piper", "Nakatomi",
)  # fmt: skip
_COMPANY_SUFFIXES = ("Inc.", "LLC", "Ltd", "GmbH", "Corp.", "& Co.", "Group", "Partners")
_FIRST = ("Alan", "Maria", "Chen", "Fatima", "John", "Priya", "Lars", "Amara", "Diego", "Yuki")
_LAST = ("Rath", "Garcia", "Wei", "Khan", "Smith", "Patel", "Berg", "Okafor", "Lopez", "Sato")
_CITIES = (
    ("Glenrock", "WY", "82637", "US"), ("Austin", "TX", "73301", "US"),
    ("Boston", "MA", "02108", "US"), ("Seattle", "WA", "98101", "US"),
    ("London", "Greater London", "EC1A 1BB", "GB"), ("Manchester", "Lancashire", "M1 1AE", "GB"),
    ("Berlin", "Berlin", "10115", "DE"), ("Toronto", "ON", "M5H 2N2", "CA"),
)  # fmt: skip
_STREETS = ("Washington Blvd", "Main St", "High Street", "Oak Avenue", "Hauptstraße", "King St")
_INDUSTRIES = ("Healthcare", "Manufacturing", "Retail", "Software", "Logistics", "Energy")
_TIERS = ("Gold", "Silver", "Bronze")
_CONTACT_CATEGORIES = ("Primary Contact", "Billing", "Purchasing", "Technical", "Executive")

_REFERENCE: dict[str, list[Row]] = {
    "currency": [
        {"id": 1, "name": "USA", "symbol": "USD", "isinactive": "F"},
        {"id": 2, "name": "British pound", "symbol": "GBP", "isinactive": "F"},
        {"id": 3, "name": "Euro", "symbol": "EUR", "isinactive": "F"},
        {"id": 4, "name": "Canadian Dollar", "symbol": "CAD", "isinactive": "F"},
    ],
    "subsidiary": [
        {"id": 1, "name": "Parent Company", "isinactive": "F", "country": "US", "currency": 1},
        {
            "id": 2,
            "name": "UK Operations",
            "isinactive": "F",
            "parent": 1,
            "country": "GB",
            "currency": 2,
        },
        {
            "id": 3,
            "name": "EMEA Holdings",
            "isinactive": "F",
            "parent": 1,
            "country": "DE",
            "currency": 3,
        },
    ],
    "customercategory": [
        {"id": i, "name": n, "isinactive": "F"}
        for i, n in enumerate(("Corporate", "Individual", "Reseller", "Government", "Education"), 1)
    ],
    "vendorcategory": [
        {"id": i, "name": n, "isinactive": "F"}
        for i, n in enumerate(("Supplier", "Consultant", "Tax agency", "Logistics"), 1)
    ],
    "contactcategory": [
        {"id": i, "name": n, "isinactive": "F"} for i, n in enumerate(_CONTACT_CATEGORIES, 1)
    ],
    "customerstatus": [
        {"id": 6, "name": "LEAD-Unqualified", "stage": "LEAD"},
        {"id": 8, "name": "PROSPECT-In Discussion", "stage": "PROSPECT"},
        {"id": 13, "name": "CUSTOMER-Closed Won", "stage": "CUSTOMER"},
    ],
    "employee": [
        {
            "id": -5,
            "entityid": "Sandbox Administrator",
            "firstname": "Sandbox",
            "lastname": "Administrator",
            "email": "admin@example.com",
            "isinactive": "F",
        },
        {
            "id": 3,
            "entityid": "Alan Rath",
            "firstname": "Alan",
            "lastname": "Rath",
            "email": "alan.rath@example.com",
            "isinactive": "F",
        },
        {
            "id": 4,
            "entityid": "Maria Garcia",
            "firstname": "Maria",
            "lastname": "Garcia",
            "email": "maria.garcia@example.com",
            "isinactive": "F",
        },
    ],
}


def seed_reference_data(db: Database) -> None:
    """Subsidiaries, currencies, categories, statuses and sales reps every account has."""
    for table, rows in _REFERENCE.items():
        db.insert(table, rows)


@dataclass
class _Batch:
    """Rows of one generation run, collected per table and inserted at the end."""

    seed: int
    rows: dict[str, list[Row]] = field(default_factory=dict)
    companies: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, table: str, row: Row) -> None:
        self.rows.setdefault(table, []).append(row)


def _dates(rng: random.Random) -> tuple[str, str]:
    created = _EPOCH - rng.randrange(_THREE_YEARS)
    return iso_utc(created), iso_utc(created + rng.randrange(_EPOCH - created + 1))


def _address(db: Database, rng: random.Random, addressee: str) -> Row:
    city, state, zip_code, country = rng.choice(_CITIES)
    addr1 = f"{rng.randrange(1, 999)} {rng.choice(_STREETS)}"
    return {
        "nkey": db.next_id("entityaddress"), "addr1": addr1, "addressee": addressee,
        "city": city, "state": state, "zip": zip_code, "country": country,
        "dropdownstate": state if country == "US" else None,
        "addrtext": f"{addressee}\n{addr1}\n{city} {state} {zip_code}",
    }  # fmt: skip


def _address_book(db: Database, rng: random.Random, batch: _Batch, owner: str, row: Row) -> None:
    name = row.get("companyname") or f"{row['firstname']} {row['lastname']}"
    billing = _address(db, rng, str(name))
    addresses = [billing] + ([_address(db, rng, str(name))] if rng.random() < 0.3 else [])
    for index, address in enumerate(addresses):
        batch.add("entityaddress", address)
        batch.add(f"{owner}addressbook", {
            "internalid": db.next_id(f"{owner}addressbook"), "entity": row["id"],
            "addressbookaddress": address["nkey"], "label": address["addr1"],
            "defaultbilling": "T" if index == 0 else "F",
            "defaultshipping": "T" if index == len(addresses) - 1 else "F",
        })  # fmt: skip
    row["defaultbillingaddress"] = addresses[0]["nkey"]
    row["defaultshippingaddress"] = addresses[-1]["nkey"]


def _entity(db: Database, rng: random.Random, owner: str, person: bool) -> Row:
    entity_id = db.next_id(owner)
    created, modified = _dates(rng)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    company = None if person else f"{rng.choice(_COMPANY_WORDS)} {rng.choice(_COMPANY_SUFFIXES)}"
    name = company or f"{first} {last}"
    slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")
    return {
        "id": entity_id, "entityid": f"{name} {entity_id}", "altname": name,
        "companyname": company, "isperson": "T" if person else "F",
        "firstname": first if person else None, "lastname": last if person else None,
        "email": f"{slug}.{entity_id}@example.com", "phone": f"+1 617 555 {entity_id % 10000:04d}",
        "isinactive": "T" if rng.random() < 0.05 else "F", "subsidiary": rng.randint(1, 3),
        "currency": rng.randint(1, 4), "datecreated": created, "lastmodifieddate": modified,
        "custentity_industry": rng.choice(_INDUSTRIES), "custentity_tier": rng.choice(_TIERS),
        "custentity_region_code": f"R{rng.randrange(100):02d}",
    }  # fmt: skip


def _customer(db: Database, rng: random.Random, batch: _Batch) -> None:
    row = _entity(db, rng, "customer", person=rng.random() < 0.3)
    parents = [c for c in batch.companies[-50:] if c[0] == "customer"]
    if row["isperson"] == "F" and parents and rng.random() < 0.1:
        row["parent"] = rng.choice(parents)[1]
    row.update(category=rng.randint(1, 5), entitystatus=13, salesrep=rng.choice((3, 4, None)))
    _address_book(db, rng, batch, "customer", row)
    batch.add("customer", row)
    if row["isperson"] == "F":
        batch.companies.append(("customer", row["id"], str(row["subsidiary"])))


def _vendor(db: Database, rng: random.Random, batch: _Batch) -> None:
    row = _entity(db, rng, "vendor", person=rng.random() < 0.1)
    row["category"] = rng.randint(1, 4)
    _address_book(db, rng, batch, "vendor", row)
    batch.add("vendor", row)
    if row["isperson"] == "F":
        batch.companies.append(("vendor", row["id"], str(row["subsidiary"])))


def _contact(db: Database, rng: random.Random, batch: _Batch) -> None:
    if not batch.companies:
        return _customer(db, rng, batch)
    _, company, subsidiary = rng.choice(batch.companies)
    contact_id = db.next_id("contact")
    created, modified = _dates(rng)
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    row = {
        "id": contact_id, "entityid": f"{first} {last} {contact_id}", "company": company,
        "firstname": first, "lastname": last, "title": rng.choice(("CFO", "Buyer", "AP Clerk")),
        "email": f"{first}.{last}.{contact_id}@example.com".lower(),
        "phone": f"+1 617 555 {contact_id % 10000:04d}", "isinactive": "F",
        "subsidiary": int(subsidiary), "datecreated": created, "lastmodifieddate": modified,
    }  # fmt: skip
    _contact_details(db, random.Random(f"{batch.seed}:contact:{contact_id}"), batch, row)
    batch.add("contact", row)
    return None


def _contact_details(db: Database, rng: random.Random, batch: _Batch, row: Row) -> None:
    """Phones, a second email, a category and addresses, each for some share of contacts.

    They come from the contact's own stream, so the rest of a seeded account does not depend
    on them: the same seed gives the same customers and vendors whatever contacts carry.
    """
    number = int(row["id"]) % 10000
    extras = {
        "mobilephone": f"+1 857 555 {number:04d}",
        "officephone": f"+1 617 555 {(number + 1) % 10000:04d}",
        "homephone": f"+1 781 555 {number:04d}",
        "fax": f"+1 617 555 {(number + 2) % 10000:04d}",
        "altemail": f"{row['firstname']}.{row['lastname']}.{row['id']}@home.example".lower(),
        "category": rng.randint(1, len(_CONTACT_CATEGORIES)),
    }
    shares = {"mobilephone": 0.6, "officephone": 0.4, "homephone": 0.15, "fax": 0.25,
              "altemail": 0.35, "category": 0.7}  # fmt: skip
    row.update({k: v for k, v in extras.items() if rng.random() < shares[k]})
    if rng.random() < 0.6:
        _address_book(db, rng, batch, "contact", row)


_KINDS = ((_customer, 0.6), (_vendor, 0.15), (_contact, 0.25))


def generate(db: Database, *, records: int, seed: int) -> dict[str, int]:
    """Add ``records`` entities drawn from ``seed``; returns how many rows each table got."""
    rng = random.Random(seed)
    batch = _Batch(seed)
    makers = [k for k, _ in _KINDS]
    weights = [w for _, w in _KINDS]
    for maker in rng.choices(makers, weights, k=records):
        maker(db, rng, batch)
    books = tuple(f"{owner}addressbook" for owner in ("customer", "vendor", "contact"))
    for table in ("entityaddress", "customer", "vendor", "contact", *books):
        db.insert(table, batch.rows.get(table, []))
    return {table: len(rows) for table, rows in batch.rows.items()}
