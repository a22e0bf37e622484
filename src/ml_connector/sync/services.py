"""Everything a connection's sync needs, wired once: readers, the Zoho client, the pipeline.

Commands (``sync``, ``replay``, ``demo``) and, later, the workers open the same services, so
the concurrency limits, retry policy and mapping are set in one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import Engine

from ml_connector.auth.session import Session, SessionOptions, open_session
from ml_connector.mapping import MappingFile
from ml_connector.netsuite import RecordReader, SuiteQL, account_zone
from ml_connector.rest import AdaptiveLimiter
from ml_connector.store.keyring import Keyring
from ml_connector.sync.pipeline import Pipeline
from ml_connector.zoho import ZohoCRM, concurrency_for

__all__ = ["Services", "open_services"]


@dataclass(frozen=True)
class Services:
    """One connection's sync machinery."""

    connection_id: int
    session: Session
    suiteql: SuiteQL
    reader: RecordReader
    zoho: ZohoCRM
    pipeline: Pipeline
    mapping: MappingFile


@contextlib.asynccontextmanager
async def open_services(
    engine: Engine,
    keyring: Keyring,
    name: str,
    *,
    mapping: MappingFile,
    options: SessionOptions | None = None,
) -> AsyncIterator[Services]:
    """Open both sides of connection ``name`` and build the sync on top of them."""
    async with open_session(engine, keyring, name, options) as session:
        row = session.connection
        limit = int(row.config["netsuite"].get("concurrency", 4))
        suiteql = SuiteQL(session.netsuite, limiter=AdaptiveLimiter(limit, adaptive=False))
        zone = account_zone(row.config["netsuite"].get("time_zone"))
        reader = RecordReader(suiteql, custom_fields=mapping.custom_columns(), zone=zone)
        probe = ZohoCRM(session.zoho)
        zoho = ZohoCRM(session.zoho, edition_limit=concurrency_for(await probe.org()))
        pipeline = Pipeline(
            engine, row.id, reader=reader, zoho=zoho, mapping=mapping,
            capacity=zoho.upsert_capacity,
        )  # fmt: skip
        yield Services(row.id, session, suiteql, reader, zoho, pipeline, mapping)
