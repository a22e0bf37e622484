"""The REST record service: GET with sublists, POST/PATCH 204 + Location, documented errors (§4)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.sandbox.netsuite.conftest import BASE_URL, SUITEQL, FakeClock, authed

pytestmark = pytest.mark.anyio

RECORDS = "/services/rest/record/v1"
SINGULAR = "application/vnd.oracle.resource+json; type=singular"


@pytest.fixture
async def headers(client: httpx.AsyncClient, creds: dict[str, str]) -> dict[str, str]:
    return await authed(client, creds)


async def _first_id(client: httpx.AsyncClient, headers: dict[str, str], table: str) -> str:
    q = f"SELECT id FROM {table} WHERE companyname IS NOT NULL ORDER BY id"  # noqa: S608
    response = await client.post(
        SUITEQL, json={"q": q}, params={"limit": 1}, headers={**headers, "Prefer": "transient"}
    )
    return str(response.json()["items"][0]["id"])


async def _create(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"{RECORDS}/{kind}", json=body, headers=headers)


async def test_get_customer_has_typed_fields_and_references(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    key = await _first_id(client, headers, "customer")

    response = await client.get(f"{RECORDS}/customer/{key}", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"] == SINGULAR
    body = response.json()
    assert body["links"] == [{"rel": "self", "href": f"{BASE_URL}{RECORDS}/customer/{key}"}]
    assert body["id"] == key
    assert body["isPerson"] is False
    assert set(body["subsidiary"]) == {"links", "id", "refName"}
    assert body["lastModifiedDate"].endswith("Z")
    assert body["addressbook"] == {
        "links": [{"rel": "self", "href": f"{BASE_URL}{RECORDS}/customer/{key}/addressbook"}]
    }


async def test_expand_sub_resources_includes_addresses(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    key = await _first_id(client, headers, "vendor")

    response = await client.get(
        f"{RECORDS}/vendor/{key}", params={"expandSubResources": "true"}, headers=headers
    )

    lines = response.json()["addressbook"]["items"]
    assert lines
    assert {"defaultBilling", "defaultShipping", "label", "addressbookaddress"} <= set(lines[0])
    assert {"addr1", "city", "country", "nKey"} <= set(lines[0]["addressbookaddress"])


async def test_fields_parameter_limits_the_body(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    key = await _first_id(client, headers, "customer")

    response = await client.get(
        f"{RECORDS}/customer/{key}", params={"fields": "companyName,email"}, headers=headers
    )

    assert set(response.json()) == {"links", "companyName", "email"}


async def test_create_answers_204_with_location_and_suiteql_sees_it(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {
        "companyName": "My Company",
        "email": "buyer@example.com",
        "subsidiary": {"id": "1"},
        "category": {"id": "3"},
        "addressbook": {
            "items": [
                {
                    "defaultBilling": True,
                    "defaultShipping": True,
                    "label": "HQ",
                    "addressbookaddress": {"addr1": "1 Main St", "city": "Austin", "country": "US"},
                }
            ]
        },
    }

    response = await _create(client, headers, "customer", body)

    assert response.status_code == 204
    assert response.content == b""
    key = response.headers["location"].rsplit("/", 1)[1]
    assert response.headers["location"] == f"{BASE_URL}{RECORDS}/customer/{key}"
    q = (
        "SELECT c.companyname, BUILTIN.DF(c.category) AS cat, a.city FROM customer c "
        "LEFT JOIN customeraddressbookentityaddress a ON a.nkey = c.defaultbillingaddress "
        "WHERE c.id = ?"
    )
    rows = await client.post(
        SUITEQL, json={"q": q, "params": [key]}, headers={**headers, "Prefer": "transient"}
    )
    assert rows.json()["items"] == [
        {"links": [], "companyname": "My Company", "cat": "Reseller", "city": "Austin"}
    ]


async def test_patch_updates_clears_and_stamps_last_modified(
    client: httpx.AsyncClient, headers: dict[str, str], clock: FakeClock
) -> None:
    key = await _first_id(client, headers, "customer")
    clock.advance(60)

    response = await client.patch(
        f"{RECORDS}/customer/{key}", json={"email": None, "phone": "+44 20 1234"}, headers=headers
    )

    assert response.status_code == 204
    assert response.headers["location"].endswith(f"/customer/{key}")
    body = (await client.get(f"{RECORDS}/customer/{key}", headers=headers)).json()
    assert "email" not in body
    assert body["phone"] == "+44 20 1234"
    assert body["lastModifiedDate"] == "2026-05-28T20:27:40Z"


@pytest.mark.parametrize(
    "kind", ["customercategory", "vendorcategory", "vendorCategory", "contactcategory"]
)
async def test_categories_can_be_created(
    client: httpx.AsyncClient, headers: dict[str, str], kind: str
) -> None:
    response = await _create(client, headers, kind, {"name": "Category 1"})

    assert response.status_code == 204
    got = await client.get(response.headers["location"], headers=headers)
    assert got.json()["name"] == "Category 1"


def _address(addr1: str, city: str, *, billing: bool, shipping: bool) -> dict[str, Any]:
    return {
        "defaultBilling": billing,
        "defaultShipping": shipping,
        "label": addr1,
        "addressbookaddress": {"addr1": addr1, "city": city, "country": "US"},
    }


async def test_a_contact_s_phones_category_and_addresses_read_back_through_suiteql(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {
        "firstName": "Ada", "lastName": "Byron", "altEmail": "ada@home.example",
        "mobilePhone": "+1 857 555 0101", "officePhone": "+1 617 555 0102",
        "homePhone": "+1 781 555 0103", "fax": "+1 617 555 0104", "category": {"id": "2"},
        "addressbook": {"items": [
            _address("1 Main St", "Austin", billing=True, shipping=False),
            _address("9 Dock Rd", "Boston", billing=False, shipping=True),
        ]},
    }  # fmt: skip

    created = await _create(client, headers, "contact", body)

    assert created.status_code == 204, created.text
    key = created.headers["location"].rsplit("/", 1)[1]
    q = (
        "SELECT e.altemail, e.mobilephone, e.officephone, e.homephone, e.fax, "
        "BUILTIN.DF(e.category) AS cat, b.city AS billcity, s.city AS shipcity FROM contact e "
        "LEFT JOIN contactaddressbookentityaddress b ON b.nkey = e.defaultbillingaddress "
        "LEFT JOIN contactaddressbookentityaddress s ON s.nkey = e.defaultshippingaddress "
        "WHERE e.id = ?"
    )
    rows = await client.post(
        SUITEQL, json={"q": q, "params": [key]}, headers={**headers, "Prefer": "transient"}
    )
    assert rows.json()["items"] == [{
        "links": [], "altemail": "ada@home.example", "mobilephone": "+1 857 555 0101",
        "officephone": "+1 617 555 0102", "homephone": "+1 781 555 0103",
        "fax": "+1 617 555 0104", "cat": "Billing", "billcity": "Austin", "shipcity": "Boston",
    }]  # fmt: skip
    got = await client.get(
        f"{RECORDS}/contact/{key}", params={"expandSubResources": "true"}, headers=headers
    )
    lines = got.json()["addressbook"]["items"]
    assert [(line["defaultBilling"], line["addressbookaddress"]["city"]) for line in lines] == [
        (True, "Austin"),
        (False, "Boston"),
    ]
    assert got.json()["category"]["refName"] == "Billing"


def _detail(response: httpx.Response, status: int) -> dict[str, str]:
    body = response.json()
    assert response.status_code == body["status"] == status
    return dict(body["o:errorDetails"][0])


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/customer/999999"),
        ("PATCH", "/vendor/999999"),
        ("GET", "/contact/999999"),
    ],
)
async def test_missing_record_is_404_nonexistent_id(
    client: httpx.AsyncClient, headers: dict[str, str], method: str, path: str
) -> None:
    response = await client.request(method, f"{RECORDS}{path}", json={}, headers=headers)

    assert _detail(response, 404)["o:errorCode"] == "NONEXISTENT_ID"


WRITE_REJECTIONS: list[tuple[str, str, dict[str, Any], str, str]] = [
    (
        "category that does not exist",
        "customer",
        {"companyName": "X", "category": {"id": "9999"}},
        "INVALID_CONTENT",
        "Invalid Field Value 9999 for the following field: category",
    ),
    ("company name missing", "customer", {"email": "a@b.c"}, "USER_ERROR", "Company Name"),
    (
        "individual without names",
        "vendor",
        {"isPerson": True},
        "USER_ERROR",
        "First Name, Last Name",
    ),
    ("category without a name", "customercategory", {}, "USER_ERROR", "Name"),
    (
        "boolean as a string",
        "customer",
        {"companyName": "X", "isInactive": "T"},
        "INVALID_CONTENT",
        "isInactive",
    ),
]


@pytest.mark.parametrize("rejection", WRITE_REJECTIONS, ids=[r[0] for r in WRITE_REJECTIONS])
async def test_invalid_writes_are_refused(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    rejection: tuple[str, str, dict[str, Any], str, str],
) -> None:
    case, kind, body, code, fragment = rejection
    detail = _detail(await _create(client, headers, kind, body), 400)

    assert detail["o:errorCode"] == code, case
    assert fragment in detail["detail"]


async def test_unknown_field_is_ignored_unless_validation_is_error(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    body = {"companyName": "X", "noSuchField": 1}

    lenient = await _create(client, headers, "customer", body)
    strict = await client.post(
        f"{RECORDS}/customer",
        json=body,
        headers={**headers, "X-NetSuite-PropertyNameValidation": "error"},
    )

    assert lenient.status_code == 204
    assert _detail(strict, 400)["o:errorCode"] == "NONEXISTENT_FIELD"


@pytest.mark.parametrize(
    ("name", "value", "expanded"),
    [
        ("expandSubResources", "true", True),
        ("expandsubresources", "TRUE", True),
        ("EXPANDSUBRESOURCES", "True", True),
        ("expandSubResources", "false", False),
    ],
)
async def test_expand_sub_resources_in_any_letter_case(
    client: httpx.AsyncClient, headers: dict[str, str], name: str, value: str, expanded: bool
) -> None:
    key = await _first_id(client, headers, "customer")

    response = await client.get(f"{RECORDS}/customer/{key}", params={name: value}, headers=headers)

    assert ("items" in response.json()["addressbook"]) is expanded


async def test_record_datetimes_are_iso_8601_utc_to_the_second(
    client: httpx.AsyncClient, headers: dict[str, str], clock: FakeClock
) -> None:
    clock.now = 1_780_000_000.75  # 2026-05-28T20:26:40.75Z: fractions never leak out
    created = await _create(client, headers, "contact", {"firstName": "Iso", "lastName": "Date"})

    response = await client.get(created.headers["location"], headers=headers)

    body = response.json()
    assert body["dateCreated"] == "2026-05-28T20:26:40Z"
    assert body["lastModifiedDate"] == "2026-05-28T20:26:40Z"
