"""The pipeline: inbox → NetSuite rows → mapping → Zoho upserts → links, audit, done.

One ``drain_once`` claims a batch of inbox rows by lease, coalesces them per record, takes each
record's row from its event (polls and backfills carry it) or fetches the rest a thousand ids
per query, and writes in waves (see :mod:`.plan`): a lookup to a record written in the same run
waits one wave, and a lookup to a record that was never synced fetches that record too.

Crash safety: Zoho writes are upserts keyed on our NetSuite id field, and links, audit rows and
the inbox rows' ``done`` are committed together after the writes. A crash before that commit
leaves the rows leased; when the lease expires they are claimed again and the same upserts
update the same Zoho records: nothing is lost and nothing is duplicated.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import (
    Awaitable,
    Callable,
    Coroutine,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Engine

from ml_connector.mapping import AwaitingDependency, MappedRecord, MappingFailure, MappingFile
from ml_connector.netsuite import RecordReader
from ml_connector.store.audit import (
    FAILED,
    SKIPPED,
    UNCHANGED,
    WRITTEN,
    AuditEntry,
    record_audit,
)
from ml_connector.store.inbox import InboxRow
from ml_connector.store.leases import claim, claimable, finish, release
from ml_connector.store.links import Link, find_links, save_links
from ml_connector.store.runs import finish_run, start_run
from ml_connector.sync.packing import Group, UpsertPacker
from ml_connector.sync.plan import Key, Wave, coalesce, newest_payload, plan_wave
from ml_connector.sync.zoho_edits import CALLBACK_SOURCE, settle_edits

__all__ = ["DrainReport", "Guard", "Pipeline", "WriteResultLike", "ZohoWriter"]

MAX_WAVES = 16
# how long a batch waits for a record that another batch in flight is writing
ELSEWHERE_SECONDS = 60.0
# how long an idle worker of a lingering drain rests before looking for new rows again
LINGER_REST_SECONDS = 0.2

Guard = Callable[[Coroutine[Any, Any, "DrainReport"]], Awaitable["DrainReport"]]


class WriteResultLike(Protocol):
    """What the pipeline reads from one record's write result."""

    @property
    def ok(self) -> bool: ...
    @property
    def record_id(self) -> str | None: ...
    @property
    def code(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...


class ZohoWriter(Protocol):
    """The Zoho client's upsert, as the pipeline uses it."""

    async def upsert(
        self,
        module: str,
        records: list[dict[str, Any]],
        *,
        duplicate_check_fields: list[str],
    ) -> Sequence[WriteResultLike]: ...


@dataclass(frozen=True)
class DrainReport:
    """What one drain did."""

    claimed: int = 0
    written: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0

    def __add__(self, other: DrainReport) -> DrainReport:
        return DrainReport(
            *(getattr(self, f) + getattr(other, f) for f in self.__dataclass_fields__)
        )


@dataclass
class _Batch:
    """Everything one drain decides, committed at the end in one transaction."""

    rows: dict[Key, Mapping[str, Any]] = field(default_factory=dict)
    zoho_ids: dict[Key, str] = field(default_factory=dict)
    hashes: dict[Key, str | None] = field(default_factory=dict)
    written_at: dict[Key, datetime | None] = field(default_factory=dict)
    fetching: set[Key] = field(default_factory=set)  # dependencies fetched, not yet written
    links: list[Link] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for entry in self.audit if entry.outcome == outcome)


@dataclass
class _Idle:
    """What a drain's workers share about waiting for rows (see ``Pipeline.drain``)."""

    rest: Callable[[], Awaitable[None]]
    busy: int = 0  # batches in flight
    claimed_at: float = field(default_factory=time.monotonic)  # when a claim last found rows
    watch: asyncio.Lock = field(default_factory=asyncio.Lock)  # one idle worker looks at a time


async def _rest() -> None:
    await asyncio.sleep(LINGER_REST_SECONDS)


