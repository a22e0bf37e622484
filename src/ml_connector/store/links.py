"""Links: which Zoho record each NetSuite record became, and the hash of what was last written.

The link is what makes a re-run free (an unchanged payload hash means nothing to write), what
resolves lookups (a parent's Zoho id), and what recognises Zoho's echo of our own write.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from ml_connector.store.tables import links

__all__ = ["Link", "find_links", "link_for_zoho", "save_links"]

_CHUNK = 500


@dataclass(frozen=True)
class Link:
    """One NetSuite record and its Zoho counterpart."""

    ns_type: str
    ns_id: str
    zoho_module: str
    zoho_id: str
    payload_hash: str | None = None
    written_at: datetime | None = None


def _link(row: Any) -> Link:
    return Link(
        row.ns_type, row.ns_id, row.zoho_module, row.zoho_id, row.payload_hash, row.written_at
    )


def find_links(
    engine: Engine, connection_id: int, ns_type: str, ns_ids: Iterable[str]
) -> dict[str, Link]:
    """The links of these records that exist, by NetSuite id."""
    wanted = sorted(set(ns_ids))
    found: dict[str, Link] = {}
    with engine.connect() as conn:
        for start in range(0, len(wanted), _CHUNK):
            query = select(links).where(
                (links.c.connection_id == connection_id)
                & (links.c.ns_type == ns_type)
                & links.c.ns_id.in_(wanted[start : start + _CHUNK])
            )
            found.update({row.ns_id: _link(row) for row in conn.execute(query)})
    return found


def link_for_zoho(engine: Engine, connection_id: int, module: str, zoho_id: str) -> Link | None:
    """The NetSuite record a Zoho record came from, if we wrote it."""
    query = select(links).where(
        (links.c.connection_id == connection_id)
        & (links.c.zoho_module == module)
        & (links.c.zoho_id == zoho_id)
    )
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return _link(row) if row else None


def save_links(conn: Connection, connection_id: int, written: Sequence[Link]) -> None:
    """Insert or update links inside the caller's transaction."""
    if not written:
        return
    module = postgresql if conn.dialect.name == "postgresql" else sqlite
    rows = [{"connection_id": connection_id, **link.__dict__} for link in written]
    statement = module.insert(links)
    changing = ("zoho_module", "zoho_id", "payload_hash", "written_at")
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["connection_id", "ns_type", "ns_id"],
            set_={name: statement.excluded[name] for name in changing},
        ),
        rows,
    )
