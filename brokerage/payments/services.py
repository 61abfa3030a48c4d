"""Everything that changes money records. Each function owns its transaction and row locks.

Webhook handlers are written to be run any number of times and in any order: they merge
Stripe's snapshot of an object into what the portal holds (amounts reversed only grow, a
failure is final, an older account snapshot never overwrites a newer one), and every ledger
entry is keyed by its Stripe object id, so nothing is counted twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import Employer
from brokerage.payments import stripe_gateway as gateway
from brokerage.payments.models import (
    OUTGOING_KINDS,
    RETURNING_KINDS,
    IncentivePayment,
    IssuingTransaction,
    LedgerEntry,
    LedgerKind,
    PaymentStatus,
    StripeAccount,
    StripeEvent,
    StripeTransfer,
    Supplier,
)

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
    actor=None,
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
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
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


# --- connected accounts -----------------------------------------------------------------------


def _apply_account_status(
    account: StripeAccount, status: gateway.ConnectedAccount, as_of
) -> bool:
    """Copy Stripe's status onto the row unless we already hold a newer one. Row is locked."""
    if account.status_as_of and as_of and as_of < account.status_as_of:
        return False
    account.charges_enabled = status.charges_enabled
    account.payouts_enabled = status.payouts_enabled
    account.details_submitted = status.details_submitted
    account.requirements_due = status.requirements_due
    account.disabled_reason = status.disabled_reason
    account.status_as_of = as_of or timezone.now()
    account.save()
    return True


def employer_payout_account_start(*, employer: Employer, actor) -> StripeAccount:
    """The employer's connected account, created in Stripe the first time only.

    The employer row is locked while we look, and the Stripe call carries a key derived from
    the employer, so a double click or two tabs still make one account.
    """
    with transaction.atomic():
        Employer.objects.select_for_update(of=("self",)).filter(pk=employer.pk).first()
        existing = StripeAccount.objects.filter(employer=employer).first()
        if existing is not None:
            return existing
        created = gateway.connected_account_create(
            email=getattr(actor, "email", ""),
            business_name=employer.name,
            metadata={"portal_employer_id": str(employer.pk)},
            idempotency_key=f"portal-employer-{employer.pk}-connect-account",
        )
        account, _ = StripeAccount.objects.get_or_create(
            employer=employer, defaults={"account_id": created.id}
        )
        _apply_account_status(account, created, timezone.now())
        audit_event_record(
            actor=actor,
            action="payments.payout_account_created",
            obj=account,
            summary=f"Stripe payout account created for {employer.name}",
            data={"account_id": created.id},
            acting_for=employer.name,
        )
    return account


def supplier_payout_account_start(*, supplier: Supplier, actor) -> StripeAccount:
    """A registered supplier's connected account, created once (as for employers)."""
    with transaction.atomic():
        Supplier.objects.select_for_update(of=("self",)).filter(pk=supplier.pk).first()
        existing = StripeAccount.objects.filter(supplier=supplier).first()
        if existing is not None:
            return existing
        created = gateway.connected_account_create(
            email=supplier.email,
            business_name=supplier.name,
            metadata={"portal_supplier_id": str(supplier.pk)},
            idempotency_key=f"portal-supplier-{supplier.pk}-connect-account",
        )
        account, _ = StripeAccount.objects.get_or_create(
            supplier=supplier, defaults={"account_id": created.id}
        )
        _apply_account_status(account, created, timezone.now())
        audit_event_record(
            actor=actor,
            action="payments.payout_account_created",
            obj=account,
            summary=f"Stripe payout account created for supplier {supplier.name}",
            data={"account_id": created.id},
        )
    return account


def payout_account_link(*, account: StripeAccount, refresh_url: str, return_url: str) -> str:
    """A fresh Stripe onboarding link (they expire after a few minutes)."""
    return gateway.account_link_create(
        account_id=account.account_id, refresh_url=refresh_url, return_url=return_url
    )


def payout_account_refresh(*, account: StripeAccount, actor=None) -> StripeAccount:
    """Ask Stripe for the account's status now (e.g. when its owner comes back from Stripe)."""
    status = gateway.connected_account_retrieve(account.account_id)
    with transaction.atomic():
        locked = StripeAccount.objects.select_for_update(of=("self",)).get(pk=account.pk)
        was_ready = locked.ready
        _apply_account_status(locked, status, timezone.now())
        if locked.ready != was_ready:
            audit_event_record(
                actor=actor,
                action="payments.payout_account_status",
                obj=locked,
                summary=f"Payout account {'ready' if locked.ready else 'needs more details'}",
                data={"payouts_enabled": locked.payouts_enabled},
            )
    return locked


# --- webhooks ---------------------------------------------------------------------------------


def stripe_event_receive(*, event: gateway.WebhookEvent) -> tuple[StripeEvent, bool]:
    """Store a verified event once by its id and queue its handling. Returns (event, is_new)."""
    from brokerage.payments.tasks import stripe_event_handle_task

    with transaction.atomic():
        stored, created = StripeEvent.objects.get_or_create(
            event_id=event.id,
            defaults={
                "type": event.type,
                "livemode": event.livemode,
                "stripe_created": event.created,
                "payload": event.payload,
            },
        )
        if created:
            # robust: if the broker is down the event is stored and the retry sweep queues it.
            transaction.on_commit(
                lambda: stripe_event_handle_task.delay(stored.pk), robust=True
            )
    return stored, created


def stripe_event_handle(*, event_pk: int) -> StripeEvent | None:
    """Handle a stored event exactly once; safe to call again, concurrently or late."""
    try:
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update(of=("self",)).filter(pk=event_pk).first()
            if event is None or event.processed_at is not None:
                return event
            handler = _HANDLERS.get(event.type)
            if handler is None and event.type.startswith("issuing_authorization."):
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
    from brokerage.payments import outbox

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
    mirror.failed = mirror.failed or event_type == "transfer.failed"
    mirror.save()

    from brokerage.payments.incentives import incentive_transfer_event_apply
    from brokerage.payments.outbox import transfer_learned

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
            _transfer_apply(snapshot, event_type="transfer.updated")
    return len(waiting)


def _issuing_transaction_created(event: StripeEvent) -> None:
    from brokerage.payments import outbox

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
    from brokerage.payments.fund import fund_card_transaction_apply

    fund_card_transaction_apply(data)  # the fund request's spend and its ledger entry


def _issuing_authorization(event: StripeEvent) -> None:
    """Cards are limited by their Stripe spending controls; the fund request notes the spend."""
    from brokerage.payments import outbox
    from brokerage.payments.fund import fund_card_authorisation_apply

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


_HANDLERS: dict[str, Callable[[StripeEvent], None]] = {
    "account.updated": _account_updated,
    "transfer.created": _transfer_event,
    "transfer.updated": _transfer_event,
    "transfer.reversed": _transfer_event,
    "transfer.failed": _transfer_event,
    "transfer.paid": _transfer_event,
    "issuing_transaction.created": _issuing_transaction_created,
}
