"""Employer incentives: schemes as data, claims from starts, checks before each payment
(``checks``), payment runs (``services``), transfers (``transfers``) and clawbacks."""