class Pipeline:
    """Drains one connection's inbox into Zoho."""

    def __init__(
        self,
        engine: Engine,
        connection_id: int,
        *,
        reader: RecordReader,
        zoho: ZohoWriter,
        mapping: MappingFile,
        batch: int = 500,
        lease: timedelta = timedelta(minutes=5),
        clock: Callable[[], float] = time.time,
        capacity: Callable[[], int] | None = None,
    ) -> None:
        """``capacity`` tells how many upserts Zoho takes at once (see :mod:`.packing`)."""
        self.engine, self.connection_id = engine, connection_id
        self.reader, self.zoho, self.mapping = reader, zoho, mapping
        self.batch, self.lease, self.clock = batch, lease, clock
        self.packer = UpsertPacker(zoho, capacity=capacity)
        # Shared by the batches in flight: Zoho ids written but maybe not yet committed (Zoho
        # has them, so a lookup may point at them), which records each batch holds from claim
        # to commit, and which dependencies a batch fetched to write itself, until it has.
        self._written: dict[Key, str] = {}
        self._written_facts: dict[Key, tuple[str, datetime]] = {}  # payload hash, when
        self._holding: dict[Key, int] = {}
        self._fetching: dict[Key, int] = {}
        # Zoho's callbacks are settled one batch at a time: two batches comparing one record
        # side by side could each see the person's edit, and the second would take the first's
        # re-assertion for a revert loop
        self._settling = asyncio.Lock()
        self._progress = asyncio.Event()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    async def drain(
        self,
        *,
        workers: int = 1,
        until: Callable[[], bool] | None = None,
        guard: Guard | None = None,
        after_batch: Callable[[DrainReport], Awaitable[None]] | None = None,
        linger: float = 0.0,
        rest: Callable[[], Awaitable[None]] | None = None,
    ) -> DrainReport:
        """Drain until nothing is claimable; ``workers`` batches are in flight at once.

        Several batches overlap one batch's waiting on Zoho with another's mapping and
        committing; leases keep them from taking the same rows, and their writes share full
        calls (see :mod:`.packing`). ``until`` is asked after each batch and stops the drain when
        it answers True (a shutdown, the end of a connection's turn), so every worker makes
        progress at least once; ``guard`` wraps
        each batch (e.g. to cancel it past a grace period); ``after_batch`` hears each report.

        With ``linger``, a worker that finds nothing to claim does not end the drain while
        events keep arriving: idle workers take turns to look again after ``rest`` (0.2 s by
        default), one at a time, so under a steady stream a new batch starts every rest while
        earlier ones wait on NetSuite and Zoho, instead of one batch collecting everything that
        arrived during the previous one's calls. The drain ends once no batch is in flight and
        nothing was claimed for ``linger`` seconds.
        """
        idle = _Idle(rest or _rest)

        async def one_worker() -> DrainReport:
            total = DrainReport()
            async with self.packer.producing():
                while True:
                    batch = self.drain_once()
                    idle.busy += 1
                    try:
                        report = await (batch if guard is None else guard(batch))
                    finally:
                        idle.busy -= 1
                    if report.claimed:
                        idle.claimed_at = time.monotonic()
                        total += report
                        if after_batch is not None:
                            await after_batch(report)
                    if until is not None and until():
                        break
                    if not report.claimed and (
                        linger <= 0 or not await self._rows_arrive(idle, linger, until)
                    ):
                        break
            return total

        reports = await asyncio.gather(*(one_worker() for _ in range(workers)))
        return sum(reports, DrainReport())

    async def _rows_arrive(
        self, idle: _Idle, linger: float, until: Callable[[], bool] | None
    ) -> bool:
        """Wait, while the drain lingers, until rows are claimable; False to end the drain."""
        with self.packer.blocked():  # an idle worker adds nothing to the calls being filled
            async with idle.watch:
                while True:
                    quiet = time.monotonic() - idle.claimed_at
                    if (not idle.busy and quiet >= linger) or (until is not None and until()):
                        return False
                    await idle.rest()
                    if await asyncio.to_thread(
                        claimable, self.engine, self.connection_id, self._now()
                    ):
                        return True

    async def drain_once(self) -> DrainReport:
        """Claim one batch and carry it all the way to Zoho."""
        claimed = await asyncio.to_thread(
            claim, self.engine, self.connection_id, limit=self.batch, lease=self.lease,
            now=self._now(),
        )  # fmt: skip
        if not claimed:
            return DrainReport()
        run_id = await asyncio.to_thread(
            start_run, self.engine, self.connection_id, "drain", self._now()
        )
        events = coalesce(r for r in claimed if r.source != CALLBACK_SOURCE)
        await self._after_holders(events)
        work = _Batch()
        with self._held(events):  # until committed: Zoho may have them before the store
            try:
                await self._settle(work, claimed, events)
            except BaseException as exc:
                await asyncio.to_thread(release, self.engine, [row.id for row in claimed])
                await asyncio.to_thread(self._close_run, run_id, {}, f"{type(exc).__name__}: {exc}")
                raise
            finally:
                self._fetched(work, set(work.fetching))
            await asyncio.to_thread(self._commit, work, claimed, run_id)
        report = DrainReport(
            len(claimed), work.count(WRITTEN), work.count(UNCHANGED), work.count(FAILED),
            work.count(SKIPPED),
        )  # fmt: skip
        await asyncio.to_thread(self._close_run, run_id, report.__dict__, None)
        return report

    def _close_run(self, run_id: int, counts: Mapping[str, int], error: str | None) -> None:
        finish_run(self.engine, run_id, now=self._now(), counts=counts, error=error)

    def _commit(self, work: _Batch, claimed: list[InboxRow], run_id: int) -> None:
        now = self._now()
        with self.engine.begin() as conn:
            save_links(conn, self.connection_id, work.links)
            record_audit(conn, self.connection_id, work.audit, run_id=run_id, now=now)
            finish(conn, [row.id for row in claimed], now=now)

    async def _after_holders(self, keys: Iterable[Key]) -> None:
        """Wait while another batch in flight holds any of these records, until it commits.

        Two batches writing one record side by side could land in either order: a row read
        before an edit (a backfill page) could overwrite the edit's write. Taken up after the
        other batch commits, the record's link says when it was last written, and an older
        row is read again (see :func:`.plan.newest_payload`).
        """
        wanted = list(keys)
        while any(self._taken(key) for key in wanted):
            if not await self._other_batches_progress():
                return  # a holder stuck for that long: go ahead rather than stall the drain

    def _taken(self, key: Key) -> bool:
        """Whether a batch in flight holds this record or fetched it to write as a dependency."""
        return key in self._holding or key in self._fetching

    @contextlib.contextmanager
    def _held(self, keys: Iterable[Key]) -> Iterator[None]:
        """Mark records as held by a batch in flight, from its claim to its commit."""
        held = list(keys)
        _count(self._holding, held, +1)
        try:
            yield
        finally:
            _count(self._holding, held, -1)
            self._progressed()

    def _fetched(self, work: _Batch, keys: set[Key]) -> None:
        """Let go of dependencies this batch has written (or failed, or did not find)."""
        keys &= work.fetching
        if keys:
            work.fetching -= keys
            _count(self._fetching, keys, -1)
            self._progressed()

    def _progressed(self) -> None:
        """Wake the batches waiting for a record another batch holds."""
        self._progress.set()
        self._progress = asyncio.Event()

    async def _settle(
        self, work: _Batch, claimed: list[InboxRow], events: dict[Key, list[InboxRow]]
    ) -> None:
        work.audit += await self._zoho_edits([r for r in claimed if r.source == CALLBACK_SOURCE])
        await self._known(work, events)  # before the rows: a link says when we last wrote
        work.rows = await self._rows(events, work)
        pending = dict(work.rows)
        for _ in range(MAX_WAVES):
            if not pending:
                break
            pending = await self._wave(work, pending)
        self._unresolved(work, pending)  # a parent chain deeper than MAX_WAVES levels: reported

    async def _zoho_edits(self, rows: list[InboxRow]) -> list[AuditEntry]:
        """Zoho's callbacks are settled apart: see :mod:`.zoho_edits`."""
        if not rows:
            return []
        with self.packer.blocked():  # waiting here adds nothing to the calls being filled
            await self._settling.acquire()
        try:
            return await settle_edits(
                self.engine, self.connection_id, self.zoho, self.mapping, rows,
                in_flight=lambda record_type, record_id: self._taken((record_type, record_id)),
            )  # fmt: skip
        finally:
            self._settling.release()

    async def _rows(self, events: dict[Key, list[InboxRow]], work: _Batch) -> dict[Key, Any]:
        rows: dict[Key, Any] = {}
        wanted: set[Key] = set()
        for key, group in events.items():
            payload = newest_payload(group, work.written_at.get(key))
            if payload is not None:
                rows[key] = payload
            else:
                wanted.add(key)
        missing = _by_type(wanted)
        fetched = await self._fetch(missing)
        for record_type, ids in missing.items():
            for record_id in ids:
                if (record_type, record_id) not in fetched:
                    work.audit.append(
                        AuditEntry(record_type, record_id, SKIPPED, code="NOT_FOUND",
                                   mapping_version=self.mapping.version,
                                   message="no longer in NetSuite (deletions are not synced)")
                    )  # fmt: skip
        return rows | fetched

    async def _fetch(self, wanted: Mapping[str, Sequence[str]]) -> dict[Key, Any]:
        found: dict[Key, Any] = {}
        for record_type, ids in wanted.items():
            for row in await self.reader.by_ids(record_type, list(ids)):
                found[(record_type, str(row["id"]))] = row
        return found

    async def _known(self, work: _Batch, keys: Mapping[Key, Any]) -> None:
        for key in keys:
            if key in self._written:  # written by a batch in flight, maybe not committed yet
                work.zoho_ids[key] = self._written[key]
                work.hashes[key], work.written_at[key] = self._written_facts[key]
        for record_type, ids in _by_type(set(keys)).items():
            links = await asyncio.to_thread(
                find_links, self.engine, self.connection_id, record_type, ids
            )
            for record_id, link in links.items():
                work.zoho_ids[(record_type, record_id)] = link.zoho_id
                work.hashes[(record_type, record_id)] = link.payload_hash
                work.written_at[(record_type, record_id)] = link.written_at

    async def _wave(self, work: _Batch, pending: dict[Key, Any]) -> dict[Key, Any]:
        """Write what is ready; return what must wait for the next wave."""
        wave = plan_wave(self.mapping, pending, work.zoho_ids, work.hashes)
        linked = _needs(wave.waiting) - set(work.zoho_ids)
        if linked:  # lookups to records an earlier run wrote: known now, not a wave later
            await self._known(work, dict.fromkeys(linked))
            if linked & set(work.zoho_ids):  # map again only the records that waited
                waited = {(w.source_type, w.source_id) for w in wave.waiting}
                again = plan_wave(
                    self.mapping, {k: pending[k] for k in waited}, work.zoho_ids, work.hashes
                )
                wave = Wave(
                    wave.write + again.write, wave.unchanged + again.unchanged,
                    wave.failed + again.failed, again.waiting,
                )  # fmt: skip
        work.audit += [_failure(outcome) for outcome in wave.failed]
        work.audit += [_unchanged(record) for record in wave.unchanged]
        await self._write(work, wave.write)
        waiting = {(w.source_type, w.source_id): pending[(w.source_type, w.source_id)]
                   for w in wave.waiting}  # fmt: skip
        needs = _needs(wave.waiting)
        failed = {(e.source_type, e.source_id) for e in work.audit if e.outcome == FAILED}
        # a dependency that failed in this run is not fetched and sent again: its dependents
        # are journalled as waiting for it, and replay completes them once it is fixed
        absent = {need for need in needs - set(work.zoho_ids) - failed if need not in pending}
        await self._known(work, dict.fromkeys(absent))  # linked by another run meanwhile?
        # a record another batch in flight holds or fetched is waited for, not written twice
        elsewhere = {key for key in absent - set(work.zoho_ids) if self._taken(key)}
        mine = absent - set(work.zoho_ids) - elsewhere
        work.fetching |= mine  # taken before the fetch, so no other batch fetches them too
        _count(self._fetching, mine, +1)
        dependencies = await self._fetch(_by_type(mine))
        self._fetched(work, mine - set(dependencies))
        if not (wave.write or dependencies or needs & set(work.zoho_ids)):
            while elsewhere and await self._other_batches_progress():
                if any(k in self._written or not self._taken(k) for k in elsewhere):
                    return waiting  # written (or let go) by the other batch: map again
            self._unresolved(work, waiting, wave.waiting)
            return {}
        work.rows.update(dependencies)
        return waiting | dependencies

    async def _other_batches_progress(self) -> bool:
        """Wait until another batch writes something or finishes; False if none does in time."""
        try:
            with self.packer.blocked():
                await asyncio.wait_for(self._progress.wait(), timeout=ELSEWHERE_SECONDS)
        except TimeoutError:
            return False
        return True

    async def _write(self, work: _Batch, records: list[MappedRecord]) -> None:
        by_module: dict[tuple[str, str], list[MappedRecord]] = {}
        for record in records:
            by_module.setdefault((record.module, record.key_field), []).append(record)
        now = self._now()
        groups = [Group(m, k, [r.payload for r in group]) for (m, k), group in by_module.items()]
        answers = await self.packer.write(groups)
        for group, results in zip(by_module.values(), answers, strict=True):
            for record, result in zip(group, results, strict=True):
                self._journal(work, record, result, now)
        self._fetched(work, {(r.source_type, r.source_id) for r in records})
        self._progressed()

    def _journal(
        self, work: _Batch, record: MappedRecord, result: WriteResultLike, now: datetime
    ) -> None:
        key = (record.source_type, record.source_id)
        if result.ok and result.record_id:
            work.zoho_ids[key] = self._written[key] = result.record_id
            digest = record.payload_hash()
            self._written_facts[key] = (digest, now)
            work.hashes[key] = digest
            work.links.append(Link(*key, record.module, result.record_id, digest, now))
            # fields the mapping left out on purpose (an invalid phone, say) are told here
            outcome, code, message = WRITTEN, None, _left_out(record)
        else:
            outcome, code, message = FAILED, result.code, result.message
        work.audit.append(
            AuditEntry(
                record.source_type, record.source_id, outcome, record.module,
                result.record_id, record.version, record.payload, code, message,
            )
        )  # fmt: skip

    def _unresolved(
        self,
        work: _Batch,
        pending: Mapping[Key, Any],
        waiting: Sequence[AwaitingDependency] = (),
    ) -> None:
        versions = {(w.source_type, w.source_id): w for w in waiting}
        for key in pending:
            needs = versions.get(key)
            detail = ", ".join(f"{n.ns_type} {n.ns_id}" for n in needs.needs) if needs else ""
            # the payload keeps what is waiting as placeholders: replay completes it from links
            work.audit.append(
                AuditEntry(key[0], key[1], FAILED, code="DEPENDENCY_UNRESOLVED",
                           zoho_module=needs.module if needs else None,
                           payload=needs.placeholder_payload() if needs else None,
                           mapping_version=self.mapping.version,
                           message=f"waits for records that could not be written: {detail}")
            )  # fmt: skip


