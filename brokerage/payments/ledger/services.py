"""Writing the ledger: one entry per money movement, keyed by its Stripe object id.

Payments out are positive; money coming back is negative. Writing the same movement again
returns the entry already there, so nothing is counted twice.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, models, transaction

from brokerage.audit.services import audit_event_record
from brokerage.payments.models import (
    OUTGOING_KINDS,
    RETURNING_KINDS,
    LedgerEntry,
    LedgerKind,
)
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor

logger = logging.getLogger(__name__)

class PaymentError(Exception):
    """A payment action that cannot be done; the message is for the person who tried."""


# --- ledger -----------------------------------------------------------------------------------


def ledger_entry_record(
    *,
    kind: str,
    amount_pence: int,
    source: models.Model | None = None,
    source_type: str = "",
    source_id: str = "",
    stripe_object_id: str = "",
    stripe_parent_id: str = "",
    description: str = "",
    actor: User | None = None,
) -> LedgerEntry:
    """Record one money movement. Payments out are positive; money coming back is negative.

    Recording the same Stripe object twice returns the first entry (a webhook may have got
    there first), provided it is the same movement; otherwise ``PaymentError``.
    """
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool) or amount_pence == 0:
        raise PaymentError("A ledger entry needs a whole, non-zero number of pence.")
    if kind in OUTGOING_KINDS and amount_pence < 0:
        raise PaymentError("A payment out is recorded as a positive amount.")
    if kind in RETURNING_KINDS and amount_pence > 0:
        raise PaymentError("Money coming back is recorded as a negative amount.")
    if kind not in LedgerKind.values:
        raise PaymentError(f"Unknown ledger entry kind: {kind}.")
    if source is not None:
        source_type, source_id = source._meta.label_lower, str(source.pk)

    if stripe_object_id:
        existing = _entry_for(stripe_object_id, kind)
        if existing is not None:
            return _same_movement(existing, amount_pence)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                kind=kind,
                amount_pence=amount_pence,
                source_type=source_type,
                source_id=source_id,
                stripe_object_id=stripe_object_id,
                stripe_parent_id=stripe_parent_id,
                description=description[:300],
                created_by=recorded_actor(actor),
            )
            audit_event_record(
                actor=actor,
                action="payments.ledger_entry_recorded",
                obj=entry,
                summary=f"{entry.get_kind_display()}: {amount_pence} pence",
                data={"stripe_object_id": stripe_object_id, "source": f"{source_type}:{source_id}"},
            )
    except IntegrityError:
        # Two writers recorded the same Stripe object at once; the other one won.
        existing = _entry_for(stripe_object_id, kind)
        if existing is None:
            raise
        return _same_movement(existing, amount_pence)
    return entry


def _entry_for(stripe_object_id: str, kind: str) -> LedgerEntry | None:
    """The entry already recording this Stripe object (a failed transfer's money coming back is
    recorded apart from the transfer itself: see the ledger's unique constraints)."""
    if not stripe_object_id:
        return None
    entries = LedgerEntry.objects.filter(stripe_object_id=stripe_object_id)
    if kind == LedgerKind.TRANSFER_FAILED:
        return entries.filter(kind=LedgerKind.TRANSFER_FAILED).first()
    return entries.exclude(kind=LedgerKind.TRANSFER_FAILED).first()


def _same_movement(existing: LedgerEntry, amount_pence: int) -> LedgerEntry:
    if existing.amount_pence != amount_pence:
        raise PaymentError(
            f"Stripe object {existing.stripe_object_id} is already in the ledger for "
            f"{existing.amount_pence} pence, not {amount_pence}."
        )
    return existing
