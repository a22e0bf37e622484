"""``/readyz`` is 200 only while both the store and the queue answer, and names what failed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from huey import RedisHuey

from ml_connector.jobs import check_queue, sqlite_queue
from ml_connector.store.schema import make_engine
from ml_connector.web import create_app
from tests.web.conftest import Store

pytestmark = pytest.mark.anyio


async def _readyz(store: Store, queue_check: Callable[[], None] | None) -> httpx.Response:
    app = create_app(engine=store.engine, keyring=store.keyring, queue_check=queue_check)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://connector.test") as http:
        return await http.get("/readyz")


async def test_ready_when_the_store_and_the_queue_answer(store: Store, tmp_path: Path) -> None:
    queue = sqlite_queue(tmp_path / "queue.db")

    response = await _readyz(store, lambda: check_queue(queue))

    assert (response.status_code, response.json()) == (
        200, {"status": "ready", "checks": {"store": "ok", "queue": "ok"}}
    )  # fmt: skip


async def test_unready_when_the_queue_is_unreachable(store: Store) -> None:
    nothing_listens = RedisHuey("readyz-test", url="redis://127.0.0.1:1/0", results=False)

    response = await _readyz(store, lambda: check_queue(nothing_listens))

    assert response.status_code == 503
    assert response.json()["checks"]["store"] == "ok"
    assert response.json()["checks"]["queue"].startswith("failed: ")


async def test_unready_when_the_database_is_unreachable(store: Store, tmp_path: Path) -> None:
    unreachable = make_engine(f"sqlite:///{tmp_path / 'no-such-directory' / 'store.db'}")
    broken = Store(unreachable, store.keyring)

    response = await _readyz(broken, None)

    assert response.status_code == 503
    assert response.json() == {
        "status": "unready", "checks": {"store": "failed: OperationalError"}
    }  # fmt: skip
    unreachable.dispose()
