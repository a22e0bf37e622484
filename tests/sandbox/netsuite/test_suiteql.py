"""SuiteQL over REST: envelope, paging rules, value conventions and error bodies (§2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from ml_connector.sandbox.netsuite import NetSuiteSimulator
from tests.sandbox.netsuite.conftest import BASE_URL, SUITEQL, FakeClock, authed

pytestmark = pytest.mark.anyio


@pytest.fixture
async def headers(client: httpx.AsyncClient, creds: dict[str, str]) -> dict[str, str]:
    return {**await authed(client, creds), "Prefer": "transient"}


async def _query(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    q: str,
    params: list[Any] | None = None,
    **paging: int,
) -> httpx.Response:
    body: dict[str, Any] = {"q": q} | ({"params": params} if params is not None else {})
    return await client.post(SUITEQL, json=body, params=paging, headers=headers)


async def test_single_page_envelope(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await _query(client, headers, "SELECT id, name FROM customercategory ORDER BY id")

    body = response.json()
    assert list(body) == ["links", "count", "hasMore", "items", "offset", "totalResults"]
    assert body["links"] == [{"rel": "self", "href": f"{BASE_URL}{SUITEQL}"}]
    assert (body["count"], body["hasMore"], body["offset"], body["totalResults"]) == (
        5,
        False,
        0,
        5,
    )
    assert body["items"][0] == {"links": [], "id": "1", "name": "Corporate"}


async def test_paging_links_and_has_more(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    total = (await _query(client, headers, "SELECT id FROM customer")).json()["totalResults"]

    page = (
        await _query(client, headers, "SELECT id FROM customer ORDER BY id", limit=10, offset=10)
    ).json()

    rels = {link["rel"]: link["href"] for link in page["links"]}
    assert set(rels) == {"first", "prev", "next", "last", "self"}
    assert rels["next"] == f"{BASE_URL}{SUITEQL}?limit=10&offset=20"
    assert rels["prev"] == f"{BASE_URL}{SUITEQL}?limit=10&offset=0"
    assert (page["count"], page["hasMore"], page["totalResults"]) == (10, True, total)


async def test_walking_pages_by_offset_plus_count_sees_every_row_once(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    seen: list[str] = []
    offset, more = 0, True
    while more:
        page = (
            await _query(
                client, headers, "SELECT id FROM contact ORDER BY id", limit=7, offset=offset
            )
        ).json()
        seen += [item["id"] for item in page["items"]]
        offset, more = offset + page["count"], page["hasMore"]

    assert len(seen) == len(set(seen)) == page["totalResults"]


async def test_values_are_strings_booleans_t_f_keys_lowercase_nulls_omitted(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await _query(
        client,
        headers,
        "SELECT id AS MyId, isperson, isinactive, parent, companyName, datecreated "
        "FROM customer WHERE isperson = 'T' ORDER BY id",
        limit=1,
    )

    item = response.json()["items"][0]
    assert set(item) == {"links", "myid", "isperson", "isinactive", "datecreated"}
    assert item["isperson"] == "T"
    assert isinstance(item["myid"], str)
    assert item["datecreated"].count("/") == 2  # user-preference date, time dropped


async def test_oracle_outer_join_builtin_df_and_to_char(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    q = (
        "SELECT c.id, BUILTIN.DF(c.category) AS category_name, "
        "TO_CHAR(c.lastmodifieddate, 'YYYY-MM-DD HH24:MI:SS') AS lastmodified, "
        "NVL(a.city, 'none') AS city "
        "FROM customer c, customeraddressbookentityaddress a "
        "WHERE a.nkey(+) = c.defaultbillingaddress "
        "AND c.lastmodifieddate >= TO_DATE('2020-01-01 00:00:00', 'YYYY-MM-DD HH24:MI:SS') "
        "AND c.id > ? ORDER BY c.id"
    )

    response = await _query(client, headers, q, params=["0"], limit=5)

    items = response.json()["items"]
    assert len(items) == 5
    assert {i["category_name"] for i in items} <= {
        "Corporate",
        "Individual",
        "Reseller",
        "Government",
        "Education",
    }
    assert all(len(i["lastmodified"]) == 19 and i["lastmodified"][4] == "-" for i in items)
    assert all(i["city"] for i in items)


async def test_bound_parameters_filter(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await _query(
        client, headers, "SELECT id FROM customercategory WHERE id BETWEEN ? AND ?", ["2", "3"]
    )

    assert [i["id"] for i in response.json()["items"]] == ["2", "3"]


async def test_unnamed_expressions_are_named_expr_n(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await _query(client, headers, "SELECT COUNT(*) FROM vendorcategory")

    assert response.json()["items"] == [{"links": [], "expr1": "4"}]


async def test_past_100000_rows_is_refused_but_keyset_paging_reaches_everything(
    clock: FakeClock,
) -> None:
    simulator = NetSuiteSimulator(records=0, clock=clock)
    simulator.account.db.insert(
        "customercategory",
        [{"id": i, "name": f"c{i}", "isinactive": "F"} for i in range(10, 100_110)],
    )
    transport = httpx.ASGITransport(app=simulator.app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
        headers = {**await authed(http, simulator.credentials(BASE_URL)), "Prefer": "transient"}
        q = "SELECT id FROM customercategory WHERE id > ? ORDER BY id"
        last_page = await _query(http, headers, q, ["0"], limit=1000, offset=99_000)
        beyond = await _query(http, headers, q, ["0"], limit=1000, offset=100_000)
        keyset = await _query(http, headers, q, ["100000"], limit=1000)

    assert last_page.json()["hasMore"] is True
    assert beyond.status_code == 400
    assert keyset.json()["totalResults"] == 109


def _error(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert body["status"] == response.status_code == 400
    assert body["title"] == "Bad Request"
    return dict(body["o:errorDetails"][0])


REJECTIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("limit zero", {"limit": 0}, "INVALID_PARAMETER", "limit"),
    ("limit over 1000", {"limit": 1001}, "INVALID_PARAMETER", "limit"),
    ("offset not a multiple of limit", {"limit": 10, "offset": 15}, "INVALID_PARAMETER", "offset"),
    ("past 100,000 rows", {"limit": 1000, "offset": 100_000}, "INVALID_PARAMETER", "offset"),
]


@pytest.mark.parametrize("rejection", REJECTIONS, ids=[r[0] for r in REJECTIONS])
async def test_paging_rejections(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    rejection: tuple[str, dict[str, int], str, str],
) -> None:
    case, paging, code, param = rejection
    response = await client.post(
        SUITEQL, json={"q": "SELECT id FROM customer"}, params=paging, headers=headers
    )
    detail = _error(response)

    assert (detail["o:errorCode"], detail["o:errorQueryParam"]) == (code, param), case


QUERY_REJECTIONS = [
    ("unknown table", "SELECT id FROM invoice_lines", "Record 'invoice_lines' was not found"),
    ("unknown column", "SELECT balance FROM customer", "Unknown identifier 'balance'"),
    ("misspelt contact column", "SELECT e.mobilphone FROM contact e", "'e.mobilphone'"),
    ("contacts have no web address", "SELECT url FROM contact", "Unknown identifier 'url'"),
    (
        "contact address book misspelt",
        "SELECT nkey FROM contactaddressbookentityadress",
        "Record 'contactaddressbookentityadress' was not found",
    ),
    ("syntax error", "SELECT id FROM customer WHERE", "Invalid search query"),
    ("WITH is not supported", "WITH x AS (SELECT 1 AS a) SELECT a FROM x", "WITH"),
    ("not a query", "DELETE FROM customer", "Invalid search query"),
    ("SQLite's catalog", "SELECT name FROM sqlite_master", "Record 'sqlite_master' was not found"),
    ("table function", "SELECT * FROM pragma_table_info('customer')", "PRAGMA_TABLE_INFO"),
    ("IFNULL is not Oracle", "SELECT IFNULL(fax, 'x') AS f FROM customer", "function IFNULL"),
    ("strftime", "SELECT STRFTIME('%Y', datecreated) AS y FROM customer", "function STRFTIME"),
    ("SQLite built-in", "SELECT sqlite_version() AS v FROM customer", "function SQLITE_VERSION"),
    ("unknown function", "SELECT frobnicate(id) AS f FROM customer", "function FROBNICATE"),
    (
        "date literal",
        "SELECT id FROM customer WHERE lastmodifieddate > DATE '2026-01-01'",
        "TO_DATE",
    ),
]


@pytest.mark.parametrize(
    ("case", "q", "fragment"), QUERY_REJECTIONS, ids=[r[0] for r in QUERY_REJECTIONS]
)
async def test_bad_queries_get_invalid_parameter(
    client: httpx.AsyncClient, headers: dict[str, str], case: str, q: str, fragment: str
) -> None:
    detail = _error(await _query(client, headers, q))

    assert detail["o:errorCode"] == "INVALID_PARAMETER", case
    assert fragment in detail["detail"]
    assert "\x1b" not in detail["detail"]


async def test_oracle_functions_sqlite_also_knows_still_work(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    q = (
        "SELECT id, UPPER(NVL(fax, 'none')) AS f, SUBSTR(entityid, 1, 3) AS s, "
        "CAST(id AS CHAR(10)) AS c FROM customer WHERE ROWNUM <= 1"
    )

    response = await _query(client, headers, q)

    assert response.status_code == 200, response.text
    [item] = response.json()["items"]
    assert set(item) == {"links", "id", "f", "s", "c"}


async def test_prefer_transient_is_required(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    without = {k: v for k, v in headers.items() if k != "Prefer"}

    detail = _error(await _query(client, without, "SELECT id FROM customer"))

    assert (detail["o:errorCode"], detail["o:errorHeader"]) == ("INVALID_REQUEST", "Prefer")


async def test_body_must_be_json_with_q(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.post(SUITEQL, content=b"q=SELECT", headers=headers)

    assert _error(response)["o:errorCode"] == "INVALID_REQUEST"


async def test_a_string_compared_with_a_datetime_is_read_in_the_user_date_format(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    listed = await _query(
        client, headers, "SELECT TO_CHAR(lastmodifieddate, 'YYYY-MM-DD') AS day FROM customer"
    )
    days = sorted(item["day"] for item in listed.json()["items"])
    year, month, day = (int(part) for part in days[len(days) // 2].split("-"))
    cutoff = f"{month}/{day}/{year}"
    expected = sum(d >= f"{year:04d}-{month:02d}-{day:02d}" for d in days)
    counting = "SELECT COUNT(*) AS n FROM customer WHERE lastmodifieddate >= "

    literal = await _query(client, headers, f"{counting}'{cutoff}'")
    bound = await _query(client, headers, f"{counting}?", [cutoff])

    assert 0 < expected < len(days)
    assert literal.json()["items"][0]["n"] == bound.json()["items"][0]["n"] == str(expected)


@pytest.mark.parametrize(
    ("q", "params"),
    [
        ("SELECT id FROM customer WHERE lastmodifieddate > '2026-01-05'", None),
        ("SELECT id FROM customer WHERE lastmodifieddate > ?", ["2026-01-05"]),
    ],
    ids=["ISO literal", "ISO bound value"],
)
async def test_a_string_not_in_the_user_date_format_is_refused(
    client: httpx.AsyncClient, headers: dict[str, str], q: str, params: list[Any] | None
) -> None:
    detail = _error(await _query(client, headers, q, params))

    assert detail["o:errorCode"] == "INVALID_PARAMETER"
    assert "Invalid date value" in detail["detail"]
