"""Baton's people as SCIM User resources (scim2-models), and SCIM requests as directory fields."""

from __future__ import annotations

from typing import Any

from flask import current_app
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    Email,
    EnterpriseUser,
    ETag,
    Filter,
    InvalidValueException,
    Manager,
    Meta,
    Name,
    PatchOp,
    ResourceType,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models import Patch as PatchSupport

from ledger.models import User as Person

ScimUser = User[EnterpriseUser]
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
MAX_COUNT = 200


def base_url() -> str:
    return str(current_app.config["BATON_BASE_URL"]).rstrip("/") + "/scim/v2"


def user_resource(person: Person) -> ScimUser:
    """Describe a person as the identity provider sees them."""
    location = f"{base_url()}/Users/{person.id}"
    resource = ScimUser(
        id=str(person.id),
        external_id=person.scim_external_id,
        user_name=person.email,
        display_name=person.name,
        name=Name(formatted=person.name),
        active=person.active,
        emails=[Email(value=person.email, type="work", primary=True)],
        meta=Meta(
            resource_type="User",
            created=person.created_at,
            last_modified=person.deactivated_at or person.created_at,
            location=location,
        ),
    )
    boss = person.manager
    resource[EnterpriseUser] = EnterpriseUser(
        employee_number=person.employee_number,
        department=person.department.name if person.department else None,
        manager=Manager(
            value=str(boss.id), ref=f"{base_url()}/Users/{boss.id}", display_name=boss.name
        )
        if boss
        else None,
    )
    return resource


def dump(resource: ScimUser, context: Context = Context.RESOURCE_QUERY_RESPONSE) -> dict:
    return resource.model_dump(scim_ctx=context)


def parse_user(body: Any) -> ScimUser:
    """Read a POST or PUT body leniently (providers' spellings: "True", a $ref-less manager)."""
    if not isinstance(body, dict):
        raise InvalidValueException(detail="The body must be a SCIM User object.")
    resource = ScimUser.model_validate(body)
    if not resource.user_name:
        raise InvalidValueException(detail="userName is required.")
    return resource


def apply_patch(person: Person, body: Any) -> ScimUser:
    """Apply a PatchOp (Okta's and Entra ID's spellings) to the person's resource."""
    if not isinstance(body, dict):
        raise InvalidValueException(detail="The body must be a SCIM PatchOp message.")
    patch = PatchOp[ScimUser].model_validate(
        _bare_managers(body), scim_ctx=Context.RESOURCE_PATCH_REQUEST
    )
    resource = user_resource(person)
    patch.patch(resource)
    return resource


def _bare_managers(body: dict) -> dict:
    """Entra ID sends the manager as a bare id string; SCIM's schema wants {"value": id}."""
    operations = body.get("Operations")
    if not isinstance(operations, list):
        return body
    fixed = []
    for operation in operations:
        if isinstance(operation, dict):
            path = str(operation.get("path") or "")
            value = operation.get("value")
            if path.lower() == f"{ENTERPRISE}:manager".lower() and isinstance(value, str):
                operation = {**operation, "value": {"value": value}}
        fixed.append(operation)
    return {**body, "Operations": fixed}


def directory_fields(resource: ScimUser) -> dict[str, Any]:
    """Return the directory fields a resource sets: email, name, active, ids, org chart."""
    emails = sorted(resource.emails or [], key=lambda email: not email.primary)
    email = resource.user_name or ""
    if "@" not in email and emails and emails[0].value:
        email = emails[0].value
    name = resource.display_name or (resource.name.formatted if resource.name else None)
    if not name and resource.name:
        name = " ".join(
            part for part in (resource.name.given_name, resource.name.family_name) if part
        )
    extension = resource[EnterpriseUser] or EnterpriseUser()
    manager = extension.manager.value if extension.manager else None
    if manager is not None and not str(manager).isdigit():
        raise InvalidValueException(detail=f"manager.value {manager!r} is not a User id here.")
    return {
        "email": email,
        "name": name or email,
        "active": resource.active,
        "scim_external_id": resource.external_id,
        "employee_number": extension.employee_number,
        "department": extension.department,
        "manager_id": int(manager) if manager else None,
    }


def service_provider_config() -> dict:
    """What this SCIM service supports: PATCH and filters, no bulk, sort, ETags or passwords."""
    config = ServiceProviderConfig(
        patch=PatchSupport(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                primary=True,
                description="A Baton API token with the admin scope.",
            )
        ],
        meta=Meta(
            resource_type="ServiceProviderConfig", location=f"{base_url()}/ServiceProviderConfig"
        ),
    )
    return config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)


def resource_types() -> list[dict]:
    """Users only: Baton's groups are departments, kept through the enterprise extension."""
    kind = ResourceType.from_resource(ScimUser)
    kind.meta = Meta(resource_type="ResourceType", location=f"{base_url()}/ResourceTypes/User")
    return [kind.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)]


def schemas() -> list[dict]:
    found = []
    for model in (User, EnterpriseUser):
        schema = model.to_schema()
        schema.meta = Meta(resource_type="Schema", location=f"{base_url()}/Schemas/{schema.id}")
        found.append(schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    return found
