"""Reference data: NetSuite categories against Zoho picklists, NetSuite parents against Zoho's.

Records flow one way, but a record can only be written when the values it refers to exist on
the other side: a category mapped to a picklist value Zoho lacks, a customer whose parent link
Zoho shows differently. ``align`` compares what the mapping implies with what each side has:

* categories: each mapping rule that reads ``category_name`` into a Zoho picklist field. Every
  NetSuite category, mapped through the rule, should be one of the field's values, and so should
  every value the rule names (``values``); those missing are added to the picklist (to Zoho).
  The rule's own entries are its reverse: a value ``Reseller: Distributor`` says NetSuite should
  have a ``Reseller`` category, which is created through the record service (to NetSuite, as a
  ``customercategory``, ``vendorcategory`` or ``contactcategory``). A
  ``copy`` rule is the identity both ways; values a rule reaches only by ``default`` have no
  reverse and create nothing;
* hierarchies: a lookup rule whose target is the record's own type (``Parent_Account``). For
  each synced record, the Zoho record its NetSuite parent is linked to should be the one Zoho
  holds. A record that differs is queued again, with its last-written hash forgotten, so the
  next drain writes it (NetSuite owns hierarchies: nothing is written to NetSuite).

Nothing else is compared, so a second run after ``apply`` finds nothing to do.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from sqlalchemy import Engine

from ml_connector.errors import ConfigError, ConnectorError
from ml_connector.mapping import CATEGORY_COLUMN, EntityMapping, MappingFile
from ml_connector.mapping.rules import CopyRule, LookupRule, ValueMapRule
from ml_connector.netsuite import RecordReader, RecordService, SuiteQL
from ml_connector.store.links import find_links
from ml_connector.sync.reconcile import Difference as RecordDifference
from ml_connector.sync.reconcile import queue_fixes
from ml_connector.zoho import ZohoCRM

__all__ = [
    "DIRECTIONS",
    "AlignReport",
    "Difference",
    "align",
    "category_gaps",
    "parse_direction",
]

logger = logging.getLogger(__name__)

Direction = Literal["to-zoho", "to-netsuite", "both"]
DIRECTIONS: tuple[Direction, ...] = ("to-zoho", "to-netsuite", "both")
CATEGORY_RECORDS = {t: f"{t}category" for t in ("customer", "vendor", "contact")}
NO_VALUE = "-None-"  # Zoho's placeholder option of standard picklists, never a category
ADD_VALUE, CREATE, REQUEUE = "add picklist value", "create category", "queue record"
IDS_PER_READ = 100


@dataclass(frozen=True)
class Difference:
    """One thing missing or different on one side, and what ``apply`` does about it."""

    side: Literal["zoho", "netsuite"]
    kind: Literal["picklist value", "category", "parent"]
    where: str  # Accounts.Account_Type, customercategory, customer 107
    value: str
    action: str
    outcome: str = ""  # after apply: "done", or "failed: …"


@dataclass
class AlignReport:
    """Every difference found, with its outcome once applied."""

    differences: list[Difference] = field(default_factory=list)

    def failed(self) -> int:
        """How many differences could not be applied."""
        return sum(1 for d in self.differences if d.outcome.startswith("failed"))


def parse_direction(raw: str) -> Direction:
    """``to-zoho``, ``to-netsuite`` or ``both``; anything else is a one-line error."""
    for direction in DIRECTIONS:
        if raw == direction:
            return direction
    raise ConfigError(f"unknown direction {raw!r}", hint=f"choose from {', '.join(DIRECTIONS)}")


@dataclass(frozen=True)
class CategoryRule:
    """A mapping rule that turns a NetSuite category into a Zoho field's value."""

    record_type: str
    module: str
    field: str
    rule: ValueMapRule | CopyRule


def category_rules(mapping: MappingFile) -> list[CategoryRule]:
    """The rules of customers, vendors and contacts that read ``category_name``."""
    found = []
    for record_type in CATEGORY_RECORDS:
        entity = getattr(mapping, record_type)
        for name, rule in entity.fields.items() if entity else ():
            if isinstance(rule, ValueMapRule | CopyRule) and rule.source == CATEGORY_COLUMN:
                found.append(CategoryRule(record_type, entity.module, name, rule))
    return found


def _forward(rule: ValueMapRule | CopyRule, category: str) -> str | None:
    """The Zoho value of a NetSuite category under ``rule`` (None: the rule has none)."""
    if isinstance(rule, CopyRule):
        return category
    if category in rule.values:
        return _text(rule.values[category])
    return {"pass": category, "default": _text(rule.default)}.get(rule.unmapped)


def category_gaps(
    rule: ValueMapRule | CopyRule, categories: Iterable[str], picklist: Iterable[str]
) -> tuple[list[str], list[str]]:
    """(values Zoho's picklist lacks, categories NetSuite lacks) by ``rule``; sorted, no repeats."""
    have_ns = set(categories)
    have_zoho = set(picklist) - {NO_VALUE}
    wanted_zoho = {_forward(rule, name) for name in have_ns}
    if isinstance(rule, ValueMapRule):
        wanted_zoho |= {str(v) for v in rule.values.values() if v not in (None, "")}
        wanted_ns = set(rule.values)
    else:
        wanted_ns = have_zoho
    missing_zoho = sorted(v for v in wanted_zoho - have_zoho if v is not None)
    return missing_zoho, sorted(wanted_ns - have_ns)


def hierarchy_rules(mapping: MappingFile) -> list[tuple[str, EntityMapping, str, LookupRule]]:
    """(record type, its mapping, field, rule) of each lookup to a record of the same type."""
    found: list[tuple[str, EntityMapping, str, LookupRule]] = []
    for record_type in mapping.source_types():
        entity = mapping.entity(record_type)
        for name, rule in entity.fields.items():
            if isinstance(rule, LookupRule) and rule.target == record_type:
                found.append((record_type, entity, name, rule))
    return found


