"""A believable demo organisation with two months of recognition, made through the services."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ledger.db import db, write_transaction
from ledger.demo_requests import seed_requests
from ledger.errors import InsufficientAllowance, LedgerError
from ledger.models import OutboxEvent, User
from ledger.operations import Actor
from ledger.services import award_points, close_period
from ledger.services.directory import create_user

DEMO_DOMAIN = "baton.example"
DEMO_PASSWORD = "baton-demo"
DEMO_LOGINS = (
    ("admin", f"maya.lindqvist@{DEMO_DOMAIN}"),
    ("manager", f"omar.haddad@{DEMO_DOMAIN}"),
    ("employee", f"lena.fischer@{DEMO_DOMAIN}"),
)

# (name, department, manager's name or None, role)
PEOPLE = [
    ("Maya Lindqvist", "Leadership", None, "admin"),
    ("Omar Haddad", "Engineering", "Maya Lindqvist", "manager"),
    ("Grace Mwangi", "Sales", "Maya Lindqvist", "manager"),
    ("Tomás Alvarez", "Finance", "Maya Lindqvist", "manager"),
    ("Priya Raman", "People", "Maya Lindqvist", "manager"),
    ("Jonas Berg", "Operations", "Maya Lindqvist", "manager"),
    ("Lena Fischer", "Engineering", "Omar Haddad", "employee"),
    ("Kwame Asante", "Engineering", "Omar Haddad", "employee"),
    ("Yuki Tanaka", "Engineering", "Omar Haddad", "manager"),
    ("Sofia Rossi", "Engineering", "Yuki Tanaka", "employee"),
    ("Daniel Cohen", "Engineering", "Yuki Tanaka", "employee"),
    ("Amara Nwosu", "Engineering", "Yuki Tanaka", "employee"),
    ("Leo Martin", "Engineering", "Yuki Tanaka", "employee"),
    ("Ines Duarte", "Engineering", "Omar Haddad", "employee"),
    ("Arjun Mehta", "Engineering", "Omar Haddad", "employee"),
    ("Hana Kim", "Sales", "Grace Mwangi", "employee"),
    ("Lucas Silva", "Sales", "Grace Mwangi", "employee"),
    ("Zainab Bello", "Sales", "Grace Mwangi", "manager"),
    ("Mateo García", "Sales", "Zainab Bello", "employee"),
    ("Chloe Dubois", "Sales", "Zainab Bello", "employee"),
    ("Ethan Walsh", "Sales", "Zainab Bello", "employee"),
    ("Nadia Petrova", "Sales", "Grace Mwangi", "employee"),
    ("Oliver Brown", "Finance", "Tomás Alvarez", "employee"),
    ("Fatima Zahra", "Finance", "Tomás Alvarez", "employee"),
    ("Henrik Dahl", "Finance", "Tomás Alvarez", "employee"),
    ("Mei Chen", "Finance", "Tomás Alvarez", "employee"),
    ("Samuel Osei", "Finance", "Tomás Alvarez", "employee"),
    ("Laura Novak", "People", "Priya Raman", "employee"),
    ("Diego Ramos", "People", "Priya Raman", "employee"),
    ("Aisha Karim", "People", "Priya Raman", "employee"),
    ("Ben Carter", "People", "Priya Raman", "employee"),
    ("Elif Yilmaz", "Operations", "Jonas Berg", "employee"),
    ("Noah Jensen", "Operations", "Jonas Berg", "employee"),
    ("Rosa Moreno", "Operations", "Jonas Berg", "manager"),
    ("Ivan Horvat", "Operations", "Rosa Moreno", "employee"),
    ("Julia Wagner", "Operations", "Rosa Moreno", "employee"),
    ("Kofi Mensah", "Operations", "Rosa Moreno", "employee"),
    ("Sara Lindgren", "Operations", "Jonas Berg", "employee"),
    ("Pedro Costa", "Operations", "Jonas Berg", "employee"),
    ("Anna Kowalska", "Finance", "Tomás Alvarez", "employee"),
]

MESSAGES = {
    "need": [
        "Turned my rough request into exactly the report the board needed, on the first try.",
        "Sorted out the access problem that had blocked my team for two days.",
        "Asked the right questions and delivered what I actually needed, not what I first said.",
        "Rebuilt the pricing sheet the way our customers read it. Thank you!",
    ],
    "proactive": [
        "Spotted the broken invoice run before I even noticed and fixed it quietly.",
        "Prepared the onboarding pack for our new hire before I got round to asking.",
        "Flagged the licence renewal a month early and saved us a scramble.",
        "Cleaned up the on-call runbook without being asked; last night it saved us an hour.",
    ],
    "handoff": [
        "The cleanest hand-over notes I have ever received: nothing to chase.",
        "Handed the migration over with tests, docs and a walkthrough. A perfect relay.",
        "Passed the account over with every open thread listed and every contact warm.",
        "Left the quarter-end close so tidy that I could pick it up in ten minutes.",
    ],
    "lead-time": [
        "Warned me three weeks ahead about the audit dates, so we planned calmly.",
        "Shared the draft roadmap early, which gave my team time to prepare.",
        "Gave us the hiring plan a month ahead so interviews never clashed with the release.",
        "Sent the contract changes early enough for legal to review them without rushing.",
    ],
}


def directory_size() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def demo_present() -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email == DEMO_LOGINS[0][1])
        )
    )


def _history_is_not_news(now: datetime) -> None:
    """Mark the demo's back-dated events as handled: nobody is mailed or posted about weeks
    of invented history, and /readyz sees no backlog. (The database was empty before.)"""
    write_transaction(
        lambda: db.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.fanned_out_at.is_(None))
            .values(fanned_out_at=now)
            .execution_options(synchronize_session=False)
        )
    )


def seed_demo(*, now: datetime, days: int = 60, seed: int = 2026) -> dict:
    """Create the demo organisation and back-dated awards; do nothing if it exists."""
    existing = db.session.scalar(select(func.count()).select_from(User)) or 0
    demo = (
        db.session.scalar(
            select(func.count()).select_from(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))
        )
        or 0
    )
    if existing and demo == existing:
        return {"created": False, "message": "The demo organisation is already there."}
    if existing:
        raise LedgerError(
            "The database already holds people who are not part of the demo; "
            "seed-demo only fills an empty database."
        )
    start = now - timedelta(days=days)
    actor = Actor(None, request_id="seed-demo")
    emails = {}
    for name, department, manager, role in PEOPLE:
        email = demo_email(name)
        emails[name] = email
        create_user(
            email,
            name=name,
            department=department,
            role=role,
            manager=emails[manager] if manager else None,
            password=DEMO_PASSWORD,
            now=start,
            actor=actor,
        )
    requests = seed_requests(emails, now=now, actor=actor)
    awards = 1 + _plant_ring(emails, now=now, actor=actor)
    awards += _seed_awards(emails, start=start, now=now, seed=seed, actor=actor)
    closed = close_period(None, now=now, actor=actor)
    _history_is_not_news(now)
    return {
        "created": True,
        "people": len(PEOPLE),
        "awards": awards,
        "requests": requests,
        "message": f"Demo organisation created: {len(PEOPLE)} people, {awards} awards, "
        f"{requests} requests, {len(closed)} ended periods closed.",
    }


def demo_email(name: str) -> str:
    ascii_name = (
        name.lower().replace("á", "a").replace("í", "i").replace("é", "e").replace(" ", ".")
    )
    return f"{ascii_name}@{DEMO_DOMAIN}"


# Three of Omar's people who pass points round (Kwame → Arjun → Ines → Kwame) in the last
# weeks: the Insights pages flag the ring, and bonus-run previews mark the three. Planted
# before the random history, so that no spent allowance can leave it out.
RING = ("Kwame Asante", "Arjun Mehta", "Ines Duarte")
RING_MESSAGE = "Thanks again for your help this week, you are the best colleague."


def _plant_ring(emails, *, now, actor) -> int:
    count = 0
    for days_ago in (20, 12, 5):
        for giver, recipient in zip(RING, RING[1:] + RING[:1], strict=True):
            award_points(
                giver=emails[giver],
                recipients=[emails[recipient]],
                points=25,
                message=RING_MESSAGE,
                service_kind="need",
                now=now - timedelta(days=days_ago, hours=-RING.index(giver)),
                actor=actor,
            )
            count += 1
    return count


def _seed_awards(emails, *, start, now, seed, actor) -> int:
    rng = random.Random(seed)
    people = {name: (department, manager) for name, department, manager, _ in PEOPLE}
    names = list(people)
    count = 0
    moment = start + timedelta(hours=9)
    while moment < now - timedelta(hours=1):
        for _ in range(rng.randint(3, 8)):
            giver = rng.choice(names)
            recipients = _pick_recipients(rng, giver, people, names)
            kind = rng.choice(list(MESSAGES))
            try:
                award_points(
                    giver=emails[giver],
                    recipients=[emails[r] for r in recipients],
                    points=rng.choice([5, 5, 10, 10, 10, 15, 20, 25]),
                    message=rng.choice(MESSAGES[kind]),
                    service_kind=kind,
                    now=min(
                        moment + timedelta(minutes=rng.randint(0, 480)), now - timedelta(minutes=1)
                    ),
                    actor=actor,
                )
                count += 1
            except InsufficientAllowance:
                continue  # a generous giver ran out this month, as people do
        moment += timedelta(days=1)
    return count


def _pick_recipients(rng, giver, people, names):
    department, manager = people[giver]
    reports = [n for n, (_, m) in people.items() if m == giver]
    colleagues = [n for n, (d, _) in people.items() if d == department and n != giver]
    roll = rng.random()
    if roll < 0.25 and manager:
        pool = [manager]  # a report thanks their manager: downward service
    elif roll < 0.5 and reports:
        pool = reports  # a manager thanks a report: upward service
    elif roll < 0.75 and colleagues:
        pool = colleagues
    else:
        pool = [n for n in names if people[n][0] != department]  # across departments
    size = 1 if rng.random() < 0.8 else min(len(pool), rng.randint(2, 3))
    return rng.sample(pool, size)
