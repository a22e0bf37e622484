"""Pages from the templates shipped in this package, with the values every page needs.

Templates are autoescaped; every response says it must not be cached, framed or sniffed, and
the content security policy allows only this dashboard's own stylesheet (no scripts at all).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from ml_connector.web.dashboard.guard import base_path, csrf_token, signed_in

__all__ = ["Renderer", "flash", "relative", "span"]

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def span(seconds: float) -> str:
    """A duration as people say it: ``42 s``, ``7 min``, ``3 h``, ``2 d``."""
    size = abs(seconds)
    for unit, length in (("d", 86400), ("h", 3600), ("min", 60)):
        if size >= length * 2 or (unit == "min" and size >= length):
            return f"{size / length:.0f} {unit}"
    return f"{size:.0f} s"


def relative(moment: datetime | str | None, now: datetime) -> str:
    """``in 54 min`` or ``3 min ago``; ``-`` when there is no moment."""
    if moment is None:
        return "-"
    when = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    seconds = (when - now).total_seconds()
    return f"in {span(seconds)}" if seconds >= 0 else f"{span(seconds)} ago"


def _stamp(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "-"


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def flash(request: Request, kind: str, text: str) -> None:
    """A message for the next page this session sees (``ok``, ``warn`` or ``bad``)."""
    request.session["flash"] = [*request.session.get("flash", []), {"kind": kind, "text": text}]


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ml_connector.web.dashboard", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(relative=relative, span=span, stamp=_stamp, pretty=_pretty)
    return env


class Renderer:
    """Renders a template with the session's CSRF token, its messages and the mount point."""

    def __init__(self) -> None:
        self.templates = Jinja2Templates(env=_environment())

    def page(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        status_code: int = 200,
    ) -> Response:
        """The page ``name`` with ``context``."""
        common = {
            "base": base_path(request),
            "csrf_token": csrf_token(request),
            "signed_in": signed_in(request),
            "flashes": request.session.pop("flash", []),
        }
        return self.templates.TemplateResponse(
            request, name, common | (context or {}), status_code=status_code,
            headers=SECURITY_HEADERS,
        )  # fmt: skip
