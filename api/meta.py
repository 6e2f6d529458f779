"""Reference data integrations need: service kinds."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from api.auth import requires
from api.parsing import Blueprint
from ledger.queries.service_kinds import service_kinds

bp = Blueprint("meta", __name__, description="Reference data")


class ServiceKindSchema(ma.Schema):
    code = ma.fields.String(required=True)
    name = ma.fields.String(required=True)
    description = ma.fields.String(required=True)


class ServiceKindListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ServiceKindSchema), required=True)
    next_cursor = ma.fields.String(allow_none=True, required=True)


@bp.route("/service-kinds")
class ServiceKinds(MethodView):
    @requires("read")
    @bp.response(200, ServiceKindListSchema)
    @bp.alt_response(401, description="Missing or invalid credentials")
    @bp.alt_response(403, description="The read scope is missing")
    def get(self):
        """List the service kinds an award may name."""
        return {"items": service_kinds(), "next_cursor": None}