@dataclass(frozen=True)
class Sides:
    """Both systems as ``align`` reads and writes them."""

    suiteql: SuiteQL
    records: RecordService
    reader: RecordReader
    zoho: ZohoCRM


async def align(
    engine: Engine,
    connection_id: int,
    sides: Sides,
    mapping: MappingFile,
    *,
    direction: Direction = "both",
    apply: bool = False,
) -> AlignReport:
    """Compare reference data in ``direction``; with ``apply``, fix what the mapping allows."""
    aligner = _Aligner(engine, connection_id, sides, mapping)
    found: list[Difference] = []
    for category_rule in category_rules(mapping):
        found += await aligner.categories(category_rule)
    if direction != "to-netsuite":
        for record_type, entity, name, lookup in hierarchy_rules(mapping):
            found += await aligner.parents(record_type, entity, name, lookup)
    wanted = [d for d in found if direction == "both" or d.side == direction.removeprefix("to-")]
    if apply:
        wanted = await aligner.apply(wanted)
    return AlignReport(wanted)


@dataclass
class _Aligner:
    engine: Engine
    connection_id: int
    sides: Sides
    mapping: MappingFile
    _fields: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _categories: dict[str, list[str]] = field(default_factory=dict)

    async def categories(self, rule: CategoryRule) -> list[Difference]:
        meta = await self._field(rule.module, rule.field)
        if meta is None or meta.get("data_type") != "picklist":
            return []  # a text field takes any category: nothing to align
        table = CATEGORY_RECORDS[rule.record_type]
        picklist = [str(v.get("display_value")) for v in meta.get("pick_list_values") or []]
        to_zoho, to_ns = category_gaps(rule.rule, await self._names(table), picklist)
        where = f"{rule.module}.{rule.field}"
        return [Difference("zoho", "picklist value", where, v, ADD_VALUE) for v in to_zoho] + [
            Difference("netsuite", "category", table, v, CREATE) for v in to_ns
        ]

    async def _field(self, module: str, name: str) -> dict[str, Any] | None:
        if module not in self._fields:
            self._fields[module] = await self.sides.zoho.fields(module)
        return next((f for f in self._fields[module] if f.get("api_name") == name), None)

    async def _names(self, table: str) -> list[str]:
        if table not in self._categories:
            query = f"SELECT id, name FROM {table}"  # noqa: S608 - a fixed table name
            rows = [row async for row in self.sides.suiteql.rows(query)]
            self._categories[table] = [str(r["name"]) for r in rows if r.get("name")]
        return self._categories[table]

    async def parents(
        self, record_type: str, entity: EntityMapping, name: str, rule: LookupRule
    ) -> list[Difference]:
        found: list[Difference] = []
        async for rows in self.sides.reader.pages(record_type):
            parents = {str(r["id"]): _text(r.get(rule.source)) for r in rows}
            found += await self._page_parents(record_type, entity.module, name, parents)
        return found

    async def _page_parents(
        self, record_type: str, module: str, name: str, parents: Mapping[str, str | None]
    ) -> list[Difference]:
        links = await self._links(record_type, parents)
        parent_ids = [p for p in parents.values() if p]
        parent_links = await self._links(record_type, parent_ids)
        held = await self._zoho_parents(module, name, [link.zoho_id for link in links.values()])
        found = []
        for ns_id, link in links.items():
            parent = parents[ns_id]
            expected = parent_links[parent].zoho_id if parent in parent_links else None
            if parent and expected is None:
                continue  # the parent is not in Zoho yet: the pipeline writes it first
            if expected != held.get(link.zoho_id):
                shown = f"{name} → {expected or '(none)'}"
                found.append(Difference("zoho", "parent", f"{record_type} {ns_id}", shown, REQUEUE))
        return found

    async def _links(self, record_type: str, ids: Iterable[str]) -> dict[str, Any]:
        return await asyncio.to_thread(
            find_links, self.engine, self.connection_id, record_type, list(ids)
        )

    async def _zoho_parents(
        self, module: str, name: str, zoho_ids: Sequence[str]
    ) -> dict[str, str | None]:
        held: dict[str, str | None] = {}
        for start in range(0, len(zoho_ids), IDS_PER_READ):
            chunk = zoho_ids[start : start + IDS_PER_READ]
            for record in await self.sides.zoho.get_by_ids(module, chunk, [name]):
                value = record.get(name)
                held[str(record["id"])] = (
                    _text(value.get("id")) if isinstance(value, dict) else None
                )
        return held

    async def apply(self, differences: list[Difference]) -> list[Difference]:
        """Each difference with its outcome; one failure does not stop the others."""
        done = []
        for difference in differences:
            try:
                await self._apply_one(difference)
            except ConnectorError as exc:
                done.append(replace(difference, outcome=f"failed: {exc.message}"))
            else:
                done.append(replace(difference, outcome="done"))
            logger.info("align applied", extra=dict(done[-1].__dict__))
        return done

    async def _apply_one(self, difference: Difference) -> None:
        if difference.kind == "category":
            await self.sides.records.create(difference.where, {"name": difference.value})
        elif difference.kind == "picklist value":
            module, _, name = difference.where.partition(".")
            meta = await self._field(module, name)
            assert meta is not None  # it was read to find this difference
            await self.sides.zoho.add_picklist_values(module, str(meta["id"]), [difference.value])
        else:
            record_type, _, record_id = difference.where.partition(" ")
            fix = RecordDifference(record_type, record_id, "different")
            await asyncio.to_thread(queue_fixes, self.engine, self.connection_id, [fix])


def _text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)
