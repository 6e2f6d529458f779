"""A model-based test: random sequences of ledger operations against a plain-Python model.

Add-ons and a giver's withdrawals are among the operations (issue 15 items 10 and 11).
"""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from ledger.bonus.rules import Rule
from ledger.bonus.services import commit_run, create_draft, void_run
from ledger.db import db
from ledger.errors import LedgerError
from ledger.models import Reversal
from ledger.operations import Actor, IdempotencyKey, request_hash
from ledger.queries.balances import balances
from ledger.reconciliation import verify_ledger
from ledger.services import (
    add_to_award,
    award_points,
    close_period,
    reverse_award,
    withdraw_award,
)
from tests.delivery.helpers import count_award_events_against_awards, events
from tests.factories import ADMIN_ACTOR, NOW, make_app, make_user
from tests.figures import write_figure

pytestmark = pytest.mark.heavy

CI = os.environ.get("HYPOTHESIS_PROFILE") == "ci"
EXAMPLES = {"sqlite": 100 if CI else 15, "postgres": 25 if CI else 5}
MESSAGE = "Thanks for the careful review of my plan."
PEOPLE = ("M", "A", "B", "C")  # M manages A and B; C works in another department
POINTS = st.sampled_from([-1, 0, 1, 7, 10, 25, 50, 51])


