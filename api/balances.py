"""A person's balances and account statements: for themselves, their managers and admins."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView

from api.auth import principal, requires
from api.pagination import decode_cursor, page
from api.parsing import Blueprint
from api.results import documents_errors, found_first
from api.schemas import ID_PATH
from api.schemas.balances import BalancesSchema, EntryListSchema, EntryQuerySchema
from ledger.clock import utcnow
from ledger.errors import NotFound
from ledger.queries.balances import balances
from ledger.queries.people import user_by_id
from ledger.queries.scopes import can_reach
from ledger.queries.statements import person_account, statement_page

bp = Blueprint("Balances", __name__, description="Balances and account statements")


@bp.route(f"/users/<{ID_PATH}:user_id>/balances")
class Balances(MethodView):
    @requires("read")
    @bp.response(200, BalancesSchema)
    @bp.doc(operationId="getBalances")
    @documents_errors(bp, 401, 403, 404)
    def get(self, user_id):
        """Read a person's allowance and earned balances for the current period."""
        _reachable(user_id)
        return balances(user_id, utcnow())


@bp.route(f"/users/<{ID_PATH}:user_id>/entries")
class Entries(MethodView):
    @requires("read")
    @found_first(lambda user_id: _reachable(user_id))
    @bp.arguments(EntryQuerySchema, location="query", unknown=ma.RAISE)
    @bp.response(200, EntryListSchema)
    @bp.doc(operationId="listEntries")
    @documents_errors(bp, 401, 403, 404)
    def get(self, args, user_id):
        """List an account's entries oldest first, each with the running balance."""
        account_id = person_account(user_id, args["account"], args.get("period"), utcnow())
        position = decode_cursor(args.get("cursor"), after=int)
        if account_id is None:
            return {"items": [], "next_cursor": None}
        after = position["after"] if position else None
        items = statement_page(account_id, after_id=after, limit=args["limit"] + 1)
        return page(items, args["limit"], lambda entry: {"after": entry["id"]})


def _reachable(user_id: int) -> None:
    """Answer 404 for anyone the caller may not see, exactly as for no one at all."""
    if user_by_id(user_id) is None or not can_reach(principal().user, user_id):
        raise NotFound("No such person within your reach.")
