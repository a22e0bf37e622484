"""The admin JSON API: connections, status, the audit trail and replay, behind a bearer token.

It answers with exactly what ``ml-connector connection|status|audit|replay --json`` print,
because both call the same functions and the same ``as_json`` methods. FastAPI builds the
OpenAPI document from the route signatures and ``admin_schema``, so the document cannot forget
a parameter; the app is mounted inside the service's Starlette app at ``/admin/api``.

Every error is one line of JSON, ``{"error": ...}``: a missing or wrong token is 401 with
``WWW-Authenticate: Bearer``, an unknown connection 404, a malformed filter 422; a replay of
a connection that cannot be used as stored is 409, and one whose remote side refuses or cannot
be reached is 502 or 503.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import httpx
from fastapi import Body, Depends, FastAPI, Path, Query, Security
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ml_connector.auth.session import SessionOptions
from ml_connector.connections import NAME_PATTERN, connection_views, show_connection
from ml_connector.connections.audit import AuditFilter, audit_entry, audit_trail
from ml_connector.connections.status import ConnectionStatus, connection_status
from ml_connector.connections.values import RECORD_PATTERN, parse_moment, parse_record
from ml_connector.errors import (
    AuthError,
    ConfigError,
    ConnectorError,
    NotFoundError,
    PermanentError,
    RetryableError,
)
from ml_connector.mapping import MappingFile
from ml_connector.store.audit import OUTCOMES, AuditRow
from ml_connector.store.keyring import Keyring
from ml_connector.sync.replay import ReplayReport, replay_connection
from ml_connector.web.admin_schema import (
    MOMENT,
    RECORD_HELP,
    ConnectionOut,
    ErrorOut,
    ReplayIn,
    moment_help,
)

__all__ = ["ADMIN_API_PATH", "admin_api", "not_found"]

logger = logging.getLogger(__name__)

ADMIN_API_PATH = "/admin/api"
MAX_ROW_ID = 2**63 - 1  # the store's ids are 64-bit
REPLAY_ERRORS = (400, 404, 409, 422, 502, 503)

# most specific first: the first class an error is an instance of gives its status
_ERROR_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (NotFoundError, 404),
    (ConfigError, 422),
    (AuthError, 409),
    (RetryableError, 503),
    (PermanentError, 502),
    (ConnectorError, 503),
    (httpx.HTTPError, 502),
)

UNAUTHORIZED: dict[str, Any] = {
    "model": ErrorOut,
    "description": "missing or wrong bearer token",
    "headers": {
        "WWW-Authenticate": {
            "description": "the scheme to use: Bearer",
            "required": True,
            "schema": {"type": "string"},
        }
    },
}

Name = Annotated[
    str,
    Path(
        pattern=NAME_PATTERN,
        description="the connection's name",
        openapi_examples={"acme": {"summary": "a connection", "value": "acme"}},
    ),
]


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": " ".join(message.split())}, status, headers=headers)


def _documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meanings = {
        400: "the body is not JSON",
        404: "no such connection (or audit row)",
        409: "the connection cannot be used as stored: credentials refused or settings wrong",
        422: "a parameter or the body is malformed",
        502: "NetSuite or Zoho refused for good or could not be reached",
        503: "Zoho asks to try again later, or the store cannot be used",
    }
    return {code: {"model": ErrorOut, "description": meanings[code]} for code in statuses}


_BEARER = HTTPBearer(auto_error=False, description="the admin token (ML_CONNECTOR_ADMIN_TOKEN)")


def _bearer_token(token: str) -> Callable[..., Awaitable[None]]:
    """A dependency admitting a request whose bearer token is ``token`` (constant-time check)."""
    expected = hashlib.sha256(token.encode()).digest()

    async def check(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
    ) -> None:
        # digests of equal length: neither the content nor the length of the token leaks
        given = hashlib.sha256(credentials.credentials.encode() if credentials else b"").digest()
        if credentials is None or not hmac.compare_digest(given, expected):
            challenge = 'Bearer error="invalid_token"' if credentials else "Bearer"
            raise HTTPException(
                401, "a valid admin bearer token is required", {"WWW-Authenticate": challenge}
            )

    return check


@dataclass(frozen=True)
class _Admin:
    """The endpoints, over the service's store; plain ``def`` ones run in the thread pool."""

    engine: Engine
    keyring: Keyring
    mapping: MappingFile
    clock: Callable[[], float]
    session_options: SessionOptions | None

    def connections(self) -> JSONResponse:
        """Every connection, by name: settings and which secrets are stored, never their values."""
        return JSONResponse([view.as_json() for view in connection_views(self.engine)])

    def connection(self, name: Name) -> JSONResponse:
        """One connection: settings and which secrets are stored, never their values."""
        return JSONResponse(show_connection(self.engine, name).as_json())

    def statuses(self) -> JSONResponse:
        """Every connection's health, token and channel expiry, poll lag, backlog, failures."""
        return JSONResponse([status.as_json() for status in self._status(None)])

    def status(self, name: Name) -> JSONResponse:
        """One connection's health, token and channel expiry, poll lag, backlog, failures."""
        return JSONResponse(self._status(name)[0].as_json())

    def audit(
        self,
        name: Name,
        *,
        outcome: Annotated[str | None, Query(json_schema_extra={"enum": list(OUTCOMES)})] = None,
        record: Annotated[
            str | None, Query(description=RECORD_HELP, pattern=RECORD_PATTERN)
        ] = None,
        since: Annotated[
            str | None, Query(description=moment_help("from then on"), json_schema_extra=MOMENT)
        ] = None,
        until: Annotated[
            str | None, Query(description=moment_help("before then"), json_schema_extra=MOMENT)
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000, description="newest rows to return")] = 50,
    ) -> JSONResponse:
        """The connection's newest audit rows, narrowed by outcome, record and time."""
        chosen = AuditFilter.parse(
            outcome=outcome, record=record, since=since, until=until, limit=limit, prefix=""
        )
        return JSONResponse([row.as_json() for row in audit_trail(self.engine, name, chosen)])

    def audit_row(
        self, name: Name, row_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
    ) -> JSONResponse:
        """One audit row of the connection, with the payload that was sent."""
        return JSONResponse(audit_entry(self.engine, name, row_id).as_json())

    async def replay(
        self, name: Name, body: Annotated[ReplayIn | None, Body()] = None
    ) -> JSONResponse:
        """Re-send the stored payloads of records whose last write failed; NetSuite is not read."""
        chosen = body or ReplayIn()
        record = parse_record(chosen.record, "record")
        since = parse_moment(chosen.since, "since")
        try:
            report = await replay_connection(
                self.engine, self.keyring, name, self.mapping,
                options=self.session_options, record=record, since=since, clock=self.clock,
            )  # fmt: skip
        except ConfigError as exc:  # the stored connection is wrong, not this request
            return _error(409, f"connection {name!r} cannot be used: {exc.message}")
        logger.info("replay requested", extra={"connection": name, **report.as_json()})
        return JSONResponse(report.as_json())

    def _status(self, name: str | None) -> list[ConnectionStatus]:
        return connection_status(self.engine, datetime.fromtimestamp(self.clock(), UTC), name)


