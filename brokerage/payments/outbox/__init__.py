"""The money outbox: every movement of money written down before Stripe is asked, sent once, and
recovered after a crash (``docs/money.md``)."""
