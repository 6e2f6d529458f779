"""A first run as the README tells it: a quiet install, the port, the service account's token.

Each test failed before issue 15 item 1: `make install` let ~540 lines of pip warnings through
(and `|| true` hid a failing pip), the README's curl examples said port 5000 whatever `PORT`
was, it never said how to create the service account, and `create-token --scope on-behalf`
for a person or without `award` did not say what to add.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from ledger.services.directory import create_user
from tests.factories import ADMIN_ACTOR, NOW, make_user

ROOT = Path(__file__).resolve().parents[2]
NOISE = "\n".join(f"warning: setuptools line {n} is ignored" for n in range(540))


def fake_checkout(tmp_path: Path, *, pip_fails: bool) -> Path:
    """Copy the Makefile beside a ready .venv whose pip is noisy (and fails if asked)."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    for name in ("setup.cfg", "pyproject.toml"):
        (tmp_path / name).write_text("")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    pip = bin_dir / "pip"
    pip.write_text(f"#!/bin/sh\ncat <<'EOF'\n{NOISE}\nEOF\nexit {1 if pip_fails else 0}\n")
    python = bin_dir / "python"
    python.write_text("#!/bin/sh\nexit 0\n")
    for script in (pip, python):
        script.chmod(0o755)
    return tmp_path


def make_install(checkout: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "install"],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_install_keeps_pips_output_in_a_log(tmp_path):
    done = make_install(fake_checkout(tmp_path, pip_fails=False))
    assert done.returncode == 0, done.stderr
    shown = (done.stdout + done.stderr).splitlines()
    assert len(shown) <= 3, shown[:10]
    assert "pip.log" in done.stdout
    assert "setuptools line 539" in (tmp_path / ".venv" / "pip.log").read_text()


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_a_failing_pip_shows_its_log_and_stops_make(tmp_path):
    # The control for the quiet install: what pip says is not lost when it matters.
    done = make_install(fake_checkout(tmp_path, pip_fails=True))
    assert done.returncode != 0
    assert "setuptools line 539" in done.stdout
    assert "pip failed" in done.stderr
    assert not (tmp_path / ".venv" / ".installed").exists()


def readme() -> str:
    return (ROOT / "README.md").read_text()


def test_the_readmes_curl_examples_follow_the_port():
    curls = re.findall(r"http://127\.0\.0\.1:[^/\s\"]+/api", readme())
    assert curls, "the README has no curl example"
    assert set(curls) == {"http://127.0.0.1:${PORT:-5000}/api"}


def test_the_readme_says_how_to_create_the_service_account():
    text = readme()
    integrate = text[text.index("## Integrate with Baton") :]
    assert re.search(r"ledger create-user \S+ \\\n\s+--name .* --kind service", integrate)
    assert "--scope award --scope on-behalf" in integrate


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def create_token(runner, email, *scopes):
    args = ["ledger", "create-token", email]
    for scope in scopes:
        args += ["--scope", scope]
    return runner.invoke(args=args)


def test_on_behalf_for_a_person_says_to_use_a_service_account(runner):
    make_user("lena@example.com", name="Lena")
    refused = create_token(runner, "lena@example.com", "award", "on-behalf")
    assert refused.exit_code != 0
    assert "service account" in refused.output and "--kind service" in refused.output


def test_on_behalf_alone_says_to_add_the_award_scope(runner):
    create_user("bot@example.com", name="Chat bot", kind="service", now=NOW, actor=ADMIN_ACTOR)
    refused = create_token(runner, "bot@example.com", "on-behalf")
    assert refused.exit_code != 0 and "--scope award" in refused.output
    made = create_token(runner, "bot@example.com", "read", "award", "on-behalf")
    assert made.exit_code == 0 and made.output.startswith("baton_")