class LedgerModel(RuleBasedStateMachine):
    """Drive the services at random and compare every balance with the model after each step."""

    template = None  # set by the test before the machine runs
    examples = 0  # how many examples ran (each opens its own books)

    awards = Bundle("awards")
    keys = Bundle("keys")

    @initialize()
    def open_books(self):
        type(self).examples += 1
        self.url = self.template.new_database()
        self.app = make_app(self.url)
        self.context = self.app.app_context()
        self.context.push()
        manager = make_user("m@example.com", name="M", role="manager")
        self.users = {
            "M": manager,
            "A": make_user("a@example.com", name="A", manager=manager.email),
            "B": make_user("b@example.com", name="B", manager=manager.email),
            "C": make_user("c@example.com", name="C", department="Sales"),
        }
        self.bot = make_user("bot@example.com", name="Bot", kind="bot")
        self.ids = {name: user.id for name, user in self.users.items()}
        self.period = 0
        self.now = NOW
        self.spent: dict[tuple[str, int], int] = {}
        self.earned = dict.fromkeys(PEOPLE, 0)
        self.model_awards: dict[int, dict] = {}
        self.stored: dict[tuple[str, str], tuple[str, object]] = {}
        # Award lines by (award id, recipient): their points, time and converting run.
        self.lines: dict[tuple[int, str], dict] = {}
        self.runs: dict[int, dict] = {}
        # Lines in M's team from the start, so that bonus runs have something to convert.
        self.record_award("C", ["A", "B"], 5, "seed")

    def teardown(self):
        if getattr(self, "context", None) is not None:
            db.session.remove()
            db.engine.dispose()
            self.context.pop()
            self.template.drop(self.url)

    # --- the model -------------------------------------------------------------------

    def entitlement(self, name: str) -> int:
        return 120 if name == "M" else 100

    def left(self, name: str) -> int:
        return self.entitlement(name) - self.spent.get((name, self.period), 0)

    def expected_award(self, giver: str, recipients: list[str], points: int) -> str | None:
        """Return the error code the ledger must answer, or None if the award passes."""
        if len(set(recipients)) != len(recipients):
            return "duplicate_recipient"
        if giver in recipients:
            return "self_award"
        if not 1 <= points <= 50:
            return "validation_error"
        if points * len(recipients) > self.left(giver):
            return "insufficient_allowance"
        return None

    # --- rules -----------------------------------------------------------------------

    @rule(
        target=keys,
        giver=st.sampled_from(PEOPLE),
        recipients=st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3),
        points=POINTS,
        key=st.text("abcdef", min_size=1, max_size=3),
    )
    def award(self, giver, recipients, points, key):
        self.record_award(giver, recipients, points, key)
        return (giver, key)

    @rule(recipient=st.sampled_from(["A", "B"]), points=st.integers(1, 10))
    def team_award(self, recipient, points):
        """Give M's team points from outside it, so bonus runs find lines to convert."""
        self.record_award("C", [recipient], points, f"team-{len(self.stored)}")

    def record_award(self, giver, recipients, points, key):
        """Give an award and check the outcome against the model (and any stored key)."""
        request = (giver, tuple(recipients), points)
        seen = self.stored.get((giver, key))
        try:
            result = self._give(giver, recipients, points, key)
            outcome = ("ok", result.document)
        except LedgerError as error:
            outcome = ("error", error.code)
        if seen is not None:
            stored_request, stored_outcome = seen
            if stored_request != request:
                assert outcome == ("error", "idempotency_key_reused")
            elif stored_outcome[0] == "ok":
                assert outcome == stored_outcome  # a replay returns the first document
            else:
                assert outcome == stored_outcome
            return
        expected = self.expected_award(giver, recipients, points)
        assert outcome[0] == ("error" if expected else "ok"), (outcome, expected)
        if expected:
            assert outcome[1] == expected
        else:
            self.remember(outcome[1]["id"], giver, recipients, points)
        self.stored[(giver, key)] = (request, outcome)

    def remember(self, award_id, giver, recipients, points, add_on_to=None):
        """Book an award the ledger accepted: the giver pays, each recipient earns."""
        self.spent[(giver, self.period)] = self.spent.get((giver, self.period), 0) + points * len(
            recipients
        )
        for name in recipients:
            self.earned[name] += points
        self.model_awards[award_id] = {
            "giver": giver,
            "recipients": recipients,
            "points": points,
            "period": self.period,
            "reversed": False,
            "add_on_to": add_on_to,
            "at": self.now,
        }
        for name in recipients:
            self.lines[(award_id, name)] = {
                "giver": giver,
                "points": points,
                "at": self.now,
                "run": None,
            }

    def _give(self, giver, recipients, points, key):
        return award_points(
            giver=self.ids[giver],
            recipients=[self.ids[name] for name in recipients],
            points=points,
            message=MESSAGE,
            service_kind="need",
            now=self.now,
            actor=Actor(self.ids[giver]),
            idempotency=IdempotencyKey(
                f"user:{self.ids[giver]}", key, request_hash("award", giver, recipients, points)
            ),
        )

    @rule(choice=st.integers(min_value=0, max_value=50))
    def reverse(self, choice):
        if not self.model_awards:
            return
        award_id = sorted(self.model_awards)[choice % len(self.model_awards)]
        award = self.model_awards[award_id]
        converted = any(self.lines[(award_id, name)]["run"] for name in award["recipients"])
        try:
            reverse_award(award_id, reason="model reversal", now=self.now, actor=ADMIN_ACTOR)
        except LedgerError as error:
            expected = "already_reversed" if award["reversed"] else "already_converted"
            assert error.code == expected and (award["reversed"] or converted)
            return
        assert not award["reversed"] and not converted
        self.undo(award)

    def pick(self, choice: int) -> tuple[int, dict] | None:
        """Pick an award, one of the newest three half the time: add-ons and withdrawals
        meet on fresh awards, where the 10 minutes and the add-ons are."""
        if not self.model_awards:
            return None
        ids = sorted(self.model_awards)
        newest = ids[-1 - choice // 2 % min(3, len(ids))]
        award_id = newest if choice % 2 else ids[choice % len(ids)]
        return award_id, self.model_awards[award_id]

    def expected_add_on(self, award: dict, adder: str, points: int) -> str | None:
        """Return the error code an add-on must be refused with, in the service's order."""
        if award["reversed"]:
            return "already_reversed"
        if award["add_on_to"] is not None:
            return "add_on_to_add_on"
        if adder == award["giver"]:
            return "add_on_to_own_award"
        if adder in award["recipients"]:
            return "self_award"
        if not 1 <= points <= 50:
            return "validation_error"
        if points * len(award["recipients"]) > self.left(adder):
            return "insufficient_allowance"
        return None

    @rule(choice=st.integers(0, 50), adder=st.sampled_from(PEOPLE), points=POINTS)
    def add_on(self, choice, adder, points):
        picked = self.pick(choice)
        if picked is None:
            return
        award_id, award = picked
        expected = self.expected_add_on(award, adder, points)
        try:
            result = add_to_award(award_id, giver=self.ids[adder], points=points,
                                  now=self.now, actor=Actor(self.ids[adder]))  # fmt: skip
        except LedgerError as error:
            assert error.code == expected, (error.code, expected)
            return
        assert expected is None
        self.remember(result.document["id"], adder, award["recipients"], points, award_id)

    def expected_withdrawal(self, award_id: int, award: dict, asker: str) -> str | None:
        """Return the error code a withdrawal must be refused with, in the service's order."""
        if asker != award["giver"]:
            return "not_the_giver"
        if self.now - award["at"] > timedelta(minutes=10):
            return "withdrawal_window_passed"
        if award["reversed"]:
            return "already_reversed"
        live = [a for a in self.model_awards.values() if a["add_on_to"] == award_id]
        if any(not add_on["reversed"] for add_on in live):
            return "already_added_to"
        if any(self.lines[(award_id, name)]["run"] for name in award["recipients"]):
            return "already_converted"
        return None

    @rule(choice=st.integers(0, 50), asker=st.sampled_from(["the giver", *PEOPLE]))
    def withdraw(self, choice, asker):
        picked = self.pick(choice)
        if picked is None:
            return
        award_id, award = picked
        asker = award["giver"] if asker == "the giver" else asker
        expected = self.expected_withdrawal(award_id, award, asker)
        try:
            withdraw_award(award_id, now=self.now, actor=Actor(self.ids[asker]))
        except LedgerError as error:
            assert error.code == expected, (error.code, expected)
            return
        assert expected is None
        self.undo(award)

    def undo(self, award: dict) -> None:
        """Book a reversal: the recipients give back, the giver's open period gets it back."""
        award["reversed"] = True
        for name in award["recipients"]:
            self.earned[name] -= award["points"]
        if award["period"] == self.period:
            key = (award["giver"], self.period)
            self.spent[key] -= award["points"] * len(award["recipients"])

    @rule()
    def close_month(self):
        self.period += 1
        first = (self.now.replace(day=1) + timedelta(days=32)).replace(day=2)
        self.now = first
        closed = close_period(None, now=self.now, actor=ADMIN_ACTOR)
        assert len(closed) <= 1

    def eligible(self, until) -> frozenset:
        """Lines a run by M over M's team would convert: A's and B's, not given by M."""
        return frozenset(
            key
            for key, line in self.lines.items()
            if key[1] in ("A", "B")
            and line["giver"] != "M"
            and line["run"] is None
            and not self.model_awards[key[0]]["reversed"]
            and line["at"] < until
        )

    @rule()
    def bonus_draft(self):
        until = self.now + timedelta(seconds=1)
        lines = self.eligible(until)
        try:
            run = create_draft(
                scope=f"team:{self.ids['M']}",
                since=date(2020, 1, 1),
                until=None,
                rule=Rule("rate", cents_per_point=100),
                currency="EUR",
                now=self.now,
                actor=Actor(self.ids["M"]),
            )
        except LedgerError as error:
            assert not lines and error.code == "empty_run"
            return
        assert lines, "a draft was made with nothing to convert"
        document = run.document
        assert sum(line["points"] for line in document["lines"]) == sum(
            self.lines[key]["points"] for key in lines
        )
        # The versions of this run a client was shown, and the lines each one pays.
        versions = {document["version"]: lines}
        self.runs[document["id"]] = {"status": "draft", "versions": versions, "until": until}

    def shown(self, document: dict, lines: frozenset) -> None:
        """Record a fresh draft a client was shown: its version names exactly these lines."""
        assert sum(line["points"] for line in document["lines"]) == sum(
            self.lines[key]["points"] for key in lines
        )
        self.runs[document["id"]]["versions"][document["version"]] = lines

    @precondition(lambda self: any(run["status"] == "draft" for run in self.runs.values()))
    @rule(choice=st.integers(min_value=0, max_value=20), seen=st.integers(0, 20))
    def bonus_commit(self, choice, seen):
        """Commit a version some client was shown, the latest or an older one."""
        run_id = sorted(self.runs)[choice % len(self.runs)]
        run = self.runs[run_id]
        version = list(run["versions"])[-1 - seen % len(run["versions"])]
        current = self.eligible(run["until"])
        try:
            commit_run(run_id, version=version, now=self.now, actor=Actor(self.ids["M"]))
        except LedgerError as error:
            if run["status"] != "draft":
                assert error.code == "already_committed"
            elif current != run["versions"][version]:
                # Never the new amounts: the fresh draft comes back for review instead.
                assert error.code == "draft_stale"
                self.shown(error.details["draft"], current)
            else:
                assert not current and error.code == "empty_run"
            return
        assert run["status"] == "draft" and current == run["versions"][version]
        run["status"] = "committed"
        for key in current:
            self.lines[key]["run"] = run_id
            self.earned[key[1]] -= self.lines[key]["points"]

    @rule(choice=st.integers(min_value=0, max_value=20))
    def bonus_void(self, choice):
        if not self.runs:
            return
        run_id = sorted(self.runs)[choice % len(self.runs)]
        run = self.runs[run_id]
        void_run(run_id, now=self.now, actor=Actor(self.ids["M"]))
        if run["status"] == "committed":
            for key, line in self.lines.items():
                if line["run"] == run_id:
                    line["run"] = None
                    self.earned[key[1]] += line["points"]
        run["status"] = "voided"

    @rule(name=st.sampled_from(["A", "B", "C"]))
    def attack_employee_bonus_run(self, name):
        with pytest.raises(LedgerError) as caught:
            create_draft(
                scope=f"team:{self.ids['M']}",
                since=date(2020, 1, 1),
                until=None,
                rule=Rule("rate", cents_per_point=100),
                currency="EUR",
                now=self.now,
                actor=Actor(self.ids[name]),
            )
        assert caught.value.code == "forbidden"

    @rule(giver=st.sampled_from(PEOPLE), points=POINTS)
    def attack_self_award(self, giver, points):
        with pytest.raises(LedgerError) as caught:
            award_points(
                giver=self.ids[giver],
                recipients=[self.ids[giver]],
                points=points,
                message=MESSAGE,
                service_kind="need",
                now=self.now,
                actor=Actor(self.ids[giver]),
            )
        assert caught.value.code in {"self_award", "validation_error"}

    @rule(giver=st.sampled_from(PEOPLE))
    def attack_bot_recipient(self, giver):
        with pytest.raises(LedgerError) as caught:
            award_points(
                giver=self.ids[giver],
                recipients=[self.bot.id],
                points=5,
                message=MESSAGE,
                service_kind="need",
                now=self.now,
                actor=Actor(self.ids[giver]),
            )
        assert caught.value.code == "recipient_inactive"

    # --- invariants ------------------------------------------------------------------

    @invariant()
    def balances_match_the_model(self):
        if not hasattr(self, "ids"):
            return
        for name in PEOPLE:
            figures = balances(self.ids[name], self.now)
            assert figures["allowance_remaining"] == self.left(name), name
            assert figures["earned_unconverted"] == self.earned[name], name
            assert figures["allowance_remaining"] >= 0

    @invariant()
    def the_books_reconcile(self):
        if hasattr(self, "ids"):
            report = verify_ledger()
            assert report["ok"], report["problems"]

    @invariant()
    def every_award_and_reversal_is_told_once(self):
        if hasattr(self, "ids"):
            awards, told, exactly_once = count_award_events_against_awards()
            assert awards == told == exactly_once, (awards, told, exactly_once)
            reversals = db.session.scalar(select(func.count()).select_from(Reversal))
            db.session.rollback()
            assert len(events("award.reversed")) == reversals


def run_model(template, engine):
    machine = type(f"LedgerModel_{engine}", (LedgerModel,), {"template": template, "examples": 0})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=EXAMPLES[engine],
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # Reached only when no example falsified the model (a failure raises above).
    write_figure(f"model-{engine}", violations=0, examples=machine.examples, steps_per_example=30)


@pytest.mark.timeout(900)
def test_the_ledger_matches_the_model_on_sqlite(sqlite_template):
    run_model(sqlite_template, "sqlite")


@pytest.mark.timeout(900)
@pytest.mark.postgres
def test_the_ledger_matches_the_model_on_postgresql(postgres_template):
    run_model(postgres_template, "postgres")
