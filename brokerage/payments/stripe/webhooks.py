"""Stripe webhook handling: one handler per event type (``HANDLERS``), each run under row locks.

Events arrive through ``inbox.stripe_event_receive`` (stored once by id) and are handled here by
``stripe_event_handle`` (from ``tasks.stripe_event_handle_task``), exactly once.

Webhook handlers are written to be run any number of times and in any order: they merge
Stripe's snapshot of an object into what the portal holds (amounts reversed only grow, a
failure is final, an older account snapshot never overwrites a newer one), and every ledger
entry is keyed by its Stripe object id, so nothing is counted twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import models, transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.payments.fund.services import (
    fund_card_authorisation_apply,
    fund_card_transaction_apply,
)
from brokerage.payments.incentives.services import incentive_transfer_event_apply
from brokerage.payments.ledger.services import ledger_entry_record
from brokerage.payments.models import (
    IncentivePayment,
    IssuingTransaction,
    LedgerEntry,
    LedgerKind,
    PaymentStatus,
    StripeAccount,
    StripeEvent,
    StripeTransfer,
)
from brokerage.payments.outbox import services as outbox
from brokerage.payments.outbox.services import transfer_learned
from brokerage.payments.stripe import events, gateway
from brokerage.payments.stripe.services import _apply_account_status

logger = logging.getLogger(__name__)

def stripe_event_handle(*, event_pk: int) -> StripeEvent | None:
    """Handle a stored event exactly once; safe to call again, concurrently or late."""
    try:
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update(of=("self",)).filter(pk=event_pk).first()
            if event is None or event.processed_at is not None:
                return event
            handler = HANDLERS.get(event.type)
            if handler is None and event.type.startswith(events.ISSUING_AUTHORIZATION_PREFIX):
                handler = _issuing_authorization
            if handler is not None:
                handler(event)
            event.processed_at = timezone.now()
            event.attempts += 1
            event.processing_error = ""
            event.save(update_fields=["processed_at", "attempts", "processing_error"])
            return event
    except gateway.PaymentProviderUnavailable:
        _note_failure(event_pk, "Stripe could not be reached; will try again.")
        raise
    except Exception as exc:  # recorded for the retry sweep and the service team
        logger.exception("Stripe event %s could not be handled", event_pk)
        _note_failure(event_pk, f"{type(exc).__name__}: {exc}")
        return None


def _note_failure(event_pk: int, message: str) -> None:
    StripeEvent.objects.filter(pk=event_pk).update(
        attempts=models.F("attempts") + 1, processing_error=message[:2000]
    )


def _account_updated(event: StripeEvent) -> None:
    status = gateway.account_from_event_object(event.data_object)
    account = StripeAccount.objects.select_for_update(of=("self",)).filter(account_id=status.id).first()
    if account is None:
        return  # not one of ours
    was_ready = account.ready
    if _apply_account_status(account, status, event.stripe_created or event.received_at):
        if account.ready != was_ready:
            audit_event_record(
                actor=None,
                action="payments.payout_account_status",
                obj=account,
                summary=f"Stripe reports the payout account is {'ready' if account.ready else 'not ready'}",
                data={"event_id": event.event_id},
            )


def _transfer_event(event: StripeEvent) -> None:
    """A signed event is still only what it says: it is checked against the portal's own intent
    (destination, amount, currency, mode, and that it is the platform's own transfer) before it
    changes anything. One that does not match is kept, shown to finance, and changes nothing."""

    snapshot = gateway.transfer_from_event_object(event.data_object)
    check = outbox.transfer_event_problem(event=event, snapshot=snapshot)
    if check.problem:
        outbox.attention_flag_event(event=event, reason=check.problem, payment=check.payment,
                                    fund_request=check.fund_request)
        return
    if not check.ours and event.payload.get("account"):
        return  # a connected account's own transfer: nothing of the portal's
    _transfer_apply(snapshot, event_type=event.type)


def _transfer_apply(snapshot: gateway.Transfer, *, event_type: str) -> None:
    """What Stripe says of a transfer, from a webhook or from asking it (``stripe_transfers_sweep``)."""
    mirror, _ = StripeTransfer.objects.get_or_create(
        transfer_id=snapshot.id,
        defaults={"destination": snapshot.destination, "amount_pence": snapshot.amount_pence,
                  "currency": snapshot.currency, "metadata": snapshot.metadata},
    )
    mirror = StripeTransfer.objects.select_for_update(of=("self",)).get(pk=mirror.pk)
    # Merge by state: what Stripe has reversed only grows; a failure is final.
    mirror.amount_pence = snapshot.amount_pence or mirror.amount_pence
    mirror.destination = snapshot.destination or mirror.destination
    mirror.metadata = {**mirror.metadata, **snapshot.metadata}
    mirror.amount_reversed_pence = max(mirror.amount_reversed_pence, snapshot.amount_reversed_pence)
    mirror.reversed = mirror.reversed or snapshot.reversed
    mirror.failed = mirror.failed or event_type == events.TRANSFER_FAILED
    mirror.save()


    # If the transfer is one the portal asked for, record it (transfer id, ledger entry) once,
    # whether the worker that asked is still recording it, died first, or finished long ago.
    transfer_learned(snapshot)
    incentive_transfer_event_apply(event_type=event_type, snapshot=snapshot, failed=mirror.failed)

    # Reversals made in Stripe (or by the portal, before its own entry was written) go in the
    # ledger once each, against the portal record that the transfer paid.
    paid = LedgerEntry.objects.filter(stripe_object_id=snapshot.id, amount_pence__gt=0).first()
    if paid is None:
        return
    for reversal in snapshot.reversals:
        ledger_entry_record(
            kind=LedgerKind.TRANSFER_REVERSAL,
            amount_pence=-reversal.amount_pence,
            source_type=paid.source_type,
            source_id=paid.source_id,
            stripe_object_id=reversal.id,
            stripe_parent_id=snapshot.id,
            description=f"Stripe reversed {reversal.amount_pence} pence of transfer {snapshot.id}",
        )
    # A failed transfer gives back whatever was not already reversed, once.
    returned = mirror.amount_pence - mirror.amount_reversed_pence
    if mirror.failed and returned > 0 and not LedgerEntry.objects.filter(
        stripe_object_id=snapshot.id, kind=LedgerKind.TRANSFER_FAILED
    ).exists():
        ledger_entry_record(
            kind=LedgerKind.TRANSFER_FAILED, amount_pence=-returned, source_type=paid.source_type,
            source_id=paid.source_id, stripe_object_id=snapshot.id, stripe_parent_id=snapshot.id,
            description=f"Transfer {snapshot.id} failed: {returned} pence back to the programme",
        )


#: An incentive transfer with no word from Stripe for this long is looked up (a lost webhook).
TRANSFER_SWEEP_AFTER = datetime.timedelta(hours=1)


def stripe_transfers_sweep(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """Ask Stripe about incentive transfers still waiting for their webhook, and apply the answer
    as the webhook would have (paid, reversed). Safe to run any number of times. Returns the
    number of transfers looked up."""
    cutoff = (now or timezone.now()) - TRANSFER_SWEEP_AFTER
    waiting = list(
        IncentivePayment.objects.filter(status=PaymentStatus.APPROVED, updated_at__lt=cutoff)
        .exclude(transfer_id="").order_by("updated_at").values_list("transfer_id", flat=True)[:limit]
    )
    for transfer_id in waiting:
        try:
            snapshot = gateway.transfer_retrieve(transfer_id)
        except gateway.PaymentObjectMissing:
            logger.error("Stripe has no transfer %s for an approved incentive payment", transfer_id)
            continue
        with transaction.atomic():
            _transfer_apply(snapshot, event_type=events.TRANSFER_UPDATED)
    return len(waiting)


def _issuing_transaction_created(event: StripeEvent) -> None:

    data = gateway.issuing_transaction_from_event_object(event.data_object)
    foreign = outbox.issuing_event_foreign(
        event=event, card_id=data.card_id, currency=data.currency
    )
    if foreign is not None:  # not the portal's own Stripe account: changes nothing
        if foreign.problem:
            outbox.attention_flag_event(event=event, reason=foreign.problem,
                                        fund_request=foreign.fund_request)
        return
    IssuingTransaction.objects.get_or_create(
        transaction_id=data.id,
        defaults={
            "card_id": data.card_id,
            "authorization_id": data.authorization_id,
            "amount_pence": data.amount_pence,
            "currency": data.currency,
            "type": data.type,
            "merchant_name": data.merchant_name[:255],
        },
    )

    fund_card_transaction_apply(data)  # the fund request's spend and its ledger entry


def _issuing_authorization(event: StripeEvent) -> None:
    """Cards are limited by their Stripe spending controls; the fund request notes the spend."""

    card = event.data_object.get("card") or ""
    card_id = card if isinstance(card, str) else ""
    if isinstance(card, dict) and isinstance(card.get("id"), str):
        card_id = card["id"]
    foreign = outbox.issuing_event_foreign(event=event, card_id=card_id)
    if foreign is not None:  # not the portal's own Stripe account: changes nothing
        if foreign.problem:
            outbox.attention_flag_event(event=event, reason=foreign.problem,
                                        fund_request=foreign.fund_request)
        return
    fund_card_authorisation_apply(event.data_object)


#: What to do for each event type; types not listed are stored and marked handled.
HANDLERS: dict[str, Callable[[StripeEvent], None]] = {
    events.ACCOUNT_UPDATED: _account_updated,
    events.TRANSFER_CREATED: _transfer_event,
    events.TRANSFER_UPDATED: _transfer_event,
    events.TRANSFER_REVERSED: _transfer_event,
    events.TRANSFER_FAILED: _transfer_event,
    events.TRANSFER_PAID: _transfer_event,
    events.ISSUING_TRANSACTION_CREATED: _issuing_transaction_created,
}
