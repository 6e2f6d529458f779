"""The directory: who am I, people, departments and the HR import."""

from __future__ import annotations

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView

from api.auth import ANY_SCOPE, principal, requires
from api.errors import error_response
from api.pagination import decode_cursor, encode_cursor
from api.parsing import Blueprint, json_body
from api.results import documents_errors
from api.schemas import ID_PATH
from api.schemas.people import (
    DepartmentListSchema,
    ImportBodySchema,
    ImportQuerySchema,
    ImportReportSchema,
    MeSchema,
    UserCreateSchema,
    UserListSchema,
    UserQuerySchema,
    UserSchema,
    UserUpdateSchema,
)
from ledger.clock import utcnow
from ledger.errors import NotFound
from ledger.i18n import N_
from ledger.imports.importer import import_users, read_csv, read_json
from ledger.queries.balances import balances
from ledger.queries.people import departments, list_users, user_by_id, user_document
from ledger.services.directory import create_user, update_user
from ops.edge import large_upload

bp = Blueprint("Users", __name__, description="The directory and the HR import")

IMPORT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ImportBodySchema},
        "text/csv": {
            "schema": {"type": "string", "maxLength": 20 * 1024 * 1024},
            "example": "email,name,department,manager_email,role,employee_number,active\n"
            "ada@example.com,Ada Lovelace,Engineering,,manager,E1,true\n",
        },
    },
}


@bp.route("/me")
class Me(MethodView):
    @requires(ANY_SCOPE)
    @bp.response(200, MeSchema)
    @bp.doc(operationId="getMe")
    @documents_errors(bp, 401)
    def get(self):
        """Read who the credentials speak for, with their balances."""
        me = principal().user
        return {"user": user_document(me), "balances": balances(me.id, utcnow())}


@bp.route("/users")
class Users(MethodView):
    @requires("read")
    @bp.arguments(UserQuerySchema, location="query")
    @bp.response(200, UserListSchema)
    @bp.doc(operationId="listUsers")
    @documents_errors(bp, 401, 403, 422)
    def get(self, args):
        """List the directory by name; filter by text, department, manager or active."""
        position = decode_cursor(args.get("cursor"), n=str, i=int)
        found = list_users(
            q=args.get("q"),
            department_id=args.get("department"),
            manager_id=args.get("manager_id"),
            active=args.get("active"),
            limit=args["limit"],
            after=(position["n"], position["i"]) if position else None,
        )
        last = found["items"][-1] if found["next_cursor"] else None
        next_cursor = encode_cursor({"n": last["name"], "i": last["id"]}) if last else None
        return {"items": found["items"], "next_cursor": next_cursor}

    @requires("admin")
    @bp.arguments(UserCreateSchema)
    @bp.response(201, UserSchema)
    @bp.doc(operationId="createUser")
    @documents_errors(bp, 400, 401, 403, 422, 503)
    def post(self, body):
        """Add a person, bot or service account to the directory (admins)."""
        result = create_user(
            body["email"],
            name=body["name"],
            department=body.get("department"),
            manager=body.get("manager_id"),
            role=body["role"],
            kind=body["kind"],
            employee_number=body.get("employee_number"),
            now=utcnow(),
            actor=principal().actor(),
        )
        user_id = result.document["id"]
        location = url_for("Users.User", user_id=user_id)
        return user_document(user_by_id(user_id)), {"Location": location}


@bp.route(f"/users/<{ID_PATH}:user_id>")
class User(MethodView):
    @requires("read")
    @bp.response(200, UserSchema)
    @bp.doc(operationId="getUser")
    @documents_errors(bp, 401, 403, 404)
    def get(self, user_id):
        """Read one person of the directory."""
        user = user_by_id(user_id)
        if user is None:
            raise NotFound(f"There is no user {user_id}.")
        return user_document(user)

    @requires("admin")
    @bp.arguments(UserUpdateSchema)
    @bp.response(200, UserSchema)
    @bp.doc(operationId="updateUser")
    @documents_errors(bp, 400, 401, 403, 404, 422, 503)
    def patch(self, body, user_id):
        """Change a person (admins); `active: false` deactivates them, never deletes."""
        return update_user(user_id, body, now=utcnow(), actor=principal().actor()).document


@bp.route("/users/import")
@large_upload
class UserImport(MethodView):
    @requires("admin")
    @bp.arguments(ImportQuerySchema, location="query")
    @bp.response(200, ImportReportSchema)
    @bp.doc(operationId="importUsers", requestBody=IMPORT_BODY)
    @documents_errors(bp, 400, 401, 403, 413, 422, 503)
    def post(self, args):
        """Upsert people by email from CSV or JSON, all or nothing, with a report per row."""
        if request.mimetype == "text/csv":
            rows = read_csv(request.get_data())
        else:
            body = json_body(request) if request.is_json else None
            if body is None:
                return error_response(
                    400, "bad_request", N_('Send JSON {"rows": [...]} or text/csv.')
                )
            try:
                rows = read_json(ImportBodySchema().load(body))
            except ma.ValidationError as error:
                return error_response(
                    422,
                    "validation_error",
                    N_("The request does not match the schema; see details.fields."),
                    {"fields": {"json": error.messages}},
                )
        return import_users(rows, now=utcnow(), actor=principal().actor(), dry_run=args["dry_run"])


@bp.route("/departments")
class Departments(MethodView):
    @requires("read")
    @bp.response(200, DepartmentListSchema)
    @bp.doc(operationId="listDepartments")
    @documents_errors(bp, 401, 403)
    def get(self):
        """List the departments with their head counts."""
        return {"items": departments(), "next_cursor": None}
