"""Cached access tokens, refreshed single-flight across every thread and process.

One connection's token for one system lives in the store; every worker reads it there. It is
refreshed about five minutes before it expires by whichever worker notices first: that worker
takes a named lock with a time-to-live, *re-reads* the token (someone else may have refreshed it
while it waited), mints a new one, and writes it with compare-and-swap. The others wait for the
lock and then find the fresh token. So a token lifetime costs one token request, however many
workers there are; that matters for Zoho, which mints at most 10 tokens per 10 minutes.
Between store reads a manager keeps the token it last saw for ``recheck`` seconds (30), so a
call costs no query and no decryption; a rejected token (401) is looked up in the store again
at once, and a token is never used past its margin however recently it was read.

When the token endpoint says the grant itself is dead (revoked refresh token, expired
authorization), the connection is marked ``needs_reauth``, an alert is logged, and the error goes
up once: no retry loop. When Zoho throttles, the lock is held as a cool-down for everyone.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_delay, wait_exponential

from ml_connector.auth.token import Token
from ml_connector.errors import AuthError, RetryableError
from ml_connector.store.connections import set_status
from ml_connector.store.keyring import Keyring
from ml_connector.store.locks import holder_of, release, try_acquire
from ml_connector.store.tokens import StoredToken, read_token, write_token

__all__ = ["COOL_DOWN_HOLDER", "TokenManager", "TokenSlot"]

logger = logging.getLogger(__name__)

COOL_DOWN_HOLDER = "cool-down"
Mint = Callable[[], Awaitable[Token]]


class _LockBusyError(Exception):
    """Another worker is refreshing; wait and look again."""


@dataclass(frozen=True)
class TokenSlot:
    """Which cached token: one connection, one system."""

    connection_id: int
    connection_name: str
    system: str

    @property
    def lock_name(self) -> str:
        """The lock that serialises refreshes of this token."""
        return f"token-refresh/{self.connection_id}/{self.system}"


class TokenManager:
    """Hands out a usable access token for one slot, minting one only when needed."""

    def __init__(
        self,
        engine: Engine,
        keyring: Keyring,
        slot: TokenSlot,
        mint: Mint,
        *,
        margin: float = 300.0,
        lock_ttl: float = 30.0,
        recheck: float = 30.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        remember: Callable[[str], None] | None = None,
    ) -> None:
        self._engine, self._keyring, self.slot, self._mint = engine, keyring, slot, mint
        self._margin, self._lock_ttl, self._recheck = margin, lock_ttl, recheck
        self._seen: tuple[Token, float] | None = None  # the last token read or minted, when
        self._clock, self._sleep = clock, sleep
        self._remember = remember or (lambda _value: None)
        self._holder = secrets.token_hex(8)
        self._local = asyncio.Lock()

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    async def token(self) -> Token:
        """A token with more than the margin left to live."""
        if self._seen is not None:
            token, seen_at = self._seen
            if self._clock() - seen_at < self._recheck and token.usable(self._now(), self._margin):
                return token
        cached = await self._read()
        if cached is not None and cached.usable(self._now(), self._margin):
            return cached
        return await self.refresh(stale=cached)

    async def refresh(self, stale: Token | None) -> Token:
        """Replace ``stale`` (the token that failed or is about to expire), once for everyone."""
        async with self._local:
            fresh = await self._fresher_than(stale)
            if fresh is not None:
                return fresh
            await self._acquire()
            try:
                return await self._refresh_locked(stale)
            finally:
                await asyncio.to_thread(release, self._engine, self.slot.lock_name, self._holder)

    def _supersedes(self, candidate: Token | None, stale: Token | None) -> bool:
        """Whether ``candidate`` is usable and is not the token being replaced."""
        if candidate is None or not candidate.usable(self._now(), self._margin):
            return False
        return stale is None or candidate.access_token != stale.access_token

    async def _fresher_than(self, stale: Token | None) -> Token | None:
        cached = await self._read()
        return cached if self._supersedes(cached, stale) else None

    async def _acquire(self) -> None:
        retrying = AsyncRetrying(
            stop=stop_after_delay(self._lock_ttl * 2),
            wait=wait_exponential(multiplier=0.05, max=1.0),
            retry=retry_if_exception_type(_LockBusyError),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    await self._try_lock()
        except _LockBusyError:
            # a refresh that outlives its lock twice over is stuck elsewhere; let the caller's
            # retry policy come back later rather than fail the work as if it were broken
            raise RetryableError(
                f"another worker has been refreshing the {self.slot.system} token for too long",
                retry_after=self._lock_ttl,
            ) from None

    async def _try_lock(self) -> None:
        name, now = self.slot.lock_name, self._now()
        if await asyncio.to_thread(
            try_acquire, self._engine, name, self._holder, self._lock_ttl, now
        ):
            return
        held = await asyncio.to_thread(holder_of, self._engine, name, now)
        if held is not None and held.holder == COOL_DOWN_HOLDER:
            wait = (held.expires_at - now).total_seconds()
            raise RetryableError(
                f"{self.slot.system} token requests are cooling down", retry_after=wait
            )
        raise _LockBusyError

    async def _refresh_locked(self, stale: Token | None) -> Token:
        stored = await asyncio.to_thread(self._read_stored)
        current = _token(stored) if stored is not None else None
        if current is not None and self._supersedes(current, stale):
            self._seen = (current, self._clock())
            return current  # refreshed by another worker while we waited for the lock
        token = await self._mint_once()
        version = stored.version if stored is not None else None
        await asyncio.to_thread(self._write, token, version)
        self._seen = (token, self._clock())
        return token

    async def _mint_once(self) -> Token:
        try:
            token = await self._mint()
        except AuthError as exc:
            if exc.reauthorize:
                await asyncio.to_thread(self._needs_reauth, exc)
            raise
        except RetryableError as exc:
            if exc.retry_after and exc.retry_after >= 60:
                await asyncio.to_thread(self._cool_down, exc.retry_after)
            raise
        self._remember(token.access_token)
        return token

    def _needs_reauth(self, exc: AuthError) -> None:
        set_status(self._engine, self.slot.connection_id, "needs_reauth")
        logger.warning(
            "connection needs re-authorization",
            extra={
                "event": "connection.needs_reauth",
                "connection": self.slot.connection_name,
                "system": self.slot.system,
                "reason": exc.reason,
            },
        )

    def _cool_down(self, seconds: float) -> None:
        name = self.slot.lock_name
        release(self._engine, name, self._holder)
        try_acquire(self._engine, name, COOL_DOWN_HOLDER, seconds, self._now())
        logger.warning(
            "token endpoint is throttling; cooling down",
            extra={
                "event": "token.cool_down",
                "connection": self.slot.connection_name,
                "system": self.slot.system,
                "seconds": seconds,
            },
        )

    async def _read(self) -> Token | None:
        stored = await asyncio.to_thread(self._read_stored)
        token = _token(stored) if stored is not None else None
        self._seen = None if token is None else (token, self._clock())
        return token

    def _read_stored(self) -> StoredToken | None:
        slot = self.slot
        return read_token(self._engine, self._keyring, slot.connection_id, slot.system, "access")

    def _write(self, token: Token, version: int | None) -> None:
        slot = self.slot
        meta = {"api_domain": token.api_domain} if token.api_domain else {}
        written = write_token(
            self._engine,
            self._keyring,
            slot.connection_id,
            slot.system,
            "access",
            value=token.access_token,
            expires_at=token.expires_at,
            expected_version=version,
            meta=meta,
        )
        if not written:
            logger.info(
                "token was replaced concurrently; keeping the newer one",
                extra={"connection": slot.connection_name, "system": slot.system},
            )


def _token(stored: StoredToken) -> Token:
    expires = stored.expires_at or datetime.fromtimestamp(0, UTC)
    return Token(stored.value, expires, stored.meta.get("api_domain"))
