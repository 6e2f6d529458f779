"""Bonus runs: turn earned points into money for payroll, each award line at most once."""
