"""Stripe: the one module that imports it (``gateway``), connected accounts, and webhooks (stored
once by ``inbox``, handled by ``webhooks`` through its handler table, event names in ``events``)."""
