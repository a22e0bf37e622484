"""The Zoho CRM client: batched upserts with per-record results, reads, fields and org info.

Zoho limits calls *in flight* per org (by edition) and, separately, writes of more than 10
records to 10 in flight; past either it answers 429 without ``Retry-After``. So every call holds
a slot of an adaptive limiter sized to the edition (halved on a 429, grown back on successes),
heavy upserts also hold one of 10 fixed slots (taken first, so a call waiting for a heavy slot
does not sit on an edition slot), and 429, 5xx and transport errors go through the shared retry
policy. Slots are released before backing off, so a waiting retry never blocks other calls.

Writes never raise for a throttled, failing or unreachable Zoho: once the policy is spent, each
record of that call comes back as a failed :class:`WriteResult` carrying the reason, for the
caller to journal and replay. Retrying an upsert is safe even when a lost answer hid a write,
because it is keyed on the NetSuite id field. Only a rejected token raises (:class:`AuthError`),
since no record can be written until the connection is authorized again. Reads raise.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from ml_connector.errors import PermanentError, RetryableError
from ml_connector.rest import (
    AdaptiveLimiter,
    RetryPolicy,
    Verdict,
    call_with_retries,
    classify,
    json_object,
    raise_for_verdict,
)
from ml_connector.zoho.results import WriteResult, call_failed, read_results

__all__ = [
    "API",
    "EDITION_CONCURRENCY",
    "HEAVY_LIMIT",
    "MAX_IDS",
    "MAX_RECORDS",
    "TransientError",
    "ZohoCRM",
    "concurrency_for",
]

API = "/crm/v8"
MAX_RECORDS = 100
MAX_IDS = 100
MAX_FIELDS = 50
HEAVY_RECORDS = 10
HEAVY_LIMIT = 10
EDITION_CONCURRENCY = {
    "free": 5,
    "standard": 10,
    "professional": 15,
    "enterprise": 20,
    "ultimate": 25,
}
Record = Mapping[str, Any]


class TransientError(RetryableError):
    """A 429, 5xx or lost connection, with Zoho's code (or ours) to journal once retries end."""

    def __init__(self, message: str, *, code: str, status: int | None = None) -> None:
        self.code = code
        super().__init__(f"{message} ({code})", status=status)


def concurrency_for(org: Mapping[str, Any]) -> int:
    """The edition's in-flight limit from ``org()``'s answer; Enterprise's 20 when unknown."""
    license_details = org.get("license_details") or {}
    return EDITION_CONCURRENCY.get(str(license_details.get("paid_type", "")).lower(), 20)


