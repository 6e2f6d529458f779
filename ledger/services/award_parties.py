"""Find the people an award names: the giver, then each recipient in naming order."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import takewhile

from sqlalchemy import select

from ledger import rules
from ledger.db import db
from ledger.errors import Forbidden, UnknownRecipient
from ledger.models import User
from ledger.operations import Actor
from ledger.text import storable


def resolve_giver(giver: int | str) -> User:
    user = find_user(giver)
    if user is None:
        raise UnknownRecipient("The giver is not in the directory.", field="giver")
    if not user.active or user.kind != "person":
        raise Forbidden("Only active people can give awards.")
    return user


def resolve_recipients(recipients: Sequence[int | str]) -> list[User]:
    """Find each named recipient; the first refusal in naming order wins."""
    rules.check_recipient_count(len(recipients))  # before a query that long lists would bloat
    ids = [value for value in recipients if isinstance(value, int)]
    # Text no database takes names no one; it must not reach the query.
    emails = [value.strip().lower() for value in recipients if isinstance(value, str)]
    emails = [email for email in emails if storable(email)]
    rows = db.session.scalars(select(User).where(User.id.in_(ids) | User.email.in_(emails))).all()
    by_id = {user.id: user for user in rows}
    by_email = {user.email: user for user in rows}
    found = [
        by_id.get(value) if isinstance(value, int) else by_email.get(value.strip().lower())
        for value in recipients
    ]
    people = list(takewhile(lambda person: person is not None, found))
    rules.check_named_once([person.id for person in people], [person.name for person in people])
    if len(people) < len(found):
        index = len(people)
        raise UnknownRecipient(
            f"No one in the directory matches {recipients[index]!r}.", index=index
        )
    return people


def find_user(value: int | str) -> User | None:
    if isinstance(value, int):
        return db.session.get(User, value)
    if not storable(value):
        return None
    return db.session.scalars(select(User).where(User.email == value.strip().lower())).first()


def giving_account(actor: Actor | None, giver: User) -> User | None:
    """Return the account that gave on the giver's behalf (a service account), if any."""
    if actor is None or actor.user_id is None or actor.user_id == giver.id:
        return None
    return db.session.get(User, actor.user_id)
