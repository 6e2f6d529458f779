"""Write services: each is one operation in one transaction, and each takes `now`."""

from ledger.services.allowances import open_period, top_up
from ledger.services.awards import award_points
from ledger.services.periods import close_period
from ledger.services.reversals import reverse_award

__all__ = ["award_points", "close_period", "open_period", "reverse_award", "top_up"]