class ZohoCRM:
    """Zoho CRM API v8 over one authenticated client (base URL: the org's API domain)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        edition_limit: int = 20,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self.limiter = AdaptiveLimiter(edition_limit)
        self.heavy = AdaptiveLimiter(HEAVY_LIMIT, adaptive=False)
        self._policy = policy or RetryPolicy()
        self._sleep = sleep
        self.calls = 0
        self.throttled = 0

    async def upsert(
        self,
        module: str,
        records: Sequence[Record],
        *,
        duplicate_check_fields: Sequence[str],
        trigger: Sequence[str] | None = None,
    ) -> list[WriteResult]:
        """One result per record, in order; calls of at most 100 records run side by side.

        ``duplicate_check_fields`` should name only our unique NetSuite id field: naming only
        user-defined unique fields makes Zoho skip its name check, so two companies with the
        same name stay two records. ``trigger`` None sends ``[]``: the sync's own writes start
        no workflows, approvals or blueprints unless the operator asks for them.
        """
        if not duplicate_check_fields:
            raise ValueError("name the unique key field in duplicate_check_fields")
        options = {"duplicate_check_fields": list(duplicate_check_fields)}
        options["trigger"] = list(trigger or ())
        chunks = [records[i : i + MAX_RECORDS] for i in range(0, len(records), MAX_RECORDS)]
        calls = [self._upsert_call(module, chunk, options) for chunk in chunks]
        return [result for batch in await asyncio.gather(*calls) for result in batch]

    async def _upsert_call(
        self, module: str, chunk: Sequence[Record], options: Mapping[str, Any]
    ) -> list[WriteResult]:
        body = {"data": [dict(r) for r in chunk], **options}
        path, heavy = f"{API}/{module}/upsert", len(chunk) > HEAVY_RECORDS
        try:
            response = await self._retrying("POST", path, json=body, heavy=heavy)
        except TransientError as exc:
            return call_failed(len(chunk), exc.code, exc.message, status=exc.status)
        if classify(response.status_code) is Verdict.REAUTHORIZE:
            raise_for_verdict(response, system="Zoho", code=_code(response))
        return read_results(response.status_code, json_object(response), len(chunk))

    def upsert_capacity(self) -> int:
        """How many large upserts may be in flight now: the sub-limit, or less after 429s."""
        return min(self.heavy.limit, self.limiter.limit)

    async def get_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        """The records with these ids that exist (Zoho wants ``fields``: at most 50 names)."""
        if not 1 <= len(fields) <= MAX_FIELDS:
            raise ValueError(f"name 1..{MAX_FIELDS} fields to read")
        chunks = [ids[i : i + MAX_IDS] for i in range(0, len(ids), MAX_IDS)]
        params = [{"ids": ",".join(c), "fields": ",".join(fields)} for c in chunks]
        pages = await asyncio.gather(*(self._read(f"{API}/{module}", p) for p in params))
        return [record for page in pages for record in page.get("data", [])]

    async def peek(self, module: str) -> list[dict[str, Any]]:
        """At most one record's id: the cheapest call proving the module and read scope."""
        page = await self._read(f"{API}/{module}", {"fields": "id", "per_page": 1})
        return list(page.get("data", []))

    async def fields(self, module: str) -> list[dict[str, Any]]:
        """The module's fields metadata (``GET /settings/fields``)."""
        page = await self._read(f"{API}/settings/fields", {"module": module})
        return list(page.get("fields", []))

    async def create_field(self, module: str, spec: Mapping[str, Any]) -> str:
        """Create one custom field; its id. Zoho's refusal raises PermanentError with its code."""
        response = await self._retrying(
            "POST", f"{API}/settings/fields", params={"module": module}, json={"fields": [spec]}
        )
        result = _field_result(response)
        if result.ok and result.record_id:
            return result.record_id
        label = spec.get("field_label", "?")
        message = f"Zoho refused field {label!r} in {module}: {result.code} {result.message}"
        if result.field:
            message += f" (on {result.field})"
        raise PermanentError(message, status=response.status_code, code=result.code)

    async def add_picklist_values(self, module: str, field_id: str, values: Sequence[str]) -> None:
        """Add options to a picklist field (``PATCH /settings/fields/{id}``); options given
        without an id are added, the field's other options stay as they are."""
        options = [{"display_value": v, "actual_value": v} for v in values]
        response = await self._retrying(
            "PATCH",
            f"{API}/settings/fields/{field_id}",
            params={"module": module},
            json={"fields": [{"pick_list_values": options}]},
        )
        result = _field_result(response)
        if not result.ok:
            raise PermanentError(
                f"Zoho refused new values for field {field_id} of {module}: "
                f"{result.code} {result.message}",
                status=response.status_code,
                code=result.code or "",
            )

    async def pages(
        self,
        module: str,
        fields: Sequence[str],
        *,
        per_page: int = 200,
        modified_since: datetime | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Every record of a module, a page at a time (``page_token`` past the first 2,000).

        With ``modified_since``, only records modified after it (``If-Modified-Since``; Zoho
        answers 304 when there are none).
        """
        params: dict[str, Any] = {"fields": ",".join(fields), "per_page": per_page}
        headers = {} if modified_since is None else {"If-Modified-Since": _moment(modified_since)}
        while True:
            answer = await self._read(f"{API}/{module}", params, headers)
            if answer.get("data"):
                yield list(answer["data"])
            info = answer.get("info") or {}
            if not info.get("more_records") or not info.get("next_page_token"):
                return
            params = {**params, "page_token": info["next_page_token"]}
            params.pop("page", None)

    async def org(self) -> dict[str, Any]:
        """The org: id, edition (``license_details.paid_type``), time zone, currency."""
        answer = await self._read(f"{API}/org", {})
        orgs = answer.get("org") or [{}]
        return dict(orgs[0])

    async def watch(
        self,
        method: str,
        *,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """One call to the notification API (``/actions/watch``): its status and JSON object.

        A 4xx is returned, not raised: an expired or unknown channel is news the caller acts on
        (it provisions a new one). Only a rejected token raises, as everywhere.
        """
        path = f"{API}/actions/watch"
        response = await self._retrying(method, path, json=body, params=params)
        if classify(response.status_code) is Verdict.REAUTHORIZE:
            raise_for_verdict(response, system="Zoho", code=_code(response))
        return response.status_code, json_object(response)

    async def _read(
        self, path: str, params: Mapping[str, Any], headers: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """A GET's JSON object; 204 (nothing matched) and 304 (nothing modified) are empty."""
        response = await self._retrying("GET", path, params=params, headers=headers)
        if response.status_code in (204, 304):
            return {}
        raise_for_verdict(response, system="Zoho", code=_code(response))
        return json_object(response)

    async def _retrying(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return await call_with_retries(
            lambda: self._send(method, path, **kwargs), self._policy, sleep=self._sleep
        )

    async def _send(
        self, method: str, path: str, *, heavy: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """One attempt inside the limiters; 429, 5xx and lost connections raise to be retried."""
        async with self._slots(heavy):
            self.calls += 1
            try:
                response = await self._http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                reason = f"Zoho did not answer {method} {path}: {type(exc).__name__}"
                raise TransientError(reason, code="TRANSPORT_ERROR") from exc
        await self._observe(response.status_code)
        if classify(response.status_code) is Verdict.RETRY:
            code = _code(response) or f"HTTP_{response.status_code}"
            reason = f"Zoho answered {response.status_code} to {method} {path}"
            raise TransientError(reason, code=code, status=response.status_code)
        return response

    @contextlib.asynccontextmanager
    async def _slots(self, heavy: bool) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            if heavy:
                await stack.enter_async_context(self.heavy.slot())
            await stack.enter_async_context(self.limiter.slot())
            yield

    async def _observe(self, status: int) -> None:
        """Teach the limiter: a 429 cuts the limit, an answer that was not trouble grows it."""
        if status == 429:
            self.throttled += 1
            self.limiter.throttled()
        elif status < 500:
            await self.limiter.succeeded()


def _field_result(response: httpx.Response) -> WriteResult:
    """The one result of a fields API write; an answer without one raises by its status."""
    body = json_object(response)
    if not isinstance(body.get("fields"), list):
        raise_for_verdict(response, system="Zoho", code=_code(response))
    return read_results(response.status_code, {"data": body.get("fields")}, 1)[0]


def _moment(moment: datetime) -> str:
    """A time as Zoho's date-time headers take it: seconds, with an offset."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat(timespec="seconds")


def _code(response: httpx.Response) -> str:
    """Zoho's top-level error code, when the answer has one."""
    return str(json_object(response).get("code") or "")
