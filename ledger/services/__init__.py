"""Write services: each is one operation in one transaction, and each takes `now`."""

from ledger.services.add_ons import add_to_award
from ledger.services.allowances import open_period, top_up
from ledger.services.awards import award_points
from ledger.services.periods import close_period
from ledger.services.reversals import reverse_award
from ledger.services.withdrawals import withdraw_award

__all__ = [
    "add_to_award",
    "award_points",
    "close_period",
    "open_period",
    "reverse_award",
    "top_up",
    "withdraw_award",
]
