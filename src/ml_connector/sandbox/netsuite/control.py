"""The control API under ``/_sandbox/``: what tests and demos do to the account from outside.

No real NetSuite path starts with ``/_sandbox/``, so these routes can never shadow one. They let a
caller seed data, edit records as a NetSuite user would (firing change events with the
``USERINTERFACE`` context, or another one named in the body), read the whole state and the call
counters, inject faults, expire every token, set the webhook URL and tune limits at run time.
Errors here are plain ``{"error": "…"}``: this API is ours, not NetSuite's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, fields
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ml_connector.sandbox.netsuite.account import Account
from ml_connector.sandbox.netsuite.authorization import redirect_uri_allowed
from ml_connector.sandbox.netsuite.editor import Editor
from ml_connector.sandbox.netsuite.faults import FaultRule
from ml_connector.sandbox.netsuite.generator import generate
from ml_connector.sandbox.netsuite.record_codec import InvalidRecordError, parse_write
from ml_connector.sandbox.netsuite.record_fields import RecordType, record_type

__all__ = ["CONTROL_PREFIX", "control_routes"]

CONTROL_PREFIX = "/_sandbox"
USERINTERFACE = "USERINTERFACE"
_RULE_FIELDS = {f.name for f in fields(FaultRule)} - {"seen", "fired"}


class _BadRequestError(Exception):
    pass


async def _json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise _BadRequestError("body is not JSON") from None
    if not isinstance(body, dict):
        raise _BadRequestError("body must be a JSON object")
    return body


def _kind(request: Request) -> RecordType:
    kind = record_type(request.path_params["type"])
    if kind is None:
        raise _BadRequestError(f"unknown record type {request.path_params['type']!r}")
    return kind


class Control:
    """Handlers of the control API for one account."""

    def __init__(self, account: Account, credentials: Callable[[str], dict[str, str]]) -> None:
        self._account = account
        self._credentials = credentials
        self._editor = Editor(account)

    async def credentials(self, request: Request) -> Response:
        base = f"{request.url.scheme}://{request.url.netloc}"
        return JSONResponse(self._credentials(base))

    async def seed(self, request: Request) -> Response:
        body = await _json(request)
        records, seed = body.get("records", 0), body.get("seed", 0)
        if not isinstance(records, int) or not isinstance(seed, int) or records < 0:
            raise _BadRequestError("records and seed must be non-negative integers")
        return JSONResponse({"inserted": generate(self._account.db, records=records, seed=seed)})

    async def state(self, request: Request) -> Response:
        account = self._account
        return JSONResponse({
            "account_id": account.account_id,
            "settings": asdict(account.settings) | {"token_ttl": account.tokens.ttl},
            "webhook_url": account.events.url,
            "tables": account.db.snapshot(),
        })  # fmt: skip

    async def create(self, request: Request) -> Response:
        kind, body = _kind(request), await _json(request)
        write = parse_write(self._account.db, kind, body.get("fields", {}), strict_names=True)
        key = self._editor.create(kind, write, str(body.get("context", USERINTERFACE)))
        return JSONResponse({"id": str(key)}, status_code=201)

    async def edit(self, request: Request) -> Response:
        kind, body = _kind(request), await _json(request)
        key = int(request.path_params["id"])
        write = parse_write(self._account.db, kind, body.get("fields", {}), strict_names=True)
        context = str(body.get("context", USERINTERFACE))
        if not self._editor.update(kind, key, write, context, inline=bool(body.get("inline"))):
            return JSONResponse({"error": f"no {kind.name} {key}"}, status_code=404)
        return JSONResponse({"id": str(key)})

    async def calls(self, request: Request) -> Response:
        if request.method == "DELETE":
            self._account.calls.clear()
        return JSONResponse({"calls": dict(sorted(self._account.calls.items()))})

    async def faults(self, request: Request) -> Response:
        plan = self._account.faults
        if request.method == "DELETE":
            plan.clear(seed=_optional_int(request.query_params.get("seed")))
        elif request.method == "POST":
            plan.add(_rule(await _json(request)))
        return JSONResponse({"faults": [asdict(rule) for rule in plan.rules]})

    async def expire_tokens(self, request: Request) -> Response:
        return JSONResponse({"expired": self._account.tokens.expire_all()})

    async def webhook(self, request: Request) -> Response:
        url = (await _json(request)).get("url")
        if url is not None and not isinstance(url, str):
            raise _BadRequestError("url must be a string or null")
        self._account.events.url = url
        return JSONResponse({"url": url})

    async def events(self, request: Request) -> Response:
        if request.query_params.get("wait", "").lower() == "true":
            await self._account.events.drain()
        return JSONResponse({"events": self._account.events.log})

    async def settings(self, request: Request) -> Response:
        body, account = await _json(request), self._account
        for name in ("concurrency", "latency_ms"):
            if name in body:
                setattr(account.settings, name, _positive(body[name], name, minimum=0))
        if "token_ttl" in body:
            account.tokens.ttl = _positive(body["token_ttl"], "token_ttl", minimum=1)
        return JSONResponse(asdict(account.settings) | {"token_ttl": account.tokens.ttl})

    async def redirect_uris(self, request: Request) -> Response:
        uri = (await _json(request)).get("uri")
        if not isinstance(uri, str) or not redirect_uri_allowed(uri):
            raise _BadRequestError("redirect URIs must use https or a custom scheme, never http")
        self._account.redirect_uris.append(uri)
        return JSONResponse({"redirect_uris": self._account.redirect_uris})


def _optional_int(raw: str | None) -> int | None:
    return int(raw) if raw is not None and raw.lstrip("-").isdigit() else None


def _positive(value: object, name: str, *, minimum: float) -> int:
    if not isinstance(value, int | float) or isinstance(value, bool) or value < minimum:
        raise _BadRequestError(f"{name} must be a number >= {minimum}")
    return int(value)


def _rule(body: dict[str, Any]) -> FaultRule:
    unknown = set(body) - _RULE_FIELDS
    if unknown:
        raise _BadRequestError(
            f"unknown fault fields {sorted(unknown)}; known: {sorted(_RULE_FIELDS)}"
        )
    try:
        return FaultRule(**body)
    except (TypeError, ValueError) as exc:
        raise _BadRequestError(str(exc)) from None


def _guarded(handler: Callable[[Request], Any]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        try:
            response: Response = await handler(request)
        except (_BadRequestError, ValueError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        except InvalidRecordError as exc:
            return JSONResponse({"error": exc.detail, "code": exc.code}, status_code=400)
        return response

    return endpoint


def control_routes(account: Account, credentials: Callable[[str], dict[str, str]]) -> list[Route]:
    """The control API's routes, all under :data:`CONTROL_PREFIX`."""
    c = Control(account, credentials)
    table = [
        ("/credentials", c.credentials, ["GET"]),
        ("/seed", c.seed, ["POST"]),
        ("/state", c.state, ["GET"]),
        ("/records/{type}", c.create, ["POST"]),
        ("/records/{type}/{id:int}", c.edit, ["PATCH"]),
        ("/calls", c.calls, ["GET", "DELETE"]),
        ("/faults", c.faults, ["GET", "POST", "DELETE"]),
        ("/tokens/expire", c.expire_tokens, ["POST"]),
        ("/webhook", c.webhook, ["PUT"]),
        ("/events", c.events, ["GET"]),
        ("/settings", c.settings, ["PATCH"]),
        ("/redirect_uris", c.redirect_uris, ["POST"]),
    ]
    return [Route(CONTROL_PREFIX + p, _guarded(h), methods=m) for p, h, m in table]
