"""SCIM 2.0 (RFC 7643/7644) under /scim/v2: discovery, and Users kept by the identity provider."""

from __future__ import annotations

import json
import re

from flask import Blueprint, g, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    SCIMException,
)

from api.scim.auth import authenticate
from api.scim.errors import from_ledger_error, from_scim_exception, from_validation_error, scim_json
from api.scim.resources import (
    MAX_COUNT,
    ScimUser,
    apply_patch,
    base_url,
    directory_fields,
    dump,
    parse_user,
    resource_types,
    schemas,
    service_provider_config,
    user_resource,
)
from ledger.clock import utcnow
from ledger.errors import LedgerError
from ledger.queries.scim import scim_people, scim_person
from ledger.sso.provisioning import delete_person, provision_person, replace_person
from ledger.text import storable

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")
# The filters providers send to find a person: `attribute eq "value"`, nothing more.
FILTER = re.compile(
    r'^\s*(userName|externalId|emails\.value)\s+eq\s+("(?:[^"\\]|\\.)*")\s*$', re.IGNORECASE
)
MAX_ID = 2**31 - 1

bp.before_request(authenticate)
bp.register_error_handler(SCIMException, from_scim_exception)
bp.register_error_handler(ValidationError, from_validation_error)
bp.register_error_handler(LedgerError, from_ledger_error)


@bp.get("/ServiceProviderConfig")
def provider_config():
    return scim_json(service_provider_config())


@bp.get("/ResourceTypes")
def list_resource_types():
    return _list(resource_types())


@bp.get("/ResourceTypes/<name>")
def resource_type(name: str):
    return scim_json(_only(resource_types(), "id", name))


@bp.get("/Schemas")
def list_schemas():
    return _list(schemas())


@bp.get("/Schemas/<schema_id>")
def schema(schema_id: str):
    return scim_json(_only(schemas(), "id", schema_id))


@bp.get("/Users")
def users():
    attribute, value = _filter(request.args.get("filter"))
    start = max(1, _integer("startIndex", 1))
    count = min(MAX_COUNT, max(0, _integer("count", MAX_COUNT)))
    total, people = scim_people(attribute=attribute, value=value, start=start, count=count)
    page = ListResponse[ScimUser](
        total_results=total,
        start_index=start,
        items_per_page=len(people),
        resources=[user_resource(person) for person in people],
    )
    return scim_json(page.model_dump(scim_ctx=Context.SEARCH_RESPONSE))


@bp.post("/Users")
def create_user():
    fields = directory_fields(parse_user(_body()))
    user_id = provision_person(fields, now=utcnow(), actor=g.scim_actor)
    created = dump(user_resource(_found(user_id)), Context.RESOURCE_CREATION_RESPONSE)
    return scim_json(created, 201, {"Location": f"{base_url()}/Users/{user_id}"})


@bp.get("/Users/<int:user_id>")
def user(user_id: int):
    return scim_json(dump(user_resource(_found(user_id))))


@bp.put("/Users/<int:user_id>")
def replace_user(user_id: int):
    _found(user_id)
    fields = directory_fields(parse_user(_body()))
    replace_person(user_id, fields, now=utcnow(), actor=g.scim_actor)
    return scim_json(dump(user_resource(_found(user_id)), Context.RESOURCE_REPLACEMENT_RESPONSE))


@bp.patch("/Users/<int:user_id>")
def patch_user(user_id: int):
    fields = directory_fields(apply_patch(_found(user_id), _body()))
    replace_person(user_id, fields, now=utcnow(), actor=g.scim_actor)
    return scim_json(dump(user_resource(_found(user_id)), Context.RESOURCE_PATCH_RESPONSE))


@bp.delete("/Users/<int:user_id>")
def delete_user(user_id: int):
    _found(user_id)
    delete_person(user_id, now=utcnow(), actor=g.scim_actor)
    return "", 204


def _found(user_id: int):
    person = scim_person(user_id) if user_id <= MAX_ID else None
    if person is None:
        raise NotFoundException(detail=f"No User {user_id}.")
    return person


def _body():
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise InvalidSyntaxException(detail="The body is not a JSON object.")
    return body


def _filter(text: str | None) -> tuple[str | None, str | None]:
    if text is None:
        return None, None
    match = FILTER.match(text)
    if match is None:
        raise InvalidFilterException(
            detail='Filters supported: userName, externalId or emails.value eq "...".'
        )
    try:
        value = json.loads(match.group(2))
    except ValueError:
        value = None  # an escape JSON does not know, such as \q
    if value is None or not storable(value):
        raise InvalidFilterException(detail="The filter's value cannot be read.")
    return match.group(1).lower(), value


def _integer(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"-?\d{1,9}", raw.strip()):
        raise InvalidValueException(detail=f"{name} must be an integer.")
    return int(raw)


def _list(documents: list[dict]):
    return scim_json(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(documents),
            "startIndex": 1,
            "itemsPerPage": len(documents),
            "Resources": documents,
        }
    )


def _only(documents: list[dict], key: str, value: str) -> dict:
    for document in documents:
        if document[key] == value:
            return document
    raise NotFoundException(detail=f"No {value!r} here.")
