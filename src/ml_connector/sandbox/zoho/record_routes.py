"""``/crm/v8/{module}``: insert, update, upsert, and reading records by ids or by pages."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .bodies import batch_status, body_list, read_json
from .modules import Module
from .responses import Json, crm_error, json_response, no_content, not_modified
from .state import OrgState
from .timestamps import format_time, parse_time
from .users import User
from .writes import Outcome

__all__ = ["record_routes"]

MAX_RECORDS = 100
MAX_FIELDS = 50
MAX_IDS = 100
MAX_PER_PAGE = 200
PAGE_PARAM_REACH = 2000
PAGE_TOKEN_TTL = 24 * 3600.0
TRIGGERS = {"workflow", "approval", "blueprint", "pathfinder", "orchestration"}


def invalid_module() -> Response:
    """The module in the path is not one this org has."""
    details = {"resource_path_index": 0}
    return crm_error(400, "INVALID_MODULE", "The module name given seems to be invalid", details)


def _param_error(code: str, message: str, param: str, **extra: Any) -> Response:
    return crm_error(400, code, message, {**extra, "param_name": param})


class RecordRoutes:
    """Handlers over one org's state."""

    def __init__(self, org: OrgState) -> None:
        self.org = org

    def _module(self, request: Request) -> Module | None:
        return self.org.modules.get(request.path_params["module"])

    def _actor(self, request: Request) -> User:
        token = request.state.zoho_token
        return self.org.users.get(token.user_id) or self.org.users.api

    async def _batch(self, request: Request) -> tuple[Module, list[Any], Json] | Response:
        module = self._module(request)
        if module is None:
            return invalid_module()
        body = await read_json(request)
        data = body_list(body, "data", MAX_RECORDS)
        if isinstance(data, Response):
            return data
        trigger = body.get("trigger", [])
        if not isinstance(trigger, list) or not all(_is_trigger(t) for t in trigger):
            details = {"api_name": "trigger", "json_path": "$.trigger"}
            return crm_error(400, "INVALID_DATA", "invalid data", details)
        return module, data, body

    def _finish(self, outcomes: list[Outcome], all_ok: int) -> Response:
        self.org.notifier.publish([o.change for o in outcomes if o.change is not None])
        results = [o.body for o in outcomes]
        return json_response({"data": results}, batch_status(results, all_ok))

    async def insert(self, request: Request) -> Response:
        """``POST /crm/v8/{module}``: 201 all added, 207 mixed, 400 none."""
        batch = await self._batch(request)
        if isinstance(batch, Response):
            return batch
        module, data, _ = batch
        actor, writer = self._actor(request), self.org.writer
        outcomes = [writer.insert(module.api_name, r, i, actor) for i, r in enumerate(data)]
        return self._finish(outcomes, 201)

    async def update(self, request: Request) -> Response:
        """``PUT /crm/v8/{module}`` (ids in the records) or ``…/{id}`` (one record)."""
        batch = await self._batch(request)
        if isinstance(batch, Response):
            return batch
        module, data, _ = batch
        actor, record_id = self._actor(request), request.path_params.get("record_id")
        outcomes = [
            self.org.writer.update(module.api_name, record, index, actor, record_id)
            for index, record in enumerate(data)
        ]
        return self._finish(outcomes, 200)

    async def upsert(self, request: Request) -> Response:
        """``POST /crm/v8/{module}/upsert``: match on duplicate-check fields, else insert."""
        batch = await self._batch(request)
        if isinstance(batch, Response):
            return batch
        module, data, body = batch
        checks = _duplicate_checks(module, body.get("duplicate_check_fields"))
        if isinstance(checks, Response):
            return checks
        actor, writer = self._actor(request), self.org.writer
        outcomes = [
            writer.upsert(module.api_name, record, index, actor, checks)
            for index, record in enumerate(data)
        ]
        return self._finish(outcomes, 200)

    async def read(self, request: Request) -> Response:
        """``GET /crm/v8/{module}``: ``fields`` required; by ``ids`` or a page."""
        module = self._module(request)
        if module is None:
            return invalid_module()
        names = _fields_param(module, request.query_params.get("fields"))
        if isinstance(names, Response):
            return names
        if "ids" in request.query_params:
            return self._by_ids(module, names, request.query_params["ids"])
        return self._page(module, names, request)

    async def read_one(self, request: Request) -> Response:
        """``GET /crm/v8/{module}/{id}``: one record, every field unless ``fields`` says."""
        module = self._module(request)
        if module is None:
            return invalid_module()
        fields = request.query_params.get("fields")
        names = None if fields is None else _fields_param(module, fields)
        if isinstance(names, Response):
            return names
        row = self.org.store.get(module.api_name, request.path_params["record_id"])
        if row is None:
            return no_content()
        return json_response({"data": [self.org.store.render(module.api_name, row, names)]})

    def _by_ids(self, module: Module, names: list[str], ids_param: str) -> Response:
        ids = [i for i in ids_param.split(",") if i]
        if len(ids) > MAX_IDS:
            return _param_error("LIMIT_EXCEEDED", "limit exceeded", "ids", limit=MAX_IDS)
        store = self.org.store
        rows = [row for i in ids if (row := store.get(module.api_name, i)) is not None]
        if not rows:
            return no_content()
        data = [store.render(module.api_name, row, names) for row in rows]
        info = _info(len(data), len(data), 1, None, None)
        return json_response({"data": data, "info": info})

    def _page(self, module: Module, names: list[str], request: Request) -> Response:
        window = self._window(module, request)
        if isinstance(window, Response):
            return window
        rows, per_page, page, more = window
        if not rows:
            modified_since = "if-modified-since" in request.headers
            return not_modified() if modified_since else no_content()
        token, expiry = self._next_token(rows[-1]["id"]) if more else (None, None)
        data = [self.org.store.render(module.api_name, row, names) for row in rows]
        return json_response(
            {"data": data, "info": _info(per_page, len(data), page, token, expiry)}
        )

    def _window(
        self, module: Module, request: Request
    ) -> tuple[list[Json], int, int, bool] | Response:
        """One page's records, its size and number, and whether more follow.

        ``page`` reaches only the first 2,000 records; ``page_token`` continues after the last
        id of the page that issued it, so records added meanwhile never shift what follows.
        """
        params = request.query_params
        per_page, page = _int(params.get("per_page"), MAX_PER_PAGE), _int(params.get("page"), 1)
        if per_page is None or page is None or per_page < 1 or page < 1:
            return _param_error(
                "INVALID_DATA", "invalid data", "per_page" if not per_page else "page"
            )
        if per_page > MAX_PER_PAGE:
            return _param_error("LIMIT_EXCEEDED", "limit exceeded", "per_page", limit=MAX_PER_PAGE)
        rows = self._modified_since(module, request)
        if rows is None:
            return _param_error("INVALID_DATA", "invalid data", "If-Modified-Since")
        if "page_token" in params:
            after = self._token_position(params["page_token"])
            if after is None:
                return _param_error("INVALID_DATA", "invalid data", "page_token")
            rows, start = [r for r in rows if int(r["id"]) < int(after)], 0
        elif page * per_page > PAGE_PARAM_REACH:
            return _beyond_page_reach()
        else:
            start = (page - 1) * per_page
        return rows[start : start + per_page], per_page, page, len(rows) > start + per_page

    def _modified_since(self, module: Module, request: Request) -> list[Json] | None:
        """The module's records, only those modified since ``If-Modified-Since`` when given
        (a date-time with an offset); None when the header cannot be read."""
        rows = self.org.store.ordered(module.api_name)
        header = request.headers.get("if-modified-since")
        if header is None:
            return rows
        since = parse_time(header)
        return None if since is None else [r for r in rows if r["Modified_Time"] >= int(since)]

    def _next_token(self, last_id: str) -> tuple[str, str]:
        expires = self.org.clock() + PAGE_TOKEN_TTL
        token = secrets.token_hex(16)
        self.org.page_tokens[token] = (last_id, expires)
        return token, format_time(expires)

    def _token_position(self, token: str) -> str | None:
        last_id, expires = self.org.page_tokens.get(token, ("", 0.0))
        return last_id if last_id and expires > self.org.clock() else None


