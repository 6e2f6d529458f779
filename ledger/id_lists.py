"""Membership in a long list of ids, bound as ONE parameter on either engine.

`column.in_(ids)` binds one parameter per id: PostgreSQL's protocol refuses more than 65,535
in a statement, and SQLite builds may stop at 32,766. A bonus run over a month of a large
company has more award lines than that (issue 11). `among(column, ids)` sends the whole list
as one value: a PostgreSQL array (`column = ANY(:ids)`), or on SQLite a JSON array read by
`json_each` (`column IN (SELECT value FROM json_each(:ids))`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import BigInteger, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement

from ledger.db import db


def among(column, ids: Iterable[int]) -> ColumnElement[bool]:
    """The condition `column` is one of `ids`, whatever their number, for the session's engine."""
    values = sorted({int(value) for value in ids})
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(BigInteger), unique=True))
    listed = func.json_each(bindparam(None, json.dumps(values), unique=True)).table_valued("value")
    return column.in_(select(listed.c.value))
