"""The dashboard's pages: connections and runs, the audit trail, a record's history, the mapping.

Everything shown is read from the store (nothing calls NetSuite or Zoho to draw a page), off the
event loop. The one action is replay: it re-sends a failed record's stored payload through the
same services ``ml-connector replay`` opens, and reports what Zoho answered.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import yaml
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from ml_connector.auth.session import SessionOptions
from ml_connector.connections.status import ConnectionStatus, connection_status
from ml_connector.errors import ConnectorError, NotFoundError
from ml_connector.mapping import EntityMapping, MappingFile
from ml_connector.netsuite import RECORD_TYPES
from ml_connector.store.audit import AuditRow, latest_failures, search_audit
from ml_connector.store.connections import ConnectionRow, get_connection
from ml_connector.store.keyring import Keyring
from ml_connector.store.runs import recent_runs
from ml_connector.sync.replay import ReplayReport, replay_connection
from ml_connector.web.dashboard.audit_query import FAILING, OUTCOMES, AuditQuery
from ml_connector.web.dashboard.guard import base_path
from ml_connector.web.dashboard.rendering import Renderer, flash

__all__ = ["Pages", "verdict"]

logger = logging.getLogger(__name__)

AUDIT_ROWS = 200
RUNS = 25


def verdict(status: ConnectionStatus) -> tuple[str, str]:
    """A connection's health in a word, and how worrying it is (``ok``, ``warn``, ``bad``)."""
    if status.status != "active":
        return status.status.replace("_", " "), "bad"
    if status.reauthorize_by:
        return "re-authorize soon", "warn"
    if status.failed_last_hour:
        return "failing records", "warn"
    return "healthy", "ok"


@dataclass(frozen=True)
class Pages:
    """Page handlers over one store, with the mapping in effect."""

    engine: Engine
    keyring: Keyring
    mapping: MappingFile
    renderer: Renderer
    clock: Callable[[], float]
    session_options: SessionOptions | None = None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    async def overview(self, request: Request) -> Response:
        """Every connection's health, and the newest runs."""
        now = self._now()
        statuses = await run_in_threadpool(connection_status, self.engine, now)
        runs = await run_in_threadpool(recent_runs, self.engine, limit=RUNS)
        health = [(status, *verdict(status)) for status in statuses]
        context = {"connections": health, "runs": runs, "now": now, "section": "overview"}
        return self.renderer.page(request, "overview.html", context)

    async def audit(self, request: Request) -> Response:
        """The audit trail of one connection, narrowed by the form's filters."""
        connection = await self._connection(request)
        if connection is None:
            return _not_found("no such connection")
        query = AuditQuery.parse(request.query_params)
        rows = [] if query.problems else await run_in_threadpool(self._rows, connection, query)
        context = {
            "connection": connection.name, "query": query, "rows": rows, "limit": AUDIT_ROWS,
            "outcomes": OUTCOMES, "failing": FAILING, "record_types": RECORD_TYPES,
            "section": "overview",
        }  # fmt: skip
        return self.renderer.page(request, "audit.html", context)

    def _rows(self, connection: ConnectionRow, query: AuditQuery) -> list[AuditRow]:
        if not query.failing:
            return search_audit(self.engine, connection.id, **query.criteria(), limit=AUDIT_ROWS)
        since = query.criteria()["since"]
        failing = latest_failures(self.engine, connection.id, since=since)
        return [row for row in reversed(failing) if query.keeps(row)][:AUDIT_ROWS]

    async def record(self, request: Request) -> Response:
        """Every attempt at one NetSuite record: the payload sent and Zoho's answer."""
        connection = await self._connection(request)
        if connection is None:
            return _not_found("no such connection")
        record = _record(request)
        attempts = await run_in_threadpool(
            lambda: search_audit(
                self.engine, connection.id, source_type=record[0], source_id=record[1], limit=1000
            )
        )
        failed = await run_in_threadpool(
            lambda: latest_failures(self.engine, connection.id, record=record)
        )
        replayable = any(row.payload and row.zoho_module for row in failed)
        context = {
            "connection": connection.name, "record_type": record[0], "record_id": record[1],
            "attempts": attempts, "failed": bool(failed), "replayable": replayable,
            "section": "overview",
        }  # fmt: skip
        return self.renderer.page(request, "record.html", context)

    async def replay(self, request: Request) -> Response:
        """Re-send the record's last failed payload; back to its history with the outcome."""
        connection = await self._connection(request)
        if connection is None:
            return _not_found("no such connection")
        record = _record(request)
        await self._replay(request, connection.name, record)
        page = f"/connections/{connection.name}/records/{record[0]}/{record[1]}"
        return RedirectResponse(base_path(request) + page, status_code=303)

    async def replay_failing(self, request: Request) -> Response:
        """Re-send every record whose last attempt failed; back to what is still failing."""
        connection = await self._connection(request)
        if connection is None:
            return _not_found("no such connection")
        await self._replay(request, connection.name, None)
        page = f"/connections/{connection.name}/audit?outcome={FAILING}"
        return RedirectResponse(base_path(request) + page, status_code=303)

    async def _replay(self, request: Request, name: str, record: tuple[str, str] | None) -> None:
        """Replay, and tell the operator how it went on the next page."""
        try:
            report = await replay_connection(
                self.engine, self.keyring, name, self.mapping,
                options=self.session_options, record=record, clock=self.clock,
            )  # fmt: skip
        except (ConnectorError, httpx.HTTPError) as exc:
            logger.warning(
                "dashboard replay failed", extra={"connection": name, "error": type(exc).__name__}
            )
            flash(request, "bad", f"Replay could not run: {_reason(exc)}")
            return
        flash(request, *(_replayed(report) if record else _replayed_all(report)))

    async def mapping_page(self, request: Request) -> Response:
        """The mapping in effect: a table per NetSuite record type, and the file itself."""
        sections = [
            (t, self.mapping.entity(t), _rule_rows(self.mapping.entity(t)))
            for t in self.mapping.source_types()
        ]
        document = self.mapping.model_dump(mode="json", exclude_none=True)
        context = {
            "version": self.mapping.version, "sections": sections, "section": "mapping",
            "yaml": yaml.safe_dump(document, sort_keys=False, allow_unicode=True),
        }  # fmt: skip
        return self.renderer.page(request, "mapping.html", context)

    async def _connection(self, request: Request) -> ConnectionRow | None:
        name = request.path_params["connection"]
        try:
            return await run_in_threadpool(get_connection, self.engine, name)
        except NotFoundError:
            return None