def _is_trigger(value: Any) -> bool:
    """One of the automation names ``trigger`` may list (anything else is refused, not hashed)."""
    return isinstance(value, str) and value in TRIGGERS


def _beyond_page_reach() -> Response:
    """More than 2,000 records by ``page``: Zoho asks for ``page_token`` instead."""
    message = "cannot fetch more than 2000 records using page param. Use page_token instead"
    return crm_error(400, "DISCRETE_PAGINATION_LIMIT_EXCEEDED", message, {})


def _int(text: str | None, default: int) -> int | None:
    if text is None:
        return default
    return int(text) if text.isdigit() else None


def _info(per_page: int, count: int, page: int, token: str | None, expiry: str | None) -> Json:
    return {
        "call": False,
        "per_page": per_page,
        "next_page_token": token,
        "count": count,
        "sort_by": "id",
        "page": page,
        "previous_page_token": None,
        "page_token_expiry": expiry,
        "sort_order": "desc",
        "email": False,
        "more_records": token is not None,
    }


def _fields_param(module: Module, fields: str | None) -> list[str] | Response:
    """The ``fields`` query parameter: required, at most 50, each a field of the module."""
    names = [n for n in (fields or "").split(",") if n]
    if not names:
        return crm_error(
            400, "REQUIRED_PARAM_MISSING", "required param is missing", {"param_name": "fields"}
        )
    if len(names) > MAX_FIELDS:
        return _param_error("LIMIT_EXCEEDED", "limit exceeded", "fields", limit=MAX_FIELDS)
    unknown = [n for n in names if n != "id" and n not in module.fields]
    if unknown:
        message = "the field api name given seems to be invalid"
        return _param_error("INVALID_DATA", message, "fields", api_name=unknown[0])
    return names


def _duplicate_checks(module: Module, given: Any) -> list[str] | Response:
    """The fields an upsert matches on, in order; only unique or system duplicate-check fields."""
    unique = [f.api_name for f in module.unique_fields()]
    if given is None:
        return [module.system_duplicate_check, *unique]
    allowed = {module.system_duplicate_check, *unique}
    if not isinstance(given, list) or not given:
        details = {"api_name": "duplicate_check_fields", "json_path": "$.duplicate_check_fields"}
        return crm_error(400, "INVALID_DATA", "invalid data", details)
    for index, name in enumerate(given):
        if not isinstance(name, str) or name not in allowed:
            details = {"api_name": name, "json_path": f"$.duplicate_check_fields[{index}]"}
            return crm_error(400, "INVALID_DATA", "invalid data", details)
    return list(given)


def record_routes(org: OrgState) -> list[Route]:
    """The record routes; they come after settings, org and watch routes, which they would match."""
    h = RecordRoutes(org)
    return [
        Route("/crm/v8/{module}", h.insert, methods=["POST"]),
        Route("/crm/v8/{module}", h.update, methods=["PUT"]),
        Route("/crm/v8/{module}", h.read, methods=["GET"]),
        Route("/crm/v8/{module}/upsert", h.upsert, methods=["POST"]),
        Route("/crm/v8/{module}/{record_id}", h.read_one, methods=["GET"]),
        Route("/crm/v8/{module}/{record_id}", h.update, methods=["PUT"]),
    ]
