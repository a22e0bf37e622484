"""``/crm/v8/settings/fields`` (metadata, custom fields, picklist values) and ``/crm/v8/org``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .bodies import batch_status, body_list, read_json
from .customfields import CUSTOM_FIELD_CAPS, add_picklist_values, create_field, picklist_problem
from .fields import FieldDef, field_metadata
from .modules import Module
from .responses import Json, crm_error, json_response, no_content
from .state import LICENSED_USERS, OrgState
from .timestamps import ORG_TIME_ZONE
from .values import invalid_data

__all__ = ["settings_routes"]

MAX_NEW_FIELDS = 5


def _success(message: str, field_id: str) -> Json:
    return {"code": "SUCCESS", "details": {"id": field_id}, "message": message, "status": "success"}


class SettingsRoutes:
    """Handlers over one org's modules."""

    def __init__(self, org: OrgState) -> None:
        self.org = org

    def _module(self, request: Request) -> Module | Response:
        name = request.query_params.get("module")
        if not name:
            details = {"param_name": "module"}
            return crm_error(400, "REQUIRED_PARAM_MISSING", "required param is missing", details)
        module = self.org.modules.get(name)
        if module is None:
            message = "The module name given seems to be invalid"
            return crm_error(400, "INVALID_MODULE", message, {"param_name": "module"})
        return module

    def _metadata(self, fd: FieldDef) -> Json:
        module_ids = {name: m.id for name, m in self.org.modules.items()}
        return field_metadata(fd, module_ids)

    def _field(self, module: Module, request: Request) -> FieldDef | None:
        field_id = request.path_params["field_id"]
        return next((f for f in module.fields.values() if f.id == field_id), None)

    async def list_fields(self, request: Request) -> Response:
        """``GET /settings/fields?module=``: every field of the module."""
        module = self._module(request)
        if isinstance(module, Response):
            return module
        return json_response({"fields": [self._metadata(f) for f in module.fields.values()]})

    async def get_field(self, request: Request) -> Response:
        """``GET /settings/fields/{id}?module=``."""
        module = self._module(request)
        if isinstance(module, Response):
            return module
        fd = self._field(module, request)
        return no_content() if fd is None else json_response({"fields": [self._metadata(fd)]})

    async def create_fields(self, request: Request) -> Response:
        """``POST /settings/fields?module=``: up to 5 custom fields a call."""
        module = self._module(request)
        if isinstance(module, Response):
            return module
        elements = body_list(await read_json(request), "fields", MAX_NEW_FIELDS)
        if isinstance(elements, Response):
            return elements
        cap = CUSTOM_FIELD_CAPS[self.org.edition]
        created = [create_field(module, e, i, self.org.mint, cap) for i, e in enumerate(elements)]
        results = [
            _success("field created", r.id) if isinstance(r, FieldDef) else r for r in created
        ]
        return json_response({"fields": results}, batch_status(results, 201))

    async def update_field(self, request: Request) -> Response:
        """``PATCH /settings/fields/{id}?module=``: here, adding picklist values."""
        module = self._module(request)
        if isinstance(module, Response):
            return module
        fd = self._field(module, request)
        if fd is None:
            details = {"id": request.path_params["field_id"]}
            return crm_error(400, "INVALID_DATA", "the id given seems to be invalid", details)
        elements = body_list(await read_json(request), "fields", 1)
        if isinstance(elements, Response):
            return elements
        result = self._patch(fd, elements[0])
        return json_response({"fields": [result]}, batch_status([result], 200))

    def _patch(self, fd: FieldDef, element: object) -> Json:
        values = element.get("pick_list_values") if isinstance(element, dict) else None
        if fd.data_type != "picklist" or not isinstance(values, list):
            return invalid_data("pick_list_values", "$.fields[0].pick_list_values")
        problem = picklist_problem(fd, values)
        if problem:
            return problem
        add_picklist_values(fd, [v for v in values if "id" not in v], self.org.mint)
        return _success("field updated", fd.id)

    async def org_info(self, request: Request) -> Response:
        """``GET /crm/v8/org``: the org, its edition and licenses."""
        return json_response({"org": [self._org()]})

    def _org(self) -> Json:
        org = self.org
        return {
            "id": org.org_id, "company_name": "Sandbox Industries", "alias": None,
            "primary_email": org.users.api.email, "primary_zuid": org.users.api.zuid,
            "zgid": org.org_id[-9:], "ezgid": org.org_id[-9:],
            "domain_name": "org" + org.org_id[-9:],
            "type": "production", "time_zone": ORG_TIME_ZONE, "iso_code": "USD",
            "currency": "US Dollar - USD", "currency_symbol": "$", "currency_locale": "en_US",
            "country": "United States", "country_code": "US", "city": None, "state": None,
            "street": None, "zip": None, "phone": "+1 555 0100", "mobile": None, "fax": None,
            "website": "www.example.com", "description": None, "employee_count": "50",
            "photo_id": None, "mc_status": False, "gapps_enabled": False,
            "translation_enabled": False, "privacy_settings": False,
            "hipaa_compliance_enabled": False, "lite_users_enabled": False,
            "deletable_org_account": False, "oauth_presence": True, "max_per_page": 200,
            "call_icon": "", "zia_portal_id": None, "zia_zgid": 0,
            "hierarchy_preferences": {"type": "Role_Hierarchy", "strictly_reporting": False},
            "checkin_preferences": {"restricted_event_types": None},
            "license_details": self._license(),
        }  # fmt: skip

    def _license(self) -> Json:
        return {
            "paid": self.org.edition != "free",
            "paid_type": self.org.edition,
            "paid_expiry": None,
            "users_license_purchased": LICENSED_USERS,
            "trial_type": None,
            "trial_expiry": None,
            "trial_action": "",
        }


def settings_routes(org: OrgState) -> list[Route]:
    """The settings and org routes."""
    h = SettingsRoutes(org)
    return [
        Route("/crm/v8/settings/fields", h.list_fields, methods=["GET"]),
        Route("/crm/v8/settings/fields", h.create_fields, methods=["POST"]),
        Route("/crm/v8/settings/fields/{field_id}", h.get_field, methods=["GET"]),
        Route("/crm/v8/settings/fields/{field_id}", h.update_field, methods=["PATCH"]),
        Route("/crm/v8/org", h.org_info, methods=["GET"]),
    ]
