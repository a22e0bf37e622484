"""Full upsert calls across batches: the records of every batch in flight share Zoho's calls.

One batch alone rarely fills its calls: its records split by module and by wave (parents
before children), so a batch of 500 costs six or seven calls instead of five. Zoho's limits
count calls, not records, so every partial call lowers the ceiling. The packer collects what
the batches in flight want written, per module, and sends a call as soon as it holds 100
records. When it knows Zoho's capacity, a partial call goes once fewer than half of Zoho's
slots are busy, so Zoho never idles for it and it has the calls in flight's time to fill;
without, it goes when no batch could add to it (every batch still producing is waiting for
its writes, or has stopped).

Results come back to each batch in the order it gave its records, exactly as if it had made
the calls itself; a call that raises fails every batch that had a record in it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["Group", "UpsertPacker"]

CALL_SIZE = 100


class _Writer(Protocol):
    async def upsert(
        self,
        module: str,
        records: list[dict[str, Any]],
        *,
        duplicate_check_fields: list[str],
    ) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Group:
    """Records one batch wants written to one module, keyed on one field."""

    module: str
    key_field: str
    records: list[dict[str, Any]]


@dataclass
class _Pending:
    payloads: list[dict[str, Any]] = field(default_factory=list)
    futures: list[asyncio.Future[Any]] = field(default_factory=list)


class UpsertPacker:
    """Packs the upserts of concurrent producers into calls of up to ``size`` records.

    Each producer (a drain worker) holds :meth:`producing` while it runs, so the packer knows
    how many could still add records; with a single producer every write goes out at once.
    ``capacity`` says how many upserts Zoho takes at once: while fewer are in flight, a partial
    call goes at once too, since it uses room that would otherwise stay idle; only when Zoho is
    busy do partial calls wait to be filled.
    """

    def __init__(
        self,
        zoho: _Writer,
        *,
        size: int = CALL_SIZE,
        capacity: Callable[[], int] | None = None,
    ) -> None:
        if not 1 <= size <= CALL_SIZE:
            raise ValueError(f"a call holds 1..{CALL_SIZE} records")
        self.zoho, self.size, self.capacity = zoho, size, capacity
        self.producers = 0
        self.waiting = 0
        self.calls = 0
        self.in_flight = 0
        self._pending: dict[tuple[str, str], _Pending] = {}
        self._sending: set[asyncio.Task[None]] = set()

    @contextlib.asynccontextmanager
    async def producing(self) -> AsyncIterator[None]:
        """Count the caller as a producer for the duration of the block."""
        self.producers += 1
        try:
            yield
        finally:
            self.producers -= 1
            self._flush_if_idle()

    async def write(self, groups: Sequence[Group]) -> list[list[Any]]:
        """Each group's results, in its records' order, once every one of them is written."""
        loop = asyncio.get_running_loop()
        answers: list[list[asyncio.Future[Any]]] = []
        for group in groups:
            pending = self._pending.setdefault((group.module, group.key_field), _Pending())
            futures = [loop.create_future() for _ in group.records]
            pending.payloads += group.records
            pending.futures += futures
            answers.append(futures)
            self._send_full(group.module, group.key_field)
        with self.blocked():
            return [list(await asyncio.gather(*futures)) for futures in answers]

    @contextlib.contextmanager
    def blocked(self) -> Iterator[None]:
        """Count the caller as unable to add records for the duration of the block.

        A producer waits for its writes inside :meth:`write`; one waiting for something else
        (a record another batch is writing) says so with this, or the batches would wait for
        each other: it for their write, they for it to fill their partial calls.
        """
        self.waiting += 1
        try:
            self._flush_if_idle()
            yield
        finally:
            self.waiting -= 1

    def _send_full(self, module: str, key_field: str) -> None:
        pending = self._pending[(module, key_field)]
        while len(pending.payloads) >= self.size:
            self._send(module, key_field, pending, self.size)

    def _flush_if_idle(self) -> None:
        """Send the partial calls when Zoho runs short of work, or when nobody can add to them."""
        if self.capacity is not None:
            # Zoho's slots decide: a partial call sent while they are all taken would only
            # queue behind the others, where it can no longer be filled; held here, it takes
            # the next slot that frees (``_done``), with whatever was added meanwhile. While
            # half the slots are still busy it waits too: Zoho is kept busy, and the batches
            # whose calls come back meanwhile may fill it (each answer looks again, so a
            # partial call waits at most until the calls in flight drop below half)
            if self.in_flight and 2 * self.in_flight >= self.capacity():
                return
        elif self.waiting < self.producers:
            return
        for (module, key_field), pending in self._pending.items():
            while pending.payloads:
                self._send(module, key_field, pending, self.size)

    def _send(self, module: str, key_field: str, pending: _Pending, count: int) -> None:
        payloads, pending.payloads = pending.payloads[:count], pending.payloads[count:]
        futures, pending.futures = pending.futures[:count], pending.futures[count:]
        self.calls += 1
        self.in_flight += 1
        task = asyncio.get_running_loop().create_task(
            self._call(module, key_field, payloads, futures)
        )
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    def _done(self) -> None:
        self.in_flight -= 1
        if any(p.payloads for p in self._pending.values()):
            self._flush_if_idle()

    async def _call(
        self,
        module: str,
        key_field: str,
        payloads: list[dict[str, Any]],
        futures: list[asyncio.Future[Any]],
    ) -> None:
        try:
            results = await self.zoho.upsert(module, payloads, duplicate_check_fields=[key_field])
        except BaseException as exc:
            self._done()
            for future in futures:
                if future.done():
                    continue
                if isinstance(exc, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(exc)
            return
        self._done()
        for future, result in zip(futures, results, strict=True):
            if not future.done():
                future.set_result(result)
