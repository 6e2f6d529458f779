"""CSV downloads that a spreadsheet cannot turn into formulas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import Response

from ledger.export import csv_text


def csv_response(header: Sequence[str], rows: Iterable[Sequence[object]], filename: str):
    return Response(
        csv_text(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
