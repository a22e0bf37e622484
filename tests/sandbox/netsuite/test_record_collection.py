"""Record-collection listing: the paging envelope, offset paging past 1000, ``q`` filters (§4)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from tests.sandbox.netsuite.conftest import BASE_URL, FakeClock, authed, tba_header

pytestmark = pytest.mark.anyio

CUSTOMERS = "/services/rest/record/v1/customer"
COLLECTION = "application/vnd.oracle.resource+json; type=collection"


@pytest.fixture
def simulator(clock: FakeClock) -> NetSuiteSimulator:
    """The usual account, with tokens that outlive the clock jumps of the window tests."""
    return NetSuiteSimulator(records=60, seed=7, clock=clock, token_ttl=365 * 86400)


@pytest.fixture
async def headers(client: httpx.AsyncClient, creds: dict[str, str]) -> dict[str, str]:
    return await authed(client, creds)


async def _list(
    client: httpx.AsyncClient, headers: dict[str, str], path: str = CUSTOMERS, **params: Any
) -> httpx.Response:
    return await client.get(path, params=params, headers=headers)


async def test_default_page_has_the_documented_envelope(
    client: httpx.AsyncClient, headers: dict[str, str], simulator: NetSuiteSimulator
) -> None:
    response = await _list(client, headers)

    body = response.json()
    total = simulator.account.db.count("customer")
    assert response.status_code == 200
    assert response.headers["content-type"] == COLLECTION
    assert list(body) == ["links", "count", "hasMore", "items", "offset", "totalResults"]
    assert (body["count"], body["hasMore"], body["offset"], body["totalResults"]) == (
        total, False, 0, total,
    )  # fmt: skip
    assert body["links"] == [{"rel": "self", "href": f"{BASE_URL}{CUSTOMERS}?limit=1000&offset=0"}]
    first = body["items"][0]
    assert first == {
        "links": [{"rel": "self", "href": f"{BASE_URL}{CUSTOMERS}/{first['id']}"}],
        "id": first["id"],
    }


@pytest.fixture
def large(clock: FakeClock) -> NetSuiteSimulator:
    return NetSuiteSimulator(records=2600, seed=3, clock=clock)


async def test_following_next_links_lists_more_than_1000_records_exactly_once(
    large: NetSuiteSimulator, creds: dict[str, str]
) -> None:
    expected = [r["id"] for r in large.account.db.select("SELECT id FROM customer ORDER BY id")]
    transport = httpx.ASGITransport(app=large.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        headers = await authed(http, large.credentials(BASE_URL))
        pages = [(await _list(http, headers)).json()]
        while nxt := {link["rel"]: link["href"] for link in pages[-1]["links"]}.get("next"):
            pages.append((await http.get(nxt, headers=headers)).json())

    ids = [int(item["id"]) for page in pages for item in page["items"]]
    assert len(expected) > 1000
    assert ids == expected
    assert [(p["offset"], p["count"], p["hasMore"]) for p in pages] == [
        (0, 1000, True), (1000, len(expected) - 1000, False),
    ]  # fmt: skip
    assert {p["totalResults"] for p in pages} == {len(expected)}


async def test_offset_plus_count_paging_with_a_small_limit_has_consistent_links(
    large: NetSuiteSimulator,
) -> None:
    transport = httpx.ASGITransport(app=large.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        headers = await authed(http, large.credentials(BASE_URL))
        page = (await _list(http, headers, limit=400, offset=800)).json()

    total = page["totalResults"]
    rels = {link["rel"]: link["href"] for link in page["links"]}
    assert rels == {
        "first": f"{BASE_URL}{CUSTOMERS}?limit=400&offset=0",
        "prev": f"{BASE_URL}{CUSTOMERS}?limit=400&offset=400",
        "next": f"{BASE_URL}{CUSTOMERS}?limit=400&offset=1200",
        "last": f"{BASE_URL}{CUSTOMERS}?limit=400&offset={(total - 1) // 400 * 400}",
        "self": f"{BASE_URL}{CUSTOMERS}?limit=400&offset=800",
    }


PAGING_REJECTIONS = [
    ("limit zero", {"limit": 0}, "limit"),
    ("limit over the 1000 maximum", {"limit": 1001}, "limit"),
    ("limit not a number", {"limit": "ten"}, "limit"),
    ("offset not divisible by limit", {"limit": 10, "offset": 15}, "offset"),
    ("negative offset", {"limit": 10, "offset": -10}, "offset"),
    ("page 1001 of a 1000-page maximum", {"limit": 2, "offset": 2000}, "offset"),
    ("past 100,000 results", {"limit": 1000, "offset": 100_000}, "offset"),
]


@pytest.mark.parametrize(
    ("case", "params", "where"), PAGING_REJECTIONS, ids=[r[0] for r in PAGING_REJECTIONS]
)
async def test_paging_rejections(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    case: str,
    params: dict[str, Any],
    where: str,
) -> None:
    response = await _list(client, headers, **params)

    detail = response.json()["o:errorDetails"][0]
    assert response.status_code == 400, case
    assert (detail["o:errorCode"], detail["o:errorQueryParam"]) == ("INVALID_PARAMETER", where)


def _at(stamp: str) -> float:
    return datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()


# Seeded history ends on 2026-01-01, so in June 2026 only these records were modified.
MODIFIED = {
    "first midnight": "2026-06-01 00:00:00",
    "first noon": "2026-06-01 12:00:00",
    "first last second": "2026-06-01 23:59:59",
    "second midnight": "2026-06-02 00:00:00",
    "second morning": "2026-06-02 08:00:00",
    "third evening": "2026-06-03 21:30:00",
}


@pytest.fixture
async def modified(client: httpx.AsyncClient, clock: FakeClock) -> dict[str, str]:
    """Customers created at known instants: name → internal id."""
    ids = {}
    for name, stamp in MODIFIED.items():
        clock.now = _at(stamp)
        created = await client.post(
            "/_sandbox/records/customer", json={"fields": {"companyName": name}}
        )
        ids[name] = created.json()["id"]
    return ids


WINDOWS = [
    ('lastModifiedDate AFTER "6/1/2026" AND lastModifiedDate BEFORE "6/2/2026"',
     {"first midnight", "first noon", "first last second"}),
    ('lastModifiedDate AFTER "06/02/2026" AND lastModifiedDate BEFORE "06/03/2026"',
     {"second midnight", "second morning"}),
    ('lastModifiedDate ON_OR_AFTER "6/2/2026" AND lastModifiedDate ON_OR_BEFORE "6/2/2026"',
     {"second midnight", "second morning"}),
    ('lastModifiedDate ON "6/3/2026"', {"third evening"}),
    ('lastModifiedDate ON_OR_AFTER "6/1/2026" AND lastModifiedDate BEFORE "6/1/2026"', set()),
    ('lastModifiedDate AFTER "6/1/2026 12:00 pm" AND lastModifiedDate BEFORE "6/2/2026 8:00 am"',
     {"first last second", "second midnight"}),
    ('lastModifiedDate ON_OR_AFTER "6/1/2026 12:00 pm" AND '
     'lastModifiedDate ON_OR_BEFORE "6/2/2026 8:00 AM"',
     {"first noon", "first last second", "second midnight", "second morning"}),
    ('lastModifiedDate AFTER "6/1/2026 11:59:58 pm" AND lastModifiedDate BEFORE "6/2/2026"',
     {"first last second"}),
    ('dateCreated ON_OR_AFTER "6/3/2026" OR companyName IS "first noon"',
     {"first noon", "third evening"}),
    ('lastModifiedDate AFTER_NOT "6/2/2026" AND lastModifiedDate ON_OR_AFTER "6/1/2026"',
     {"first midnight", "first noon", "first last second"}),
]  # fmt: skip


@pytest.mark.parametrize(("q", "expected"), WINDOWS, ids=[w[0] for w in WINDOWS])
async def test_q_windows_that_begin_and_end_on_a_modification_day(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    modified: dict[str, str],
    q: str,
    expected: set[str],
) -> None:
    response = await _list(client, headers, q=q)

    got = {item["id"] for item in response.json()["items"]}
    assert response.status_code == 200, response.text
    assert got == {modified[name] for name in expected}


async def test_consecutive_day_windows_tile_without_gap_or_overlap(
    client: httpx.AsyncClient, headers: dict[str, str], modified: dict[str, str]
) -> None:
    days = ["5/31/2026", "6/1/2026", "6/2/2026", "6/3/2026", "6/4/2026"]
    seen: list[str] = []
    for start, end in itertools.pairwise(days):
        q = f'lastModifiedDate AFTER "{start}" AND lastModifiedDate BEFORE "{end}"'
        seen += [item["id"] for item in (await _list(client, headers, q=q)).json()["items"]]

    assert sorted(seen) == sorted(modified.values())


async def test_links_keep_the_filter_so_following_next_stays_in_the_window(
    client: httpx.AsyncClient, headers: dict[str, str], modified: dict[str, str]
) -> None:
    q = 'lastModifiedDate ON_OR_AFTER "6/1/2026"'
    first = (await _list(client, headers, q=q, limit=4)).json()
    nxt = {link["rel"]: link["href"] for link in first["links"]}["next"]
    second = (await client.get(nxt, headers=headers)).json()

    ids = [i["id"] for i in first["items"] + second["items"]]
    assert (first["totalResults"], second["hasMore"]) == (6, False)
    assert sorted(ids) == sorted(modified.values())


UNPARSEABLE = ["2026-06-01", "6/1/2026 21:30", "01.06.2026", "13/45/2026", "6/1/26", "yesterday"]


@pytest.mark.parametrize("literal", UNPARSEABLE)
async def test_dates_not_in_the_account_format_are_refused(
    client: httpx.AsyncClient, headers: dict[str, str], literal: str
) -> None:
    response = await _list(client, headers, q=f'lastModifiedDate AFTER "{literal}"')

    assert response.status_code == 400
    assert response.json()["o:errorDetails"] == [
        {
            "detail": "Invalid search query. Search error occurred: Parse of date/time "
            f'"{literal}" failed with date format "MM/dd/yyyy" in time zone UTC',
            "o:errorCode": "INVALID_PARAMETER",
            "o:errorQueryParam": "q",
        }
    ]


BAD_QUERIES = [
    ("unbalanced parenthesis", '(lastModifiedDate AFTER "6/1/2026"', "Provide a valid search"),
    ("missing value", "companyName START_WITH", "Provide a valid search"),
    ("BETWEEN with one value", "id BETWEEN [1]", "Provide a valid search"),
    ("unknown field", "shoeSize EQUAL 42", "Unknown field 'shoeSize'"),
    ("date operator on a string", 'email AFTER "6/1/2026"', "Invalid operator AFTER"),
    ("string operator on a date", "lastModifiedDate CONTAIN 2026", "Invalid operator CONTAIN"),
    ("boolean that is not one", "isInactive IS maybe", "Invalid boolean value"),
]


@pytest.mark.parametrize(("case", "q", "fragment"), BAD_QUERIES, ids=[b[0] for b in BAD_QUERIES])
async def test_malformed_filters_are_invalid_parameter_on_q(
    client: httpx.AsyncClient, headers: dict[str, str], case: str, q: str, fragment: str
) -> None:
    response = await _list(client, headers, q=q)

    detail = response.json()["o:errorDetails"][0]
    assert response.status_code == 400, case
    assert detail["detail"].startswith("Invalid search query.")
    assert fragment in detail["detail"]
    assert (detail["o:errorCode"], detail["o:errorQueryParam"]) == ("INVALID_PARAMETER", "q")


OTHER_FILTERS = [
    ('companyName START_WITH "first"', {"first midnight", "first noon", "first last second"}),
    ("companyname CONTAIN MIDNIGHT", {"first midnight", "second midnight"}),
    ('companyName END_WITH "evening" OR companyName IS "second morning"',
     {"third evening", "second morning"}),
    ('companyName START_WITH_NOT "first" AND lastModifiedDate AFTER "6/1/2026"',
     {"second midnight", "second morning", "third evening"}),
    ('isInactive IS true AND lastModifiedDate AFTER "6/1/2026"', set()),
]  # fmt: skip


@pytest.mark.parametrize(("q", "expected"), OTHER_FILTERS, ids=[f[0] for f in OTHER_FILTERS])
async def test_string_and_boolean_filters_from_oracles_examples(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    modified: dict[str, str],
    q: str,
    expected: set[str],
) -> None:
    response = await _list(client, headers, q=q)

    assert {i["id"] for i in response.json()["items"]} == {modified[n] for n in expected}


async def test_id_filters_select_those_records(
    client: httpx.AsyncClient, headers: dict[str, str], modified: dict[str, str]
) -> None:
    a, b = modified["first noon"], modified["third evening"]

    any_of = await _list(client, headers, q=f"id ANY_OF [{a}, {b}]")
    between = await _list(client, headers, q=f"id BETWEEN [{a}, {a}]")

    assert {i["id"] for i in any_of.json()["items"]} == {a, b}
    assert [i["id"] for i in between.json()["items"]] == [a]


@pytest.mark.parametrize("kind", ["vendor", "contact", "Customer"])
async def test_vendors_and_contacts_list_too_with_hrefs_on_the_callers_host(
    simulator: NetSuiteSimulator, creds: dict[str, str], kind: str
) -> None:
    host = "https://other.example.test"
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=host) as http:
        response = await _list(http, await authed(http, creds), f"/services/rest/record/v1/{kind}")

    body = response.json()
    assert body["totalResults"] == simulator.account.db.count(kind.lower())
    assert all(
        i["links"][0]["href"] == f"{host}/services/rest/record/v1/{kind.lower()}/{i['id']}"
        for i in body["items"]
    )


async def test_listing_needs_credentials_and_a_known_record_type(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    anonymous = await client.get(CUSTOMERS)
    unknown = await _list(client, headers, "/services/rest/record/v1/spaceship")

    assert anonymous.status_code == 401
    assert unknown.status_code == 404
    assert unknown.json()["o:errorDetails"][0]["o:errorCode"] == "NONEXISTENT_ID"


async def test_a_tba_signed_listing_with_a_quoted_q_is_accepted(
    client: httpx.AsyncClient, creds: dict[str, str], modified: dict[str, str], clock: FakeClock
) -> None:
    url = httpx.URL(
        f"{BASE_URL}{CUSTOMERS}",
        params={"q": 'lastModifiedDate ON_OR_AFTER "6/2/2026"', "limit": 2},
    )

    response = await client.get(
        url, headers={"Authorization": tba_header(creds, str(url), timestamp=clock.now)}
    )

    assert response.status_code == 200, response.text
    assert response.json()["totalResults"] == 3
