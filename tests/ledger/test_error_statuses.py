"""One map from error code to HTTP status, shared by the API and the web (ledger.errors)."""

import gc
import importlib
import pkgutil
import re
from pathlib import Path

import ledger
from ledger.errors import _BY_CODE, HTTP_STATUS, LedgerError, http_status

ROOT = Path(__file__).resolve().parents[2]


def every_error_code() -> set[str]:
    for module in pkgutil.walk_packages(ledger.__path__, "ledger."):
        importlib.import_module(module.name)
    found, pending = set(), [LedgerError]
    while pending:
        kind = pending.pop()
        found.add(kind.code)
        pending += kind.__subclasses__()
    return found


def test_every_code_a_ledger_error_carries_has_its_status():
    assert every_error_code() - set(HTTP_STATUS) == set()


def test_the_bonus_run_refusals_are_conflicts():
    # Before the one map they fell through to a silent default in each adapter.
    assert [http_status(code) for code in ("already_paid", "already_voided", "not_committed")] == [
        409,
        409,
        409,
    ]


def test_the_check_catches_a_code_missing_from_the_map():
    # Negative control: a refusal with a code the map does not know is reported.
    class Unmapped(LedgerError):
        code = "unmapped_for_the_test"

    try:
        assert every_error_code() - set(HTTP_STATUS) == {"unmapped_for_the_test"}
    finally:
        _BY_CODE.pop(Unmapped.code, None)
        del Unmapped
        gc.collect()  # drop the class, so no other test sees it among the subclasses


def test_the_docs_table_lists_every_status_of_the_map():
    text = (ROOT / "docs" / "ledger.md").read_text()
    documented = {
        code: int(status)
        for status, codes in re.findall(r"^\| (\d{3}) \| (.+) \|$", text, re.M)
        for code in re.findall(r"`([a-z_]+)`", codes)
    }
    assert documented == HTTP_STATUS
