"""The URL a client sees when the simulator sits behind a TLS-terminating proxy on loopback.

TBA signs the URL the client called (reference §1.4: the base string holds scheme, host and
path), and every ``links[].href`` must point where the client can follow it (reference §9: build
hrefs from the request). Behind a proxy that terminates ``https://…`` and forwards plain HTTP to
us, the connection's scheme and host are the proxy's, not the client's, so both would be wrong.
This middleware puts the external scheme (``X-Forwarded-Proto``) and host (``X-Forwarded-Host``,
else the ``Host`` the proxy passed on) back into the request before anything reads it.

Forwarded headers are believed only from a loopback peer: anyone can send them, and a simulator
reachable from elsewhere must not let a remote caller choose the URL its signature is checked
against. uvicorn applies ``X-Forwarded-Proto``/``-For`` itself for ``127.0.0.1`` peers; doing it
here too keeps the rule the same under any server, or none, as with ``httpx.ASGITransport``.
One consequence: a proxy that names a remote client in ``X-Forwarded-For`` makes uvicorn report
that client as the peer, so its ``X-Forwarded-Host`` is not believed; such a proxy should keep
the client's ``Host`` (nginx's ``proxy_set_header Host $host``), which is then used as sent.
"""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["TrustedProxy", "is_loopback"]

_SCHEMES = {"http", "https"}


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` is a loopback address (``127.0.0.0/8`` or ``::1``)."""
    if host is None:
        return False
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _first(raw: bytes | None) -> str | None:
    """The client-facing value of a forwarded header: the first of a comma list."""
    if not raw:
        return None
    value = raw.decode("latin-1").split(",")[0].strip()
    return value or None


def _forwarded(scope: Scope) -> Scope:
    headers = dict(scope["headers"])
    proto = (_first(headers.get(b"x-forwarded-proto")) or "").lower()
    host = _first(headers.get(b"x-forwarded-host"))
    if proto not in _SCHEMES and host is None:
        return scope
    rewritten = dict(scope)
    if proto in _SCHEMES:
        rewritten["scheme"] = proto
    if host is not None:
        kept = [(k, v) for k, v in scope["headers"] if k != b"host"]
        rewritten["headers"] = [*kept, (b"host", host.encode("latin-1"))]
    return rewritten


class TrustedProxy:
    """ASGI middleware: apply ``X-Forwarded-Proto``/``-Host`` from loopback peers only."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] == "http" and client and is_loopback(client[0]):
            scope = _forwarded(scope)
        await self._app(scope, receive, send)
