"""The arrows point inward: ledger/ knows nothing of the adapters or the request, and the
adapters know nothing of each other (api/ never imports web/, web/ never imports api/)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN_MODULES = ("api", "web", "wsgi")
FORBIDDEN_NAMES = {"request", "session", "g", "current_user"}


def imports_of(path: Path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name


def violations(
    folder: Path, forbidden: tuple[str, ...] = FORBIDDEN_MODULES, *, request_globals: bool = True
) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for module, name in imports_of(path):
            top = module.split(".")[0]
            if top in forbidden:
                found.append(f"{path.relative_to(folder.parent)} imports {module}")
            if request_globals and top in {"flask", "flask_login"} and name in FORBIDDEN_NAMES:
                found.append(f"{path.relative_to(folder.parent)} imports {module}.{name}")
    return found


def test_ledger_imports_neither_the_adapters_nor_the_request_globals():
    assert violations(ROOT / "ledger") == []


def test_the_check_catches_an_adapter_import(tmp_path):
    # Negative control: a module that breaks the rule is reported.
    package = tmp_path / "ledger"
    package.mkdir()
    (package / "bad.py").write_text("from flask import request\nimport api.awards\n")
    assert len(violations(package)) == 2


@pytest.mark.parametrize(("folder", "other"), [("api", "web"), ("web", "api")])
def test_an_adapter_never_imports_the_other(folder, other):
    assert violations(ROOT / folder, (other,), request_globals=False) == []


def test_the_check_catches_an_adapter_importing_the_other(tmp_path):
    # Negative control: the web adapter reaching into the API's modules is reported.
    package = tmp_path / "web"
    package.mkdir()
    source = "from flask import request\nfrom api.errors import STATUS\nimport api, webargs\n"
    (package / "bad.py").write_text(source)
    assert len(violations(package, ("api",), request_globals=False)) == 2


@pytest.mark.parametrize("folder", ["api", "web", "integrations"])
def test_adapters_do_not_touch_the_database_session(folder):
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / folder).rglob("*.py")
        if "db.session" in path.read_text()
    ]
    assert offenders == []
