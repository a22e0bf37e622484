"""The control API under ``/_sandbox/``: what tests and the demo do to the simulated org.

None of it is Zoho's API; none of it is counted, limited or faulted.

    GET    /_sandbox/state                  records (as the API renders them), channels, custom
                                            fields, token counts, credits, concurrency, faults
    GET    /_sandbox/counters               calls per "METHOD /path"; DELETE resets them
    GET    /_sandbox/callbacks              every callback attempted, its payload and outcome
    POST   /_sandbox/records/{module}       a person creates a record in the UI
    PATCH  /_sandbox/records/{module}/{id}  a person edits it (Modified_By = the UI user)
    DELETE /_sandbox/records/{module}/{id}  a person deletes it
    POST   /_sandbox/faults                 {"kind": "status"|"reset"|"latency", "path": prefix,
                                            "status": 429|5xx, "probability": p, "count": n,
                                            "after": skip first n, "latency_ms": ms};
                                            DELETE clears them all
    GET    /_sandbox/faults                 the faults in force, and how many of each kind were
                                            done to calls ("429", "503", "reset", "latency")
    POST   /_sandbox/tokens/expire          every access token expires now
    POST   /_sandbox/channels/expire        {"channel_ids": [...]} (all when absent) expire now
    PUT    /_sandbox/settings               {"edition", "token_ttl", "credit_budget", "latency_ms",
                                            "concurrency"}
    POST   /_sandbox/grant-codes            {"scope": "..."}: a self-client grant code
    POST   /_sandbox/redirect-uris          {"uri": "..."}: register a redirect URI for the
                                            client, as the API console does
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .bodies import NOT_JSON, read_json
from .faults import fault_from_json
from .limits import CONCURRENCY
from .responses import Json, json_response
from .state import OrgState
from .tokens import SELF_CLIENT_SCOPE
from .writes import Outcome

__all__ = ["control_routes"]


def _at_least(least: float, *, whole: bool = True) -> Callable[[Any], bool]:
    def ok(value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return (isinstance(value, int) or not whole) and value >= least

    return ok


# Each setting's check and how a refusal describes it; all are checked before any is applied.
SETTING_RULES: dict[str, tuple[Callable[[Any], bool], str]] = {
    "edition": (
        lambda v: isinstance(v, str) and v in CONCURRENCY,
        f"one of {', '.join(CONCURRENCY)}",
    ),
    "token_ttl": (lambda v: _at_least(0, whole=False)(v) and v > 0, "a number of seconds above 0"),
    "credit_budget": (_at_least(0), "an integer of at least 0"),
    "latency_ms": (_at_least(0), "an integer of at least 0"),
    "concurrency": (_at_least(1), "an integer of at least 1"),
}


def _problem(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


class ControlRoutes:
    """Handlers over one org's state."""

    def __init__(self, org: OrgState) -> None:
        self.org = org

    async def state(self, request: Request) -> Response:
        """Everything: records as the API renders them, channels, custom fields, limits."""
        org, store = self.org, self.org.store
        records = {m: [store.render(m, row) for row in store.ordered(m)] for m in org.modules}
        return json_response(
            {
                "edition": org.edition,
                "records": records,
                "custom_fields": self._custom_fields(),
                "channels": [self._channel(c) for c in org.channels.live()],
                "tokens": org.authority.summary(),
                "credits": {"budget": org.credits.budget, "used": org.credits.used()},
                "concurrency": {"limit": org.in_flight.limit, "in_flight": org.in_flight.all},
                "users": {"api": org.users.api.with_email(), "ui": org.users.ui.with_email()},
                "faults": org.faults.describe(),
            }
        )

    def _custom_fields(self) -> Json:
        return {
            name: [f.api_name for f in module.fields.values() if f.custom]
            for name, module in self.org.modules.items()
        }

    def _channel(self, channel: Any) -> Json:
        return dataclasses.asdict(channel)

    async def counters(self, request: Request) -> Response:
        """Calls per ``"METHOD /path"`` since start (or the last reset)."""
        return json_response(dict(self.org.counters))

    async def reset_counters(self, request: Request) -> Response:
        """Start counting afresh, e.g. at the start of a benchmark."""
        self.org.counters.clear()
        return json_response({})

    async def callbacks(self, request: Request) -> Response:
        """Every callback attempted, with its payload and what the receiver answered."""
        deliveries = [dataclasses.asdict(d) for d in self.org.notifier.deliveries]
        return json_response({"callbacks": deliveries})

    async def ui_create(self, request: Request) -> Response:
        """A person creates a record in the UI."""
        module = request.path_params["module"]
        values = await read_json(request)
        if module not in self.org.modules:
            return _problem(f"unknown module; valid: {', '.join(self.org.modules)}", 404)
        outcome = self.org.writer.insert(module, values, 0, self.org.users.ui)
        return self._ui_result(outcome, 201)

    async def ui_edit(self, request: Request) -> Response:
        """A person edits a record in the UI (``Modified_By`` becomes that person)."""
        module, record_id = request.path_params["module"], request.path_params["record_id"]
        values = await read_json(request)
        if module not in self.org.modules or self.org.store.get(module, record_id) is None:
            return _problem("no such record", 404)
        outcome = self.org.writer.update(module, values, 0, self.org.users.ui, record_id)
        return self._ui_result(outcome, 200)

    async def ui_delete(self, request: Request) -> Response:
        """A person deletes a record in the UI."""
        module, record_id = request.path_params["module"], request.path_params["record_id"]
        change = self.org.writer.delete(module, record_id) if module in self.org.modules else None
        if change is None:
            return _problem("no such record", 404)
        self.org.notifier.publish([change])
        return json_response({"id": record_id})

    def _ui_result(self, outcome: Outcome, status: int) -> Response:
        if outcome.change is None:
            return json_response(outcome.body, 400)
        self.org.notifier.publish([outcome.change])
        return json_response(outcome.body, status)

    async def add_fault(self, request: Request) -> Response:
        """Inject a fault: ``{"kind": "status"|"reset"|"latency", "path", "status",
        "probability", "count", "after", "latency_ms"}``."""
        fault = fault_from_json(await read_json(request))
        if isinstance(fault, str):
            return _problem(fault)
        self.org.faults.faults.append(fault)
        return json_response({"faults": self.org.faults.describe()}, 201)

    async def list_faults(self, request: Request) -> Response:
        """The faults in force and how often each kind was injected since start."""
        faults = self.org.faults
        return json_response({"faults": faults.describe(), "injected": dict(faults.injected)})

    async def clear_faults(self, request: Request) -> Response:
        """Remove every injected fault."""
        self.org.faults.faults.clear()
        return json_response({"faults": []})

    async def expire_tokens(self, request: Request) -> Response:
        """Every access token expires now; refresh tokens still work."""
        return json_response({"expired": self.org.authority.expire_all()})

    async def expire_channels(self, request: Request) -> Response:
        """Expire channels now: ``{"channel_ids": [...]}``, or all when absent."""
        body = await read_json(request)
        ids = body.get("channel_ids") if isinstance(body, dict) else None
        if ids is not None and not isinstance(ids, list):
            return _problem('expected {"channel_ids": [ids]}, or no body for every channel')
        wanted = None if ids is None else [str(i) for i in ids]
        return json_response({"expired": self.org.channels.expire_now(wanted)})

    async def settings(self, request: Request) -> Response:
        """Change the edition, token lifetime, credit budget, latency or concurrency."""
        body = await read_json(request)
        if body is NOT_JSON or not isinstance(body, dict):
            return _problem("expected a JSON object")
        problem = self._apply_settings(body)
        return _problem(problem) if problem else json_response(self._settings())

    def _apply_settings(self, body: Json) -> str | None:
        if unknown := sorted(set(body) - set(SETTING_RULES)):
            return f"unknown keys {unknown}; valid: {sorted(SETTING_RULES)}"
        for key, (ok, wanted) in SETTING_RULES.items():
            if key in body and not ok(body[key]):
                return f"{key} must be {wanted}"
        if "edition" in body:
            self.org.set_edition(body["edition"])
        if "token_ttl" in body:
            self.org.authority.token_ttl = float(body["token_ttl"])
        if "credit_budget" in body:
            self.org.credits.budget = int(body["credit_budget"])
        if "latency_ms" in body:
            self.org.faults.latency_ms = int(body["latency_ms"])
        if "concurrency" in body:  # after "edition", which resets it to the edition's figure
            self.org.in_flight.limit = int(body["concurrency"])
        return None

    def _settings(self) -> Json:
        org = self.org
        return {
            "edition": org.edition,
            "token_ttl": org.authority.token_ttl,
            "credit_budget": org.credits.budget,
            "latency_ms": org.faults.latency_ms,
            "concurrency": org.in_flight.limit,
        }

    async def grant_code(self, request: Request) -> Response:
        """A self-client grant code, as the developer console's "Generate Code" gives.

        ``{"scope": "ZohoCRM.modules.accounts.READ,…"}`` narrows it; the default is the
        pre-registered self-client's full scope.
        """
        body = await read_json(request)
        scope = body.get("scope", SELF_CLIENT_SCOPE) if isinstance(body, dict) else None
        if scope is not None and not isinstance(scope, str):
            return _problem('expected {"scope": "comma-separated scopes"}')
        scope = scope or SELF_CLIENT_SCOPE  # no body, or no scope: the full self-client scope
        client_id = next(iter(self.org.authority.clients))
        code = self.org.authority.issue_grant_code(client_id, scope)
        return json_response({"code": code, "client_id": client_id}, 201)

    async def redirect_uri(self, request: Request) -> Response:
        """Register a redirect URI for the pre-registered client (the API console's field)."""
        body = await read_json(request)
        uri = body.get("uri") if isinstance(body, dict) else None
        if not isinstance(uri, str) or urlsplit(uri).scheme not in ("http", "https"):
            return _problem('expected {"uri": an http(s) URL}')
        client_id = next(iter(self.org.authority.clients))
        self.org.authority.redirect_uris.setdefault(client_id, set()).add(uri)
        return json_response({"client_id": client_id, "uri": uri}, 201)


