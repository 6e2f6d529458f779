"""Shared pieces of the API schemas: strict bases, ids, user references, timestamps, lists."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from api.pagination import CURSOR_PATTERN, DEFAULT_LIMIT, MAX_LIMIT

MAX_ID = 2**31 - 1
MAX_EMAIL = 254
SERVICE_KIND = validate.Regexp(r"^[a-z][a-z0-9-]{0,39}$")


class StrictSchema(ma.Schema):
    """An input schema that refuses unknown fields (apispec then says additionalProperties)."""

    class Meta:
        unknown = ma.RAISE


class ChangeSchema(StrictSchema):
    """A partial update: every field is optional, but at least one must be sent.

    The OpenAPI document says so too (`minProperties: 1`, see api.spec.MinPropertiesPlugin).
    """

    @ma.validates_schema
    def _something_to_change(self, data, **kwargs):
        if not data:
            raise ma.ValidationError("Send at least one field to change.", "_schema")


ID_PATH = f"int(min=1, max={MAX_ID})"


def Id(**kwargs: Any) -> fields.Integer:
    """Return a strict positive integer id field that fits every database's integer."""
    return fields.Integer(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


class UserRefField(fields.Field):
    """A person named by id or by email, as every write accepts them."""

    default_error_messages = {"invalid": "Give a user id (integer) or an email address."}

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault(
            "oneOf",
            [
                {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                {"type": "string", "minLength": 3, "maxLength": MAX_EMAIL, "pattern": "@"},
            ],
        )
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID:
            return value
        if isinstance(value, str) and 3 <= len(value) <= MAX_EMAIL and "@" in value:
            return value
        raise self.make_error("invalid")


class UtcDateTime(fields.DateTime):
    """A timestamp that always dumps in UTC with its offset (already rendered strings pass)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str) or value is None:
            return value
        return value.astimezone(UTC).isoformat(timespec="microseconds")


class DateOrDateTime(fields.Field):
    """A window bound: `YYYY-MM-DD` (a local day) or an ISO 8601 datetime with an offset."""

    default_error_messages = {
        "invalid": "Give a date (YYYY-MM-DD) or a datetime with an offset.",
        "range": "Give a year between 1900 and 9000.",
    }

    def __init__(self, **kwargs: Any) -> None:
        metadata = kwargs.pop("metadata", {})
        metadata.setdefault("anyOf", [{"format": "date"}, {"format": "date-time"}])
        metadata.setdefault("type", "string")
        metadata.setdefault("maxLength", 40)
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or len(value) > 40:
            raise self.make_error("invalid")
        try:
            if len(value) == 10:
                moment: date = date.fromisoformat(value)
            else:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise self.make_error("invalid") from None
        if isinstance(moment, datetime) and moment.tzinfo is None:
            raise self.make_error("invalid")
        # Far years overflow once shifted by a time zone or a day; no ledger spans them.
        if not 1900 <= moment.year <= 9000:
            raise self.make_error("range")
        return moment


def QueryId(**kwargs: Any) -> fields.Integer:
    """Return an id field for the query string (text in, range checked)."""
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


class UserRefSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    email = fields.String(required=True)


class ListQuerySchema(StrictSchema):
    """Paging arguments every list takes."""

    # Query values arrive as text, so these integers cannot be strict; the range still holds.
    limit = fields.Integer(
        validate=validate.Range(1, MAX_LIMIT),
        load_default=DEFAULT_LIMIT,
        metadata={"description": f"Items per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT})."},
    )
    cursor = fields.String(
        validate=validate.Regexp(CURSOR_PATTERN),
        metadata={"description": "The opaque `next_cursor` of the previous page."},
    )


class CsvListQuerySchema(ListQuerySchema):
    format = fields.String(
        validate=validate.OneOf(["json", "csv"]),
        metadata={
            "description": "`csv` answers every matching row as CSV (like Accept: text/csv)."
        },
    )
