"""The Stripe webhook event types the portal acts on, as constants.

Handlers are looked up by these names in ``webhooks.HANDLERS``; any other type is stored and marked
handled without changing anything. Issuing authorisation events are matched by their prefix.
"""

ACCOUNT_UPDATED = "account.updated"

TRANSFER_CREATED = "transfer.created"
TRANSFER_UPDATED = "transfer.updated"
TRANSFER_REVERSED = "transfer.reversed"
TRANSFER_FAILED = "transfer.failed"
TRANSFER_PAID = "transfer.paid"

ISSUING_TRANSACTION_CREATED = "issuing_transaction.created"
#: ``issuing_authorization.created``, ``.updated``, ``.request``: all handled alike.
ISSUING_AUTHORIZATION_PREFIX = "issuing_authorization."