def _rule_rows(entity: EntityMapping) -> list[tuple[str, str, str, str, list[str]]]:
    """Per Zoho field: rule type, NetSuite column, owner, and the rule's other settings."""
    rows: list[tuple[str, str, str, str, list[str]]] = []
    for name, rule in entity.fields.items():
        options = rule.model_dump(
            mode="json", exclude_defaults=True, exclude={"type", "source", "owner"}
        )
        source = getattr(rule, "source", None)
        column = source if isinstance(source, str) else ""
        rows.append((name, rule.type, column, rule.owner, _settings(options)))
    return rows


def _settings(options: dict[str, Any]) -> list[str]:
    """A rule's settings as short labels: ``max length: 40``, ``values: Reseller → Distributor``."""
    labels = []
    for key, value in sorted(options.items()):
        label = key.replace("_", " ")
        if isinstance(value, dict):
            labels += [f"{label}: {k} → {_shown(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            labels.append(f"{label}: {', '.join(_shown(v) for v in value)}")
        else:
            labels.append(f"{label}: {_shown(value)}")
    return labels


def _shown(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _record(request: Request) -> tuple[str, str]:
    return request.path_params["record_type"], request.path_params["record_id"]


def _not_found(text: str) -> Response:
    return PlainTextResponse(text, 404)


def _reason(exc: Exception) -> str:
    if isinstance(exc, ConnectorError):
        return exc.message
    return f"{type(exc).__name__} while reaching Zoho"


def _replayed_all(report: ReplayReport) -> tuple[str, str]:
    text = f"Replayed {report.replayed}: {report.written} written, {report.failed} refused again."
    if report.not_replayable:
        text += f" {report.not_replayable} failed before a payload existed (a poll brings them)."
    if report.failed and not report.written:
        return "bad", text
    return ("warn" if report.failed or not report.replayed else "ok"), text


def _replayed(report: ReplayReport) -> tuple[str, str]:
    if report.written:
        return "ok", "Replayed: Zoho accepted the record."
    if report.failed:
        return "bad", "Replayed, but Zoho refused the record again; its answer is below."
    return "warn", (
        "Nothing to replay: the last attempt did not fail, or it failed before a payload "
        "existed (a poll or backfill brings the record again)."
    )
