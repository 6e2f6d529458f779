"""Service insights for managers: who serves whom, who goes unseen, who trades points.

Every insight reads the append-only award lines (reversed awards left out) in a window and a
scope that `insight_scope` resolves from the caller's reach.
"""

from ledger.queries.insights.reach import (
    InsightScope,
    insight_scope,
    period_keys_back,
    scope_choices,
)
from ledger.queries.insights.reciprocity import flags_by_person, reciprocity
from ledger.queries.insights.service_map import service_map
from ledger.queries.insights.service_mix import service_mix
from ledger.queries.insights.unrecognized import unrecognized

__all__ = [
    "InsightScope",
    "flags_by_person",
    "insight_scope",
    "period_keys_back",
    "reciprocity",
    "scope_choices",
    "service_map",
    "service_mix",
    "unrecognized",
]
