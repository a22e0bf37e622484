"""The dashboard as one mounted ASGI app: its routes, static files and session middleware."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ml_connector.auth.session import SessionOptions
from ml_connector.mapping import MappingFile
from ml_connector.store.keyring import Keyring
from ml_connector.web.dashboard.guard import SESSION_COOKIE, SESSION_SECONDS, protected, session_key
from ml_connector.web.dashboard.login import Login
from ml_connector.web.dashboard.pages import Pages
from ml_connector.web.dashboard.rendering import Renderer

__all__ = ["DASHBOARD_PATH", "dashboard"]

DASHBOARD_PATH = "/dashboard"
RECORD_PATH = "/connections/{connection}/records/{record_type}/{record_id}"


def dashboard(
    *,
    engine: Engine,
    keyring: Keyring,
    admin_token: str,
    mapping: MappingFile,
    clock: Callable[[], float] = time.time,
    session_options: SessionOptions | None = None,
) -> Mount:
    """The dashboard, mounted at ``/dashboard``, for whoever knows ``admin_token``."""
    renderer = Renderer()
    login = Login(admin_token, renderer)
    pages = Pages(engine, keyring, mapping, renderer, clock, session_options)
    static = StaticFiles(packages=[("ml_connector.web.dashboard", "static")])
    routes = [
        Route("/login", login.form, methods=["GET"]),
        Route("/login", login.submit, methods=["POST"]),
        Route("/logout", protected(login.logout), methods=["POST"]),
        Route("/", protected(pages.overview), methods=["GET"]),
        Route("/mapping", protected(pages.mapping_page), methods=["GET"]),
        Route("/connections/{connection}/audit", protected(pages.audit), methods=["GET"]),
        Route(
            "/connections/{connection}/replay", protected(pages.replay_failing), methods=["POST"]
        ),
        Route(RECORD_PATH, protected(pages.record), methods=["GET"]),
        Route(RECORD_PATH + "/replay", protected(pages.replay), methods=["POST"]),
        Mount("/static", static, name="static"),
    ]
    session = Middleware(
        SessionMiddleware, secret_key=session_key(admin_token), session_cookie=SESSION_COOKIE,
        max_age=SESSION_SECONDS, path=DASHBOARD_PATH, same_site="strict",
    )  # fmt: skip
    return Mount(DASHBOARD_PATH, app=Starlette(routes=routes, middleware=[session]))
