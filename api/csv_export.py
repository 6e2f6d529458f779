"""CSV answers for lists: a header row and every row, made safe by ledger.export."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response, request

from ledger.export import csv_text

CSV_MIMETYPE = "text/csv"
# The OpenAPI answer of an endpoint that also speaks CSV.
CSV_DOC = {200: {"content": {CSV_MIMETYPE: {"schema": {"type": "string"}}}}}


def csv_requested() -> bool:
    """Tell whether the caller asked for CSV, by `?format=csv` or by `Accept: text/csv`."""
    if request.args.get("format") == "csv":
        return True
    best = request.accept_mimetypes.best_match(["application/json", CSV_MIMETYPE])
    return best == CSV_MIMETYPE


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    """Answer a CSV attachment (UTF-8) named `filename`."""
    response = Response(csv_text(header, rows), mimetype=CSV_MIMETYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.charset = "utf-8"
    return response
