"""``/crm/v8/actions/watch``: enable (POST), replace (PUT), update or trim (PATCH), list (GET)
and disable (DELETE) notification channels, with Zoho's documented answers."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .bodies import batch_status, body_list, read_json
from .channels import Channel, not_subscribed
from .responses import Json, crm_error, json_response, no_content
from .state import OrgState

__all__ = ["watch_routes"]

MAX_CHANNELS = 50
SUBSCRIBED = "Successfully subscribed for actions-watch of the given module"
UPDATED = "Successfully updated the subscribe details"
REMOVED = "Successfully removed the subscribe details"
UNSUBSCRIBED = "Successfully un-subscribed from actions-watch"


def _success(message: str, details: Json) -> Json:
    return {"code": "SUCCESS", "details": details, "message": message, "status": "success"}


def _api_domain(request: Request) -> str:
    return str(request.base_url).rstrip("/")


class WatchRoutes:
    """Handlers over one org's channels."""

    def __init__(self, org: OrgState) -> None:
        self.org = org

    def _resource(self, channel: Channel, module: str) -> Json:
        return {
            "resource_uri": f"{channel.api_domain}/crm/v2/{module}",
            "resource_id": self.org.modules[module].id,
            "resource_name": module,
        }

    def _events(self, channel: Channel) -> Json:
        expiry = self.org.channels.expiry_text(channel)
        same = {
            "channel_id": channel.channel_id,
            # Not in the doc sample, but required by notifications.json: both are satisfied.
            "notification_condition": channel.notification_condition,
        }
        modules = channel.modules()
        events = [{"channel_expiry": expiry, **self._resource(channel, m), **same} for m in modules]
        return {"events": events}

    async def _elements(self, request: Request) -> list[Any] | Response:
        return body_list(await read_json(request), "watch", MAX_CHANNELS)

    async def enable(self, request: Request) -> Response:
        """POST: create (or re-enable) channels; 201, or 207/400 with per-channel errors."""
        elements = await self._elements(request)
        if isinstance(elements, Response):
            return elements
        results = [self._enable(request, e, i) for i, e in enumerate(elements)]
        return json_response({"watch": results}, batch_status(results, 201))

    def _enable(self, request: Request, element: Any, index: int) -> Json:
        checked = self.org.channels.validate(element, index, full=True)
        if isinstance(checked, dict):
            return checked
        channel = self.org.channels.enable(element, checked, _api_domain(request))
        return _success(SUBSCRIBED, self._events(channel))

    async def replace(self, request: Request) -> Response:
        """PUT: replace a live channel's whole configuration."""
        return await self._change(request, full=True)

    async def patch(self, request: Request) -> Response:
        """PATCH: change given keys only, or remove events with ``_delete_events``."""
        return await self._change(request, full=False)

    async def _change(self, request: Request, *, full: bool) -> Response:
        elements = await self._elements(request)
        if isinstance(elements, Response):
            return elements
        results = [self._change_one(request, e, i, full) for i, e in enumerate(elements)]
        return json_response({"watch": results}, batch_status(results, 200))

    def _change_one(self, request: Request, element: Any, index: int, full: bool) -> Json:
        channels = self.org.channels
        checked = channels.validate(element, index, full=full)
        if isinstance(checked, dict):
            return checked
        channel = channels.get(checked)
        if channel is None:
            return not_subscribed()
        if full:
            channel = channels.enable(element, checked, channel.api_domain)
            return _success(UPDATED, self._events(channel))
        channels.patch(channel, element)
        if not channel.events:
            channels.remove(channel.channel_id)  # nothing left to watch
        message = REMOVED if element.get("_delete_events") is True else UPDATED
        return _success(message, self._events(channel))

    async def list(self, request: Request) -> Response:
        """GET: live channels, optionally one ``channel_id`` or ``module``; 204 when none."""
        wanted_id = request.query_params.get("channel_id")
        wanted_module = request.query_params.get("module")
        listed = [
            self._describe(channel, module)
            for channel in self.org.channels.live()
            if wanted_id in (None, channel.channel_id)
            for module in channel.modules()
            if wanted_module in (None, module)
        ]
        if not listed:
            return no_content()
        info = {"per_page": 200, "count": len(listed), "page": 1, "more_records": False}
        return json_response({"watch": listed, "info": info})

    def _describe(self, channel: Channel, module: str) -> Json:
        return {
            "notify_on_related_action": channel.notify_on_related_action,
            "channel_expiry": self.org.channels.expiry_text(channel),
            "return_affected_field_values": channel.return_affected_field_values,
            **self._resource(channel, module),
            "notify_url": channel.notify_url,
            "fields": None,
            "notification_condition": channel.notification_condition,
            "channel_id": channel.channel_id,
            "events": [e for e in channel.events if e.startswith(f"{module}.")],
            "token": channel.token,
        }

    async def disable(self, request: Request) -> Response:
        """DELETE ``?channel_ids=1,2``: remove whole channels."""
        ids = [i for i in request.query_params.get("channel_ids", "").split(",") if i]
        if not ids:
            details = {"param_name": "channel_ids"}
            return crm_error(400, "REQUIRED_PARAM_MISSING", "required param is missing", details)
        results = [self._disable(channel_id) for channel_id in ids]
        return json_response({"watch": results}, batch_status(results, 200))

    def _disable(self, channel_id: str) -> Json:
        channel = self.org.channels.remove(channel_id)
        if channel is None:
            return not_subscribed()
        resource = self._resource(channel, (channel.modules() or ["Accounts"])[0])
        details = {
            "resource_uri": resource["resource_uri"],
            "resource_id": resource["resource_id"],
            "channel_id": channel_id,
        }
        return _success(UNSUBSCRIBED, details)


def watch_routes(org: OrgState) -> list[Route]:
    """The notification routes."""
    h = WatchRoutes(org)
    path = "/crm/v8/actions/watch"
    return [
        Route(path, h.enable, methods=["POST"]),
        Route(path, h.replace, methods=["PUT"]),
        Route(path, h.patch, methods=["PATCH"]),
        Route(path, h.list, methods=["GET"]),
        Route(path, h.disable, methods=["DELETE"]),
    ]
