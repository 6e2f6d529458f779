"""The management chain and subtree, by recursive queries that run on both engines."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, text

from ledger import rules
from ledger.db import db

MAX_DEPTH = 64  # a guard against a cycle that slipped past validation

_CHAINS = text("""
    WITH RECURSIVE chain(origin, id, depth) AS (
        SELECT id, manager_id, 1 FROM users WHERE id IN :ids AND manager_id IS NOT NULL
        UNION ALL
        SELECT chain.origin, users.manager_id, chain.depth + 1
        FROM chain JOIN users ON users.id = chain.id
        WHERE users.manager_id IS NOT NULL AND chain.depth < :max_depth
    )
    SELECT origin, id FROM chain ORDER BY origin, depth
""").bindparams(bindparam("ids", expanding=True))

_SUBTREE = text("""
    WITH RECURSIVE tree(id, depth) AS (
        SELECT id, 1 FROM users WHERE manager_id = :root
        UNION ALL
        SELECT users.id, tree.depth + 1 FROM users JOIN tree ON users.manager_id = tree.id
        WHERE tree.depth < :max_depth
    )
    SELECT DISTINCT id FROM tree
""")


def managers_above(user_ids: Iterable[int]) -> dict[int, list[int]]:
    """Return each user's chain of managers, nearest first."""
    ids = sorted(set(user_ids))
    chains: dict[int, list[int]] = {user_id: [] for user_id in ids}
    if not ids:
        return chains
    rows = db.session.execute(_CHAINS, {"ids": ids, "max_depth": MAX_DEPTH})
    for origin, manager_id in rows:
        if manager_id not in chains[origin]:
            chains[origin].append(manager_id)
    return chains


def subtree(manager_id: int) -> set[int]:
    """Return everyone under a manager, transitively, without the manager."""
    rows = db.session.execute(_SUBTREE, {"root": manager_id, "max_depth": MAX_DEPTH})
    return {row[0] for row in rows} - {manager_id}


def directions_from(giver_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    """Name how each person would have served the giver (up, down, lateral), in two queries."""
    ids = sorted(set(user_ids))
    chains = managers_above([giver_id, *ids])
    return {
        user_id: rules.direction(giver_id, user_id, chains[user_id], chains[giver_id])
        for user_id in ids
    }


def is_above(manager_id: int, user_id: int) -> bool:
    """Tell whether `manager_id` is somewhere in `user_id`'s chain of managers."""
    return manager_id in managers_above([user_id])[user_id]
