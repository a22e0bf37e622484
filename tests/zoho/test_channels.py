"""Channel upkeep rules: expiry text Zoho accepts, when to renew, what to watch, disabling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import Engine

from ml_connector.errors import ConfigError
from ml_connector.mapping import default_mapping
from ml_connector.store.channels import StoredChannel, active_channel, channel_by_id, save_channel
from ml_connector.store.connections import add_connection
from ml_connector.store.keyring import Keyring, new_key
from ml_connector.store.schema import upgrade
from ml_connector.zoho import ChannelPolicy, ZohoCRM, channel_events, disable_channels, notify_url
from ml_connector.zoho.channels import expiry_text

T0 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (T0, "2026-11-27T12:00:00+00:00"),
        (T0 + timedelta(microseconds=654321), "2026-11-27T12:00:00+00:00"),
        (T0.astimezone(timezone(timedelta(hours=5, minutes=30))), "2026-11-27T12:00:00+00:00"),
    ],
)
def test_expiry_is_written_without_fractions_and_with_an_offset(
    moment: datetime, text: str
) -> None:
    assert expiry_text(moment) == text


@pytest.mark.parametrize(
    "settings",
    [
        {"lifetime": timedelta(days=7)},
        {"lifetime": timedelta(seconds=30)},
        {"renew_after": 0.0},
        {"renew_after": 1.0},
    ],
)
def test_a_policy_zoho_would_silently_shorten_is_refused(settings: dict[str, object]) -> None:
    with pytest.raises(ConfigError):
        ChannelPolicy(**settings)  # type: ignore[arg-type]


def _channel(expires: datetime | None, renewed: datetime | None) -> StoredChannel:
    return StoredChannel(1, "1", ("Accounts.all",), "sealed", expires, renewed, "active")


@pytest.mark.parametrize(
    ("after", "due"),
    [(timedelta(hours=11), False), (timedelta(hours=12), True), (timedelta(hours=30), True)],
)
def test_a_channel_is_due_once_half_its_life_has_passed(after: timedelta, due: bool) -> None:
    channel = _channel(T0 + timedelta(days=1), T0)

    assert ChannelPolicy().due(channel, T0 + after) is due


def test_a_channel_without_a_known_expiry_is_due() -> None:
    assert ChannelPolicy().due(_channel(None, None), T0)


def test_the_channel_watches_every_module_the_mapping_writes() -> None:
    only_customers = default_mapping().model_copy(update={"vendor": None, "contact": None})

    assert channel_events(default_mapping()) == ("Accounts.all", "Vendors.all", "Contacts.all")
    assert channel_events(only_customers) == ("Accounts.all",)


def test_the_notify_url_names_the_connection() -> None:
    assert notify_url("https://sync.example/", "acme") == "https://sync.example/hooks/zoho/acme"


@pytest.fixture
def engine_with_channel(empty_engine: Engine) -> tuple[Engine, Keyring, int]:
    upgrade(empty_engine)
    keyring = Keyring([new_key()])
    row = add_connection(empty_engine, keyring, name="acme", config={}, secrets={})
    with empty_engine.begin() as conn:
        save_channel(
            conn, keyring, connection_id=row.id, channel_id="1000", events=("Accounts.all",),
            token="tok", expires_at=T0 + timedelta(days=1), now=T0,
        )  # fmt: skip
    return empty_engine, keyring, row.id


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("status", "code"), [(200, "SUCCESS"), (400, "NOT_SUBSCRIBED")], ids=["live", "forgotten"]
)
async def test_disabling_deletes_the_channel_in_zoho_and_marks_it(
    engine_with_channel: tuple[Engine, Keyring, int], status: int, code: str
) -> None:
    engine, _, connection_id = engine_with_channel
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json={"watch": [{"code": code, "status": "x"}]})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="https://z.test")
    async with http:
        assert await disable_channels(engine, ZohoCRM(http), connection_id) == 1
        assert await disable_channels(engine, ZohoCRM(http), connection_id) == 0

    assert [(r.method, r.url.params["channel_ids"]) for r in seen] == [("DELETE", "1000")]
    assert active_channel(engine, connection_id) is None
    stored = channel_by_id(engine, "1000")
    assert stored is not None
    assert stored.status == "disabled"
