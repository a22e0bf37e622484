"""Batches in flight share full upsert calls; each still gets its own results, in order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from ml_connector.sync.packing import Group, UpsertPacker

pytestmark = pytest.mark.anyio


class Recorder:
    """A Zoho writer that answers each record with its own key and remembers every call."""

    def __init__(self, fail_module: str | None = None) -> None:
        self.calls: list[tuple[str, list[str]]] = []
        self.fail_module = fail_module

    async def upsert(
        self, module: str, records: list[dict[str, Any]], *, duplicate_check_fields: list[str]
    ) -> list[str]:
        self.calls.append((module, [r["key"] for r in records]))
        await asyncio.sleep(0)  # answered on a later turn of the loop, as a real call is
        if module == self.fail_module:
            raise ConnectionError("Zoho went away")
        return [f"{module}:{r['key']}" for r in records]


def _group(module: str, prefix: str, count: int) -> Group:
    return Group(module, "NetSuite_ID", [{"key": f"{prefix}{i}"} for i in range(count)])


async def _producer(
    packer: UpsertPacker, groups: list[Group], started: asyncio.Barrier | None = None
) -> list[list[Any]]:
    async with packer.producing():
        if started is not None:  # every batch has claimed its rows before any writes
            await started.wait()
        return await packer.write(groups)


async def test_two_batches_of_150_cost_three_calls_not_four() -> None:
    zoho = Recorder()
    packer = UpsertPacker(zoho)
    started = asyncio.Barrier(2)
    first, second = await asyncio.gather(
        _producer(packer, [_group("Accounts", "a", 150)], started),
        _producer(packer, [_group("Accounts", "b", 150)], started),
    )
    assert [len(keys) for _, keys in zoho.calls] == [100, 100, 100]
    assert first == [[f"Accounts:a{i}" for i in range(150)]]
    assert second == [[f"Accounts:b{i}" for i in range(150)]]


async def test_a_lone_writer_sends_its_partial_call_at_once() -> None:
    zoho = Recorder()
    packer = UpsertPacker(zoho)
    answers = await packer.write([_group("Accounts", "a", 30), _group("Contacts", "c", 120)])
    assert sorted((m, len(k)) for m, k in zoho.calls) == [
        ("Accounts", 30), ("Contacts", 20), ("Contacts", 100),
    ]  # fmt: skip
    assert answers[1][119] == "Contacts:c119"


async def test_a_partial_call_waits_for_a_batch_still_producing() -> None:
    zoho = Recorder()
    packer = UpsertPacker(zoho)
    still_mapping = asyncio.Event()

    async def slow_producer() -> list[list[Any]]:
        async with packer.producing():
            await still_mapping.wait()
            return await packer.write([_group("Accounts", "b", 60)])

    slow = asyncio.ensure_future(slow_producer())
    fast = asyncio.ensure_future(_producer(packer, [_group("Accounts", "a", 40)]))
    for _ in range(5):
        await asyncio.sleep(0)
    assert zoho.calls == [], "40 records wait while another batch may still add"
    still_mapping.set()
    await asyncio.gather(slow, fast)
    assert [len(keys) for _, keys in zoho.calls] == [100]


async def test_a_producer_that_stops_releases_the_others_partial_calls() -> None:
    zoho = Recorder()
    packer = UpsertPacker(zoho)
    done = asyncio.Event()

    async def idle_producer() -> None:
        async with packer.producing():
            await done.wait()

    idle = asyncio.ensure_future(idle_producer())
    writer = asyncio.ensure_future(_producer(packer, [_group("Vendors", "v", 7)]))
    for _ in range(5):
        await asyncio.sleep(0)
    assert not writer.done()
    done.set()
    assert await writer == [[f"Vendors:v{i}" for i in range(7)]]
    await idle


async def test_a_failed_call_fails_every_batch_that_had_a_record_in_it() -> None:
    zoho = Recorder(fail_module="Contacts")
    packer = UpsertPacker(zoho)
    started = asyncio.Barrier(3)
    results = await asyncio.gather(
        _producer(packer, [_group("Contacts", "a", 50)], started),
        _producer(packer, [_group("Contacts", "b", 50)], started),
        _producer(packer, [_group("Accounts", "c", 10)], started),
        return_exceptions=True,
    )
    assert [len(keys) for _, keys in zoho.calls] == [100, 10]
    assert [type(r) for r in results[:2]] == [ConnectionError, ConnectionError]
    assert results[2] == [[f"Accounts:c{i}" for i in range(10)]]


async def test_a_partial_call_takes_a_free_zoho_slot_rather_than_wait() -> None:
    zoho = Recorder()
    packer = UpsertPacker(zoho, capacity=lambda: 10)
    still_mapping = asyncio.Event()

    async def slow_producer() -> None:
        async with packer.producing():
            await still_mapping.wait()

    slow = asyncio.ensure_future(slow_producer())
    answer = await _producer(packer, [_group("Accounts", "a", 40)])
    still_mapping.set()
    await slow
    assert answer == [[f"Accounts:a{i}" for i in range(40)]]
    assert [len(keys) for _, keys in zoho.calls] == [40], "Zoho was idle: no reason to wait"


class GatedRecorder(Recorder):
    """A writer whose calls stay in flight until ``gate`` opens."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()

    async def upsert(
        self, module: str, records: list[dict[str, Any]], *, duplicate_check_fields: list[str]
    ) -> list[str]:
        self.calls.append((module, [r["key"] for r in records]))
        await self.gate.wait()
        return [f"{module}:{r['key']}" for r in records]


async def test_a_partial_call_waits_while_half_of_zoho_is_busy_and_fills_meanwhile() -> None:
    zoho = GatedRecorder()
    packer = UpsertPacker(zoho, capacity=lambda: 10)
    busy = asyncio.ensure_future(_producer(packer, [_group("Contacts", "c", 500)]))  # 5 calls
    first = asyncio.ensure_future(_producer(packer, [_group("Accounts", "a", 40)]))
    for _ in range(5):
        await asyncio.sleep(0)
    assert [m for m, _ in zoho.calls] == ["Contacts"] * 5, "5 of 10 slots busy: it waits"
    second = asyncio.ensure_future(_producer(packer, [_group("Accounts", "b", 60)]))
    for _ in range(5):
        await asyncio.sleep(0)
    zoho.gate.set()
    await asyncio.gather(busy, first, second)
    accounts = [keys for module, keys in zoho.calls if module == "Accounts"]
    assert [len(keys) for keys in accounts] == [100], "filled by the next batch: one call"
    assert (await first) == [[f"Accounts:a{i}" for i in range(40)]]


async def test_a_partial_call_goes_once_the_calls_in_flight_drop_below_half() -> None:
    zoho = GatedRecorder()
    packer = UpsertPacker(zoho, capacity=lambda: 10)
    busy = asyncio.ensure_future(_producer(packer, [_group("Contacts", "c", 500)]))
    partial = asyncio.ensure_future(_producer(packer, [_group("Accounts", "a", 40)]))
    for _ in range(5):
        await asyncio.sleep(0)
    zoho.gate.set()  # the five answer; nobody else adds
    assert (await partial) == [[f"Accounts:a{i}" for i in range(40)]]
    await busy
    assert [(m, len(k)) for m, k in zoho.calls][-1] == ("Accounts", 40)
