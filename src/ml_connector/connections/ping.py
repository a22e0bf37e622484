"""``ping``: prove both sides of a connection work with one cheap authenticated call each.

Each side is checked on its own, so a broken Zoho grant does not hide a working NetSuite, and
every failure comes back as a line saying what is wrong and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy import Engine

from ml_connector.auth.session import SessionOptions, Side, open_side
from ml_connector.connections.status import REAUTHORIZE_WARNING
from ml_connector.errors import AuthError, ConnectorError, RetryableError
from ml_connector.rest import raise_for_verdict
from ml_connector.store.connections import get_connection
from ml_connector.store.keyring import Keyring
from ml_connector.store.tokens import read_token

__all__ = ["Check", "ping"]

_SUITEQL = "/services/rest/query/v1/suiteql"


@dataclass(frozen=True)
class Check:
    """The outcome of one side's ping."""

    system: str
    ok: bool
    detail: str
    hint: str = ""


_NETSUITE_401 = {
    True: "check netsuite.consumer_key/consumer_secret/token_id/token_secret, and that "
    "account_id is written as NetSuite shows it (1234567_SB1, upper-case SB)",
    False: "the integration's role may lack the REST Web Services and SuiteAnalytics "
    "Workbook permissions; NetSuite's Login Audit Trail shows the real reason",
}


async def _netsuite_call(side: Side) -> str:
    response = await side.client.post(
        _SUITEQL,
        params={"limit": 1},
        json={"q": "SELECT id FROM subsidiary"},
        headers={"Prefer": "transient"},
    )
    if response.status_code == 401:  # NetSuite says INVALID_LOGIN for every cause
        tba = side.tokens is None
        raise AuthError(
            "NetSuite",
            f"401 INVALID_LOGIN to {'a TBA-signed' if tba else 'an OAuth'} request",
            hint=_NETSUITE_401[tba],
            reauthorize=False,
        )
    raise_for_verdict(response, system="NetSuite")
    return "SuiteQL answered"


async def _zoho_call(side: Side) -> str:
    response = await side.client.get("/crm/v8/org")
    raise_for_verdict(response, system="Zoho")
    org = response.json().get("org", [{}])[0]
    return f"organisation {org.get('company_name', '?')!r} (edition {org.get('type', '?')})"


_CALLS = {"netsuite": _netsuite_call, "zoho": _zoho_call}


async def _check(
    engine: Engine, keyring: Keyring, name: str, system: str, options: SessionOptions
) -> Check:
    try:
        async with open_side(engine, keyring, name, system, options) as side:
            detail = await _CALLS[system](side)
    except AuthError as exc:
        return Check(system, False, exc.message, exc.hint)
    except RetryableError as exc:
        return Check(system, False, exc.message, _wait_hint(exc))
    except ConnectorError as exc:
        return Check(system, False, exc.message, exc.hint)
    except httpx.TransportError as exc:
        return Check(system, False, f"cannot reach {system}: {type(exc).__name__}", _URL_HINT)
    return _with_lapse_warning(Check(system, True, detail), engine, keyring, name, options)


def _with_lapse_warning(
    check: Check, engine: Engine, keyring: Keyring, name: str, options: SessionOptions
) -> Check:
    """Flag a refresh token that lapses soon (NetSuite's last seven days, then a new consent)."""
    row = get_connection(engine, name)
    stored = read_token(engine, keyring, row.id, check.system, "refresh")
    if stored is None or stored.expires_at is None:
        return check
    left = stored.expires_at - datetime.fromtimestamp(options.clock(), UTC)
    if left > REAUTHORIZE_WARNING:
        return check
    hours = max(0, int(left.total_seconds() // 3600))
    return Check(
        check.system,
        True,
        f"{check.detail}; the refresh token lapses in {hours} h",
        f"authorize again before then: ml-connector auth {check.system} {name} --flow code",
    )


_URL_HINT = "check the base URL / data centre and the network"


def _wait_hint(exc: RetryableError) -> str:
    """A busy or throttling service: nothing to fix, only to wait (asking sooner prolongs it)."""
    when = f"in {exc.retry_after:.0f} s" if exc.retry_after else "shortly"
    return f"the credentials are fine; try again {when}"


async def ping(
    engine: Engine, keyring: Keyring, name: str, options: SessionOptions | None = None
) -> list[Check]:
    """Check each side of connection ``name``; the list has one Check per system."""
    opts = options or SessionOptions()
    return [await _check(engine, keyring, name, system, opts) for system in _CALLS]