def control_routes(org: OrgState) -> list[Route]:
    """The control API routes, all under ``/_sandbox/``."""
    h = ControlRoutes(org)
    records = "/_sandbox/records/{module}"
    return [
        Route("/_sandbox/state", h.state, methods=["GET"]),
        Route("/_sandbox/counters", h.counters, methods=["GET"]),
        Route("/_sandbox/counters", h.reset_counters, methods=["DELETE"]),
        Route("/_sandbox/callbacks", h.callbacks, methods=["GET"]),
        Route(records, h.ui_create, methods=["POST"]),
        Route(records + "/{record_id}", h.ui_edit, methods=["PATCH"]),
        Route(records + "/{record_id}", h.ui_delete, methods=["DELETE"]),
        Route("/_sandbox/faults", h.add_fault, methods=["POST"]),
        Route("/_sandbox/faults", h.list_faults, methods=["GET"]),
        Route("/_sandbox/faults", h.clear_faults, methods=["DELETE"]),
        Route("/_sandbox/tokens/expire", h.expire_tokens, methods=["POST"]),
        Route("/_sandbox/channels/expire", h.expire_channels, methods=["POST"]),
        Route("/_sandbox/settings", h.settings, methods=["PUT"]),
        Route("/_sandbox/grant-codes", h.grant_code, methods=["POST"]),
        Route("/_sandbox/redirect-uris", h.redirect_uri, methods=["POST"]),
    ]