def admin_api(
    *,
    engine: Engine,
    keyring: Keyring,
    mapping: MappingFile,
    token: str,
    clock: Callable[[], float] = time.time,
    session_options: SessionOptions | None = None,
) -> FastAPI:
    """The API, to mount at ``ADMIN_API_PATH``; its document is at ``openapi.json`` below it."""
    api = FastAPI(
        title="ml-connector admin API",
        version="1",
        description="Connections, status, the audit trail and replay. See docs/admin-api.md.",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_bearer_token(token))],
        responses={401: UNAUTHORIZED},
    )
    _route(api, _Admin(engine, keyring, mapping, clock, session_options))
    api.add_exception_handler(HTTPException, _http_error)
    api.add_exception_handler(RequestValidationError, _invalid)
    for kind, _status in _ERROR_STATUS:
        api.add_exception_handler(kind, _refused)
    return api


def _route(api: FastAPI, admin: _Admin) -> None:
    table: list[tuple[str, str, Callable[..., Any], Any, tuple[int, ...]]] = [
        ("GET", "/connections", admin.connections, list[ConnectionOut], ()),
        ("GET", "/connections/{name}", admin.connection, ConnectionOut, (404, 422)),
        ("GET", "/status", admin.statuses, list[ConnectionStatus], ()),
        ("GET", "/connections/{name}/status", admin.status, ConnectionStatus, (404, 422)),
        ("GET", "/connections/{name}/audit", admin.audit, list[AuditRow], (404, 422)),
        ("GET", "/connections/{name}/audit/{row_id}", admin.audit_row, AuditRow, (404, 422)),
        ("POST", "/connections/{name}/replay", admin.replay, ReplayReport, REPLAY_ERRORS),
    ]
    for method, path, endpoint, model, errors in table:
        api.add_api_route(
            path, endpoint, methods=[method], response_model=model,
            responses=_documented(*errors), operation_id=endpoint.__name__,
        )  # fmt: skip


async def not_found(request: Request, exc: Exception) -> Response:
    """The service's 404: JSON under the admin API (even for a path no route can match), as
    everything the API answers; Starlette's plain text elsewhere."""
    detail, headers = "Not Found", None
    if isinstance(exc, HTTPException):
        detail, headers = exc.detail, exc.headers
    if request.url.path.startswith(f"{ADMIN_API_PATH}/"):
        return _error(404, detail, headers)
    return PlainTextResponse(detail, 404, headers=headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return _error(exc.status_code, str(exc.detail), exc.headers)


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    ]
    return _error(422, "; ".join(problems) or "invalid request")


async def _refused(request: Request, exc: Exception) -> JSONResponse:
    status = next(code for kind, code in _ERROR_STATUS if isinstance(exc, kind))
    logger.log(
        logging.WARNING if status >= 500 else logging.INFO,
        "admin request refused",
        extra={"path": request.url.path, "status": status, "error": type(exc).__name__},
    )
    if isinstance(exc, ConnectorError):
        retry = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(max(1, round(retry)))} if retry else None
        return _error(status, exc.message, headers)
    return _error(status, f"NetSuite or Zoho could not be reached ({type(exc).__name__})")