def _count(counts: dict[Key, int], keys: Iterable[Key], step: int) -> None:
    for key in keys:
        if (left := counts.get(key, 0) + step) > 0:
            counts[key] = left
        else:
            counts.pop(key, None)


def _by_type(keys: set[Key]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for record_type, record_id in sorted(keys):
        grouped.setdefault(record_type, []).append(record_id)
    return grouped


def _needs(waiting: Sequence[AwaitingDependency]) -> set[Key]:
    return {(n.ns_type, n.ns_id) for w in waiting for n in w.needs}


def _left_out(record: MappedRecord) -> str | None:
    if not record.warnings:
        return None
    return "left out: " + "; ".join(f"{w.field}: {w.code} {w.message}" for w in record.warnings)


def _failure(outcome: MappingFailure) -> AuditEntry:
    problems = "; ".join(f"{p.field}: {p.code} {p.message}" for p in outcome.problems)
    first = outcome.problems[0].code if outcome.problems else "MAPPING"
    return AuditEntry(
        outcome.source_type, outcome.source_id, FAILED, mapping_version=outcome.version,
        code=first, message=problems,
    )  # fmt: skip


def _unchanged(record: MappedRecord) -> AuditEntry:
    return AuditEntry(
        record.source_type, record.source_id, UNCHANGED, record.module,
        mapping_version=record.version,
    )  # fmt: skip
