"""Tokens are cached in the store and refreshed once for everyone, whatever goes wrong."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine

from ml_connector.auth import OAuthTokenAuth, Token, TokenManager, TokenSlot, ZohoThrottledError
from ml_connector.errors import AuthError, RetryableError
from ml_connector.settings import Settings
from ml_connector.store.connections import add_connection, get_connection
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.locks import try_acquire
from ml_connector.store.schema import open_engine

pytestmark = pytest.mark.anyio


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Minter:
    """A token endpoint stand-in that counts mints; ``gate`` holds a mint until released."""

    def __init__(self, clock: Clock, lifetime: float = 3600) -> None:
        self.clock, self.lifetime = clock, lifetime
        self.calls = 0
        self.gate: asyncio.Event | None = None
        self.started = asyncio.Event()
        self.error: Exception | None = None

    async def __call__(self) -> Token:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        expires = datetime.fromtimestamp(self.clock(), UTC) + timedelta(seconds=self.lifetime)
        return Token(f"token-{self.calls}", expires, "https://api.example")


async def _yield(_seconds: float) -> None:
    await asyncio.sleep(0)  # waiting for another worker's lock: yield instead of waiting


@pytest.fixture
def engine(settings: Settings) -> Engine:
    engine = open_engine(settings)
    add_connection(engine, KEYRING, name="acme", config={}, secrets={})
    return engine


KEYRING = Keyring([new_key()])


def _manager(engine: Engine, mint: Minter, clock: Clock) -> TokenManager:
    slot = TokenSlot(get_connection(engine, "acme").id, "acme", "zoho")
    return TokenManager(engine, KEYRING, slot, mint, clock=clock, sleep=_yield)


async def test_concurrent_callers_share_one_mint(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    managers = [_manager(engine, mint, clock) for _ in range(4)]  # four "processes"
    tokens = await asyncio.gather(*(m.token() for m in managers for _ in range(5)))
    assert mint.calls == 1
    assert {t.access_token for t in tokens} == {"token-1"}
    assert tokens[0].api_domain == "https://api.example"


async def test_a_token_is_refreshed_five_minutes_before_it_expires(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    manager = _manager(engine, mint, clock)
    await manager.token()
    clock.now += 3600 - 301
    assert (await manager.token()).access_token == "token-1"
    clock.now += 2
    assert (await manager.token()).access_token == "token-2"
    assert mint.calls == 2


async def test_calls_between_rechecks_use_the_token_in_hand_without_reading_the_store(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    mint = Minter(clock)
    manager = _manager(engine, mint, clock)
    reads: list[int] = []
    read_stored = manager._read_stored

    def counted() -> object:
        reads.append(1)
        return read_stored()

    monkeypatch.setattr(manager, "_read_stored", counted)
    first = await manager.token()
    before = len(reads)
    for _ in range(50):
        clock.now += 0.5  # 25 s of calls
        assert (await manager.token()) == first
    assert len(reads) == before  # no query, no decryption per call


async def test_a_token_another_worker_stored_is_taken_up_within_the_recheck(
    engine: Engine,
) -> None:
    clock = Clock()
    mint = Minter(clock)
    mine, other = _manager(engine, mint, clock), _manager(engine, mint, clock)
    assert (await mine.token()).access_token == "token-1"
    await other.refresh(stale=await other.token())  # e.g. it was refused the old one
    assert (await mine.token()).access_token == "token-1"  # still valid: no need to look
    clock.now += 31
    assert (await mine.token()).access_token == "token-2"
    assert mint.calls == 2


async def test_the_token_in_hand_is_never_used_past_its_margin(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock, lifetime=310)  # usable for 10 s with the 300 s margin
    manager = _manager(engine, mint, clock)
    assert (await manager.token()).access_token == "token-1"
    clock.now += 11  # well inside the recheck, but past the margin
    assert (await manager.token()).access_token == "token-2"


async def test_a_waiting_worker_takes_the_token_another_just_minted(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    mint.gate = asyncio.Event()
    first, second = _manager(engine, mint, clock), _manager(engine, mint, clock)
    task_a = asyncio.create_task(first.token())
    await mint.started.wait()
    task_b = asyncio.create_task(second.token())
    for _ in range(10):
        await asyncio.sleep(0)
    mint.gate.set()
    a, b = await asyncio.gather(task_a, task_b)
    assert a.access_token == b.access_token == "token-1"
    assert mint.calls == 1


async def test_a_401_refreshes_once_and_retries(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    manager = _manager(engine, mint, clock)
    seen: list[str] = []

    def api(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        if request.headers["Authorization"] == "Zoho-oauthtoken token-1":
            return httpx.Response(401, json={"code": "INVALID_TOKEN"})
        return httpx.Response(200, json={"data": []})

    auth = OAuthTokenAuth(manager, "Zoho-oauthtoken")
    async with httpx.AsyncClient(transport=httpx.MockTransport(api), auth=auth) as http:
        response = await http.get("https://api.example/crm/v8/org")
    assert response.status_code == 200
    assert seen == ["Zoho-oauthtoken token-1", "Zoho-oauthtoken token-2"]
    assert mint.calls == 2


async def test_a_second_401_goes_back_to_the_caller(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    auth = OAuthTokenAuth(_manager(engine, mint, clock), "Bearer")
    calls = 0

    def api(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(401)

    async with httpx.AsyncClient(transport=httpx.MockTransport(api), auth=auth) as http:
        response = await http.get("https://ns.example/services/rest/record/v1/customer/1")
    assert response.status_code == 401
    assert calls == 2
    assert mint.calls == 2


async def test_a_dead_grant_marks_the_connection_and_does_not_loop(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock()
    mint = Minter(clock)
    mint.error = AuthError("Zoho", "the refresh token is invalid or revoked")
    manager = _manager(engine, mint, clock)
    with caplog.at_level(logging.WARNING), pytest.raises(AuthError, match="invalid or revoked"):
        await manager.token()
    assert mint.calls == 1
    assert get_connection(engine, "acme").status == "needs_reauth"
    alerts = [r for r in caplog.records if getattr(r, "event", None) == "connection.needs_reauth"]
    assert len(alerts) == 1
    fields = alerts[0].__dict__
    assert (fields["connection"], fields["system"]) == ("acme", "zoho")
    assert "invalid or revoked" in fields["reason"]


async def test_an_error_that_is_not_the_grant_leaves_the_connection_active(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    mint.error = AuthError("Zoho", "the client secret is wrong", reauthorize=False)
    with pytest.raises(AuthError):
        await _manager(engine, mint, clock).token()
    assert get_connection(engine, "acme").status == "active"


async def test_throttling_cools_down_every_worker_and_keeps_the_connection(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    mint.error = ZohoThrottledError()
    with pytest.raises(ZohoThrottledError):
        await _manager(engine, mint, clock).token()
    with pytest.raises(RetryableError, match="cooling down") as info:
        await _manager(engine, mint, clock).token()
    assert info.value.retry_after == pytest.approx(600)
    assert mint.calls == 1
    assert get_connection(engine, "acme").status == "active"
    clock.now += 601
    mint.error = None
    assert (await _manager(engine, mint, clock).token()).access_token == "token-2"


async def test_a_refresh_stuck_elsewhere_is_a_retryable_wait(engine: Engine) -> None:
    clock = Clock()
    mint = Minter(clock)
    slot = TokenSlot(get_connection(engine, "acme").id, "acme", "zoho")
    now = datetime.fromtimestamp(clock(), UTC)
    assert try_acquire(engine, slot.lock_name, "another-process", 3600, now)
    manager = TokenManager(engine, KEYRING, slot, mint, clock=clock, sleep=_yield, lock_ttl=0)
    with pytest.raises(RetryableError, match="refreshing the zoho token for too long"):
        await manager.token()
    assert mint.calls == 0
