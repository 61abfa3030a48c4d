"""The money outbox: nothing moves money through Stripe that was not written down first.

A worker can die after Stripe made a transfer (or a card) and before the portal committed what
Stripe answered; a broker can be down when a run is approved; Stripe forgets an idempotency key
after about 24 hours; a signed webhook can name one of our payments and still not be about the
transfer we made. So every outgoing movement of money (an incentive transfer, a flexible fund
payment to a supplier, a fund card, and the cancelling of a card) is a ``MoneyIntent``
(``outbox/models.py``), committed before Stripe is asked, and it moves through these states::

    pending ──(a worker takes it: attempts + 1, committed before the request)──> sending
    sending ──(Stripe made it: recorded with the payment, its one ledger entry and the audit
               event, in one transaction)──> confirmed
    sending ──(Stripe refused it, so nothing exists in Stripe)──> failed
    pending ──(its request was cancelled before anything was sent)──> cancelled

- ``pending``: written, not sent. Sending it makes the object.
- ``sending``: Stripe may have been asked, and may have made the object, but the portal has not
  recorded the answer (the worker died, Stripe could not be reached, the task was lost).
  Whoever takes it next asks Stripe first. While the intent is younger than ``KEY_LIFETIME``
  that is the same request with the same idempotency key (Stripe answers with the object it
  made, or makes it now). Later, when Stripe may have forgotten the key, the portal lists the
  transfers of the intent's transfer group (or the cardholder's cards), matches metadata,
  destination and amount, and makes the object only if none is found.
- ``confirmed``: ``stripe_object_id`` is recorded, and so are the payment's transfer id and its
  ledger entry (unique per Stripe object in the database). Execution, the webhook, the transfer
  sweep and recovery all record through the same functions, so whichever learns of the object
  first records it, once.
- ``failed``: Stripe answered with a refusal. Another attempt is a new intent with a new key
  (Stripe replays the refusal for the old key).
- ``cancelled``: never sent, and no longer wanted.

Recovery (``money_intents_recover``) runs from beat every few minutes and whenever a worker
starts (``worker_ready``): it sends every intent still ``pending`` or ``sending`` (skipping any a
live worker holds), and writes the intents of approved payments whose hand-off to the broker
failed. Webhook events about transfers are checked against the intent before they change
anything (``transfer_event_problem``); one that does not match is kept, shown to finance on
the "needs attention" page (``MoneyAttention``) and changes nothing.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.payments.access import is_finance_officer
from brokerage.payments.incentives.checks import _payment_failed
from brokerage.payments.ledger.services import PaymentError, ledger_entry_record
from brokerage.payments.models import (
    IN_FLIGHT_STATES,
    TRANSFER_KINDS,
    AttentionCode,
    FundRequest,
    FundRequestStatus,
    IncentivePayment,
    IncentiveTransfer,
    IntentKind,
    IntentState,
    LedgerKind,
    MoneyAttention,
    MoneyIntent,
    PaymentStatus,
    StripeAccount,
    StripeEvent,
    StripeTransfer,
)
from brokerage.payments.stripe import gateway
from portal.accounts.models import User
from portal.accounts.permissions import is_signed_in
from portal.core.money import pence_display

logger = logging.getLogger(__name__)

#: Stripe keeps an idempotency key for at least 24 hours; within this age of the intent (which is
#: older than any request sent for it) the same key is certain to be answered from Stripe's memory.
KEY_LIFETIME = datetime.timedelta(hours=23)
#: Recovery leaves an intent alone for this long after it last changed (its own task is on it).
RECOVER_AFTER = datetime.timedelta(minutes=2)
#: After this many attempts an intent still in flight is shown to finance (it is still retried).
STUCK_AFTER_ATTEMPTS = 12


# --- writing intents down -----------------------------------------------------------------------


def _intents(*, payment=None, fund_request=None, kind: str | None = None):
    qs = (MoneyIntent.objects.filter(payment=payment) if payment is not None
          else MoneyIntent.objects.filter(fund_request=fund_request))
    return qs.filter(kind=kind) if kind else qs


def money_intent_in_flight(
    *, payment=None, fund_request=None, kind: str | None = None
) -> MoneyIntent | None:
    """The intent still ``pending`` or ``sending`` for the record (at most one per kind)."""
    return (_intents(payment=payment, fund_request=fund_request, kind=kind)
            .filter(state__in=IN_FLIGHT_STATES).order_by("-created_at", "-id").first())


def _still_good(intent: MoneyIntent) -> bool:
    """A confirmed intent whose object Stripe has not since failed or fully reversed."""
    if intent.state != IntentState.CONFIRMED:
        return False
    if intent.kind in TRANSFER_KINDS:
        mirror = StripeTransfer.objects.filter(transfer_id=intent.stripe_object_id).first()
        return not (mirror is not None and (mirror.failed or mirror.reversed))
    return True


def money_intent_current(*, payment=None, fund_request=None, kind: str) -> MoneyIntent | None:
    """The intent to finish for the record: one in flight, or one Stripe made that is still good
    (its object is recorded again rather than made twice); None when a new one is needed. For an
    incentive payment, a confirmed intent of an earlier attempt (finance sent the payment again,
    with a new key) is not reused."""
    latest = (_intents(payment=payment, fund_request=fund_request, kind=kind)
              .order_by("-created_at", "-id").first())
    if latest is None:
        return None
    if latest.state in IN_FLIGHT_STATES:
        return latest
    if payment is not None:
        base = payment.idempotency_key
        key = latest.idempotency_key
        if key != base and not key.startswith(f"{base}-again-"):
            return None
    return latest if _still_good(latest) else None


def _latest(intent: MoneyIntent) -> bool:
    """The newest attempt for its record (an older one's record has moved on)."""
    siblings = MoneyIntent.objects.filter(kind=intent.kind)
    siblings = (siblings.filter(payment_id=intent.payment_id) if intent.payment_id
                else siblings.filter(fund_request_id=intent.fund_request_id))
    return siblings.order_by("-created_at", "-id").values_list("pk", flat=True).first() == intent.pk


def _key(base: str) -> str:
    """``base``, unless an earlier intent used it (Stripe would replay that one's answer)."""
    if not MoneyIntent.objects.filter(idempotency_key=base).exists():
        return base
    taken = MoneyIntent.objects.filter(idempotency_key__startswith=f"{base}-again-").count()
    return f"{base}-again-{taken + 2}"


def incentive_intent_ensure(*, payment: IncentivePayment, destination: str) -> MoneyIntent:
    """The payment's transfer as the portal will ask Stripe for it (the payment row is locked by
    the caller). The caller's transaction must commit before the intent is sent."""
    intent = money_intent_current(payment=payment, kind=IntentKind.INCENTIVE_TRANSFER)
    if intent is not None:
        return intent
    claim = payment.claim
    intent = MoneyIntent.objects.create(
        kind=IntentKind.INCENTIVE_TRANSFER, payment=payment, destination=destination,
        amount_pence=payment.amount_pence, idempotency_key=_key(payment.idempotency_key),
        transfer_group=f"incentive-run-{payment.run_id}",
        metadata={"portal_incentive_payment_id": str(payment.pk), "portal_claim": claim.reference},
        description=f"{claim.scheme.name}: {payment.stage_name} ({payment.reference})"[:500],
    )
    # The payment's transfer is under way from now on (see incentives.incentive_payment_checks).
    IncentiveTransfer.objects.update_or_create(payment=payment, defaults={
        "idempotency_key": intent.idempotency_key, "destination": destination,
        "amount_pence": payment.amount_pence, "transfer_id": "",
    })
    return intent


def fund_intent_create(
    *, fund_request: FundRequest, kind: str, destination: str, metadata: dict, description: str = ""
) -> MoneyIntent:
    """A fund card or supplier payment as the portal will ask Stripe for it (request row locked)."""
    suffix = "card" if kind == IntentKind.FUND_CARD else "transfer"
    return MoneyIntent.objects.create(
        kind=kind, fund_request=fund_request, destination=destination,
        amount_pence=fund_request.amount_pence,
        idempotency_key=_key(f"fund-request-{fund_request.pk}-{suffix}"),
        transfer_group=(f"fund-request-{fund_request.pk}"
                        if kind == IntentKind.FUND_TRANSFER else ""),
        metadata=metadata, description=description[:500],
    )


def fund_card_cancel_ensure(*, fund_request: FundRequest, card_id: str) -> MoneyIntent:
    """Cancel a fund card through the outbox: sent once this transaction commits, and by
    recovery until Stripe confirms it (request row locked by the caller)."""
    cancels = _intents(fund_request=fund_request, kind=IntentKind.FUND_CARD_CANCEL)
    intent = cancels.filter(destination=card_id).exclude(state=IntentState.CANCELLED).first()
    if intent is None:
        intent = MoneyIntent.objects.create(
            kind=IntentKind.FUND_CARD_CANCEL, fund_request=fund_request, destination=card_id,
            idempotency_key=_key(f"fund-request-{fund_request.pk}-card-{card_id}-cancel"),
        )
    if intent.state in IN_FLIGHT_STATES:
        send_after_commit(intent)
    return intent


def send_after_commit(intent: MoneyIntent) -> None:
    """Queue the intent once the transaction that wrote it commits. If the broker is down the
    intent stays in flight and recovery sends it."""
    intent_id = intent.pk
    transaction.on_commit(lambda: money_intent_send_task.delay(intent_id), robust=True)


# --- sending ------------------------------------------------------------------------------------


def _lock_payment(payment_id: int) -> IncentivePayment:
    return (IncentivePayment.objects.select_for_update(of=("self",))
            .select_related("run__approved_by", "claim__employer", "claim__scheme")
            .get(pk=payment_id))


def _lock_fund_request(pk: int) -> FundRequest:
    return (FundRequest.objects.select_for_update(of=("self",))
            .select_related("supplier", "participant").get(pk=pk))


def _lock_subject(intent: MoneyIntent):
    if intent.payment_id:
        return _lock_payment(intent.payment_id)
    return _lock_fund_request(intent.fund_request_id)


def _claim(intent_id: int) -> tuple[MoneyIntent | None, bool]:
    """Take the intent to send it: ``sending``, one more attempt, committed before any request.
    Returns (intent, whether a request may already have been sent for it)."""
    with transaction.atomic():
        intent = MoneyIntent.objects.select_for_update(of=("self",)).filter(pk=intent_id).first()
        if intent is None or intent.state not in IN_FLIGHT_STATES:
            return intent, False
        sent_before = intent.state == IntentState.SENDING
        intent.state = IntentState.SENDING
        intent.attempts += 1
        intent.last_attempt_at = timezone.now()
        intent.save(update_fields=["state", "attempts", "last_attempt_at", "updated_at"])
    return intent, sent_before


def _wanted(intent: MoneyIntent, subject) -> bool:
    if intent.kind == IntentKind.INCENTIVE_TRANSFER:
        return subject.status == PaymentStatus.APPROVED and not subject.transfer_id
    if intent.kind == IntentKind.FUND_TRANSFER:
        return subject.status == FundRequestStatus.APPROVED and not subject.transfer_id
    if intent.kind == IntentKind.FUND_CARD:
        return subject.status == FundRequestStatus.APPROVED and not subject.card_id
    return True


def money_intent_send(
    *, intent_id: int, actor: User | None = None, now: datetime.datetime | None = None
) -> MoneyIntent | None:
    """Ask Stripe for what the intent records, once, and record the answer.

    Safe to call any number of times, at the same time, or after the process that sent it died:
    the intent and its record are row locked while Stripe is asked, a confirmed intent is only
    recorded again, and an intent that may have been sent is looked for before anything new is
    made. Raises ``PaymentProviderUnavailable`` (nothing recorded; try again later) or, once the
    refusal is recorded, the ``PaymentProviderError`` Stripe refused with.
    """
    intent, sent_before = _claim(intent_id)
    if intent is None or intent.state not in (IntentState.SENDING, IntentState.CONFIRMED):
        return intent
    refusal = None
    try:
        with transaction.atomic():
            subject = _lock_subject(intent)
            intent = MoneyIntent.objects.select_for_update(of=("self",)).get(pk=intent.pk)
            if intent.state == IntentState.CONFIRMED:
                _record_again(intent, subject, actor)
                return intent
            if intent.state != IntentState.SENDING:
                return intent
            if not sent_before and not _wanted(intent, subject):
                # Nothing was ever sent for it, and its record no longer wants it.
                _cancel(intent, "Not needed any more: nothing was sent to Stripe.")
                return intent
            try:
                obj = _obtain(intent, sent_before=sent_before, now=now or timezone.now())
            except gateway.PaymentProviderUnavailable:
                raise
            except gateway.PaymentProviderError as exc:
                if intent.kind == IntentKind.FUND_CARD_CANCEL:
                    _cancel_failed(intent, exc)
                    return intent
                _fail(intent, subject, exc)
                refusal = exc
            else:
                _apply(intent, subject, obj, actor=actor)
    except gateway.PaymentProviderUnavailable as exc:
        MoneyIntent.objects.filter(pk=intent.pk, state=IntentState.SENDING).update(
            last_error=str(exc)[:2000]
        )
        raise
    if refusal is not None:
        raise refusal
    return intent


def _obtain(intent: MoneyIntent, *, sent_before: bool, now: datetime.datetime):
    """What Stripe holds for the intent: found, replayed for its key, or made now."""
    if sent_before and now - intent.created_at >= KEY_LIFETIME:
        # Stripe may have forgotten the key: a request with it now would make a second object.
        found = _find(intent)
        if found is not None:
            audit_event_record(
                actor=None, action="payments.money_intent_found", obj=intent,
                summary=f"{intent.subject_label}: found {found.id} in Stripe after its key expired",
                data={"idempotency_key": intent.idempotency_key, "attempts": intent.attempts},
            )
            return found
    try:
        return _create(intent)
    except gateway.PaymentProviderError as exc:
        if exc.code == "idempotency":  # Stripe holds something else under the key: look for ours
            found = _find(intent)
            if found is not None:
                return found
        raise


def _create(intent: MoneyIntent):
    if intent.kind in TRANSFER_KINDS:
        return gateway.transfer_create(
            amount_pence=intent.amount_pence, destination=intent.destination,
            idempotency_key=intent.idempotency_key, metadata=intent.metadata,
            description=intent.description, transfer_group=intent.transfer_group,
        )
    if intent.kind == IntentKind.FUND_CARD:
        return gateway.issuing_card_create(
            cardholder_id=intent.destination, amount_pence=intent.amount_pence,
            idempotency_key=intent.idempotency_key, metadata=intent.metadata,
        )
    return gateway.issuing_card_cancel(intent.destination)


def _claimed_elsewhere(intent: MoneyIntent, object_id: str) -> bool:
    return (MoneyIntent.objects.filter(kind=intent.kind, stripe_object_id=object_id)
            .exclude(pk=intent.pk).exists())


def _find(intent: MoneyIntent):
    """The object Stripe made for the intent, looked up without its key (None if there is none)."""
    wanted = {str(k): str(v) for k, v in intent.metadata.items()}
    if intent.kind in TRANSFER_KINDS:
        candidates = (gateway.transfers_list(transfer_group=intent.transfer_group)
                      if intent.transfer_group
                      else gateway.transfers_list(destination=intent.destination))
        matches = [t for t in candidates
                   if t.destination == intent.destination and t.amount_pence == intent.amount_pence
                   and t.currency == intent.currency and wanted.items() <= t.metadata.items()]
    elif intent.kind == IntentKind.FUND_CARD:
        matches = [c for c in gateway.issuing_cards_list(cardholder_id=intent.destination)
                   if c.spending_limit_pence == intent.amount_pence
                   and wanted.items() <= c.metadata.items()]
    else:
        card = gateway.issuing_card_retrieve(intent.destination)
        return card if card.status == "canceled" else None
    matches = [m for m in reversed(matches) if not _claimed_elsewhere(intent, m.id)]  # oldest first
    return matches[0] if matches else None


def _retrieve(intent: MoneyIntent):
    if intent.kind in TRANSFER_KINDS:
        return gateway.transfer_retrieve(intent.stripe_object_id)
    return gateway.issuing_card_retrieve(intent.stripe_object_id or intent.destination)


def _record_again(intent: MoneyIntent, subject, actor: User | None) -> None:
    """A confirmed intent whose record does not show its object (e.g. put back by hand)."""
    shown = {
        IntentKind.INCENTIVE_TRANSFER: lambda: subject.transfer_id == intent.stripe_object_id,
        IntentKind.FUND_TRANSFER: lambda: subject.transfer_id == intent.stripe_object_id,
        IntentKind.FUND_CARD: lambda: subject.card_id == intent.stripe_object_id,
        IntentKind.FUND_CARD_CANCEL: lambda: True,
    }[intent.kind]()
    if not shown:
        _apply(intent, subject, _retrieve(intent), actor=actor)


def _confirm(intent: MoneyIntent, object_id: str) -> None:
    if intent.state == IntentState.CONFIRMED:
        if intent.stripe_object_id != object_id:
            raise PaymentError(
                f"{intent} is already confirmed as {intent.stripe_object_id}, not {object_id}."
            )
        return
    intent.state = IntentState.CONFIRMED
    intent.stripe_object_id = object_id
    intent.confirmed_at = timezone.now()
    intent.last_error = ""
    intent.save(update_fields=[
        "state", "stripe_object_id", "confirmed_at", "last_error", "updated_at",
    ])


def _cancel(intent: MoneyIntent, reason: str) -> None:
    intent.state = IntentState.CANCELLED
    intent.last_error = reason
    intent.save(update_fields=["state", "last_error", "updated_at"])


def _cancel_failed(intent: MoneyIntent, exc: gateway.PaymentProviderError) -> None:
    """Cancelling a card never gives up (the card must not stay usable), unless it is gone."""
    if isinstance(exc, gateway.PaymentObjectMissing):
        _cancel(intent, f"Stripe has no card {intent.destination}: nothing to cancel.")
        return
    intent.last_error = str(exc)[:2000]
    intent.save(update_fields=["last_error", "updated_at"])


def _fail(intent: MoneyIntent, subject, exc: gateway.PaymentProviderError) -> None:
    """Stripe refused: nothing was made. The intent and its record say why."""
    intent.state = IntentState.FAILED
    intent.last_error = str(exc)[:2000]
    intent.save(update_fields=["state", "last_error", "updated_at"])
    if intent.kind == IntentKind.INCENTIVE_TRANSFER:
        if subject.status == PaymentStatus.APPROVED and not subject.transfer_id:

            _payment_failed(subject, str(exc))
    elif subject.status == FundRequestStatus.APPROVED:
        subject.payment_error = str(exc)[:500]
        subject.save(update_fields=["payment_error", "updated_at"])
        audit_event_record(actor=None, action="payments.fund_payment_failed", obj=subject,
                           summary=f"Stripe refused the {intent.get_kind_display().lower()}: {exc}",
                           data={"idempotency_key": intent.idempotency_key})


def _apply(intent: MoneyIntent, subject, obj, *, actor: User | None = None) -> None:
    if intent.kind == IntentKind.INCENTIVE_TRANSFER:
        _incentive_transfer_record(subject, intent, obj, actor=actor)
    elif intent.kind == IntentKind.FUND_TRANSFER:
        _fund_transfer_record(subject, intent, obj, actor=actor)
    elif intent.kind == IntentKind.FUND_CARD:
        _fund_card_record(subject, intent, obj, actor=actor)
    else:
        _confirm(intent, obj.id)
        audit_event_record(
            actor=actor, action="payments.fund_card_cancelled", obj=subject,
            summary=f"Card ending {subject.card_last4 or obj.last4} cancelled in Stripe",
            data={"card_id": obj.id},
        )


# --- recording what Stripe made (every path: execution, webhook, sweep, recovery) ---------------


def _incentive_transfer_record(
    payment: IncentivePayment, intent: MoneyIntent, transfer: gateway.Transfer, *, actor: User | None = None
) -> None:
    """The payment's transfer and its one ledger entry (payment and intent rows locked)."""
    _confirm(intent, transfer.id)
    IncentiveTransfer.objects.update_or_create(payment=payment, defaults={
        "idempotency_key": intent.idempotency_key, "destination": intent.destination,
        "amount_pence": intent.amount_pence, "transfer_id": transfer.id,
    })
    new = payment.transfer_id != transfer.id
    employer = payment.claim.employer
    if new:
        if payment.transfer_id:
            raise PaymentError(
                f"{payment.reference} is already paid by {payment.transfer_id}, not {transfer.id}."
            )
        if payment.status not in (PaymentStatus.APPROVED, PaymentStatus.PAID):
            attention_flag(
                code=AttentionCode.MONEY_AFTER_CANCEL, reference=transfer.id, payment=payment,
                amount_pence=transfer.amount_pence,
                reason=f"Stripe made transfer {transfer.id} of {pence_display(transfer.amount_pence)} "
                f"for {payment.reference} while the payment was "
                f"{payment.get_status_display().lower()}. It is recorded as sent.",
            )
            payment.status = PaymentStatus.APPROVED
        payment.transfer_id = transfer.id
        payment.failure_reason = ""
        payment.save(update_fields=["transfer_id", "failure_reason", "status", "updated_at"])
    approver = payment.run.approved_by if payment.run_id else None
    ledger_entry_record(
        kind=LedgerKind.INCENTIVE_PAYMENT, amount_pence=transfer.amount_pence, source=payment,
        stripe_object_id=transfer.id,
        description=f"{payment.claim.reference} {payment.stage_name} to {employer.name}",
        actor=actor if is_signed_in(actor) else approver,
    )
    if new:
        audit_event_record(
            actor=None, action="payments.incentive_transferred", obj=payment,
            summary=f"{payment.reference}: {transfer.amount_pence} pence sent to {employer.name} "
            f"({transfer.id})",
            data={"idempotency_key": intent.idempotency_key, "attempts": intent.attempts},
            acting_for=employer.name,
        )


def _fund_transfer_record(request: FundRequest, intent: MoneyIntent, transfer: gateway.Transfer,
                          *, actor: User | None = None) -> None:
    _confirm(intent, transfer.id)
    new = request.transfer_id != transfer.id
    if new:
        if request.transfer_id:
            raise PaymentError(
                f"{request.reference} is already paid by {request.transfer_id}, not {transfer.id}."
            )
        request.transfer_id = transfer.id
        request.spent_pence = transfer.amount_pence
    ledger_entry_record(
        kind=LedgerKind.FUND_TRANSFER, amount_pence=transfer.amount_pence, source=request,
        stripe_object_id=transfer.id, actor=actor,
        description=f"Flexible fund {request.reference} to {request.supplier}",
    )
    if request.status == FundRequestStatus.APPROVED:
        _fund_paid(request, actor, f"{pence_display(request.amount_pence)} paid to {request.supplier}")
    else:
        request.save()
        if new and request.status == FundRequestStatus.CANCELLED:
            attention_flag(
                code=AttentionCode.MONEY_AFTER_CANCEL, reference=transfer.id, fund_request=request,
                amount_pence=transfer.amount_pence,
                reason=f"{pence_display(transfer.amount_pence)} was paid to {request.supplier} for "
                f"{request.reference} after the request was cancelled. The ledger records the "
                "payment.",
            )


def _fund_card_record(
    request: FundRequest, intent: MoneyIntent, card: gateway.IssuingCard, *, actor: User | None = None
) -> None:
    _confirm(intent, card.id)
    if not request.card_id:
        request.card_id, request.card_last4 = card.id, card.last4
    if request.status == FundRequestStatus.APPROVED:
        _fund_paid(request, actor, f"Virtual card ending {card.last4} issued, limited to "
                                   f"{pence_display(request.amount_pence)}")
        return
    request.save(update_fields=["card_id", "card_last4", "updated_at"])
    if request.status in (FundRequestStatus.CANCELLED, FundRequestStatus.REFUSED):
        # Stripe made the card just as the request was cancelled: it must not stay usable.
        audit_event_record(
            actor=None, action="payments.fund_card_found_after_cancel", obj=request,
            summary=f"Card ending {card.last4} was issued before the cancellation reached it; "
            "cancelling it", data={"card_id": card.id},
        )
        fund_card_cancel_ensure(fund_request=request, card_id=card.id)


def _fund_paid(request: FundRequest, actor: User | None, summary: str) -> None:
    request.status = FundRequestStatus.PAID
    request.paid_at = request.paid_at or timezone.now()
    request.payment_error = ""
    request.save()
    audit_event_record(
        actor=actor, action="payments.fund_request_paid", obj=request, summary=summary,
        data={"card_id": request.card_id, "transfer_id": request.transfer_id},
    )


# --- webhooks: is this event about what the portal asked for? ------------------------------------


@dataclass
class _TransferClaim:
    """The portal record a transfer is about, and how the portal knows."""

    payment: IncentivePayment | None
    fund_request: FundRequest | None
    intent: MoneyIntent | None
    by_id: bool  # the portal already holds this transfer id

    @property
    def subject(self):
        return self.payment or self.fund_request

    @property
    def label(self) -> str:
        return self.subject.reference

    def recorded_transfer(self) -> str:
        if self.subject.transfer_id:
            return self.subject.transfer_id
        kind = IntentKind.INCENTIVE_TRANSFER if self.payment else IntentKind.FUND_TRANSFER
        confirmed = (_intents(payment=self.payment, fund_request=self.fund_request, kind=kind)
                     .filter(state=IntentState.CONFIRMED).order_by("-created_at").first())
        return confirmed.stripe_object_id if confirmed and _still_good(confirmed) else ""

    def expected(self) -> tuple[str, int, str]:
        """(destination, pence, currency) the portal asked for, or would have."""
        if self.intent is not None:
            return self.intent.destination, self.intent.amount_pence, self.intent.currency
        if self.payment is not None:
            account = StripeAccount.objects.filter(
                employer_id=self.payment.claim.employer_id
            ).first()
            destination = account.account_id if account else ""
            return destination, self.payment.amount_pence, gateway.CURRENCY
        account = (StripeAccount.objects.filter(supplier_id=self.fund_request.supplier_id).first()
                   if self.fund_request.supplier_id else None)
        destination = account.account_id if account else ""
        return destination, self.fund_request.amount_pence, gateway.CURRENCY


def _transfer_claim(snapshot: gateway.Transfer) -> _TransferClaim | None:
    """Which record the transfer is for (its row locked): by its id if the portal holds it, else
    by what its metadata names. None when it is nothing of the portal's."""
    payment = request = None
    intent = MoneyIntent.objects.filter(
        kind__in=TRANSFER_KINDS, stripe_object_id=snapshot.id
    ).first()
    if intent is not None:
        payment, request = intent.payment, intent.fund_request
    else:
        payment = IncentivePayment.objects.filter(transfer_id=snapshot.id).first()
        request = None if payment else FundRequest.objects.filter(transfer_id=snapshot.id).first()
    if payment is None and request is None:
        named = snapshot.metadata.get("portal_incentive_payment_id", "")
        payment = (IncentivePayment.objects.filter(pk=int(named)).first()
                   if named.isdigit() else None)
        named = snapshot.metadata.get("fund_request_id", "")
        if payment is None and named.isdigit():
            request = FundRequest.objects.filter(pk=int(named)).first()
    if payment is None and request is None:
        return None
    # Lock the record, then look again: a worker may have recorded the transfer meanwhile.
    if payment is not None:
        payment = _lock_payment(payment.pk)
        kind, subject = IntentKind.INCENTIVE_TRANSFER, payment
    else:
        request = _lock_fund_request(request.pk)
        kind, subject = IntentKind.FUND_TRANSFER, request
    intent = MoneyIntent.objects.filter(kind=kind, stripe_object_id=snapshot.id).first()
    by_id = intent is not None or subject.transfer_id == snapshot.id
    if intent is None and not by_id:
        intent = money_intent_in_flight(payment=payment, fund_request=request, kind=kind)
    return _TransferClaim(payment=payment, fund_request=request, intent=intent, by_id=by_id)


def _awaiting(claim: _TransferClaim) -> bool:
    """A transfer named only by its metadata may be recorded only for a record waiting for one:
    an attempt in flight (or an approved record from before the outbox, with no intent at all)."""
    if claim.intent is not None:
        return claim.intent.state == IntentState.SENDING
    subject = claim.subject
    approved = PaymentStatus.APPROVED if claim.payment else FundRequestStatus.APPROVED
    earlier = _intents(payment=claim.payment, fund_request=claim.fund_request).exists()
    return subject.status == approved and not earlier


@dataclass(frozen=True)
class EventCheck:
    """What checking an event against the portal's own records found."""

    ours: bool  # it names one of the portal's records
    problem: str = ""  # what does not match ("" when it all does)
    payment: IncentivePayment | None = None
    fund_request: FundRequest | None = None


def transfer_event_problem(*, event: StripeEvent, snapshot: gateway.Transfer) -> EventCheck:
    """Check a transfer event against the portal's own intent. An event with a problem must
    change nothing."""
    claim = _transfer_claim(snapshot)
    if claim is None:
        return EventCheck(ours=False)
    problems = []
    account = event.payload.get("account") if isinstance(event.payload, dict) else None
    if account:
        problems.append(f"it came from the connected account {account}, not from the "
                        "portal's own Stripe account")
    live = gateway.livemode()
    if event.livemode != live or snapshot.livemode != live:
        mode = "live" if event.livemode or snapshot.livemode else "test"
        problems.append(f"it is from Stripe's {mode} mode, "
                        f"but the portal uses {'live' if live else 'test'} keys")
    if not claim.by_id:
        recorded = claim.recorded_transfer()
        if recorded:
            problems.append(f"{claim.label} was paid by transfer {recorded}")
        elif not _awaiting(claim):
            problems.append(f"the portal has not sent {claim.label} to Stripe")
    destination, amount, currency = claim.expected()
    if snapshot.destination != destination:
        problems.append(f"it went to {snapshot.destination or 'no account'}, "
                        f"not to {destination or 'the payee'}")
    if snapshot.amount_pence != amount:
        problems.append(f"it was for {pence_display(snapshot.amount_pence)}, not {pence_display(amount)}")
    if snapshot.currency != currency:
        problems.append(f"it was in {snapshot.currency.upper()}, not {currency.upper()}")
    if not problems:
        return EventCheck(ours=True)
    problem = (f"Transfer {snapshot.id} names {claim.label}, but " + "; ".join(problems)
               + ". Nothing was changed.")
    return EventCheck(ours=True, problem=problem, payment=claim.payment,
                      fund_request=claim.fund_request)


def transfer_learned(snapshot: gateway.Transfer) -> None:
    """Stripe told us of a transfer (a webhook already checked, or the sweep asking Stripe): if it
    is the portal's, record it against its intent, once. Runs in the caller's transaction."""
    claim = _transfer_claim(snapshot)
    if claim is None or (not claim.by_id and not _awaiting(claim)):
        return
    intent = claim.intent
    if intent is None:
        if claim.by_id and claim.subject.transfer_id == snapshot.id:
            _ledger_only(claim, snapshot)  # recorded before the outbox: make sure of its entry
            return
        intent = _intent_for_found_transfer(claim, snapshot)
    elif intent.state == IntentState.CONFIRMED and not _latest(intent):
        # An earlier attempt (finance has since sent the payment again): its money is in the
        # ledger, and the record has moved on to its new attempt.
        _ledger_only(claim, snapshot)
        return
    if claim.payment is not None:
        _incentive_transfer_record(claim.payment, intent, snapshot)
    else:
        _fund_transfer_record(claim.fund_request, intent, snapshot)


def _ledger_only(claim: _TransferClaim, snapshot: gateway.Transfer) -> None:
    if claim.payment is not None:
        payment = claim.payment
        ledger_entry_record(
            kind=LedgerKind.INCENTIVE_PAYMENT, amount_pence=snapshot.amount_pence, source=payment,
            stripe_object_id=snapshot.id, actor=payment.run.approved_by if payment.run_id else None,
            description=f"{payment.claim.reference} {payment.stage_name} to "
            f"{payment.claim.employer.name}",
        )
    else:
        request = claim.fund_request
        ledger_entry_record(
            kind=LedgerKind.FUND_TRANSFER, amount_pence=snapshot.amount_pence, source=request,
            stripe_object_id=snapshot.id,
            description=f"Flexible fund {request.reference} to {request.supplier}",
        )


def _intent_for_found_transfer(claim: _TransferClaim, snapshot: gateway.Transfer) -> MoneyIntent:
    """An approved record from before the outbox whose transfer Stripe reports: write its intent."""
    if claim.payment is not None:
        payment = claim.payment
        return incentive_intent_ensure(payment=payment, destination=snapshot.destination)
    request = claim.fund_request
    return fund_intent_create(fund_request=request, kind=IntentKind.FUND_TRANSFER,
                              destination=snapshot.destination, metadata=dict(snapshot.metadata))


def issuing_event_foreign(
    *, event: StripeEvent, card_id: str, currency: str = ""
) -> EventCheck | None:
    """None for an Issuing event from the portal's own Stripe account (in its mode and currency).
    Otherwise it must change nothing, and the check says whether it is about one of the portal's
    cards (then finance are shown why)."""
    problems = []
    account = event.payload.get("account") if isinstance(event.payload, dict) else None
    if account:
        problems.append(f"it came from the connected account {account}")
    if event.livemode != gateway.livemode():
        problems.append(f"it is from Stripe's {'live' if event.livemode else 'test'} mode")
    if currency and currency != gateway.CURRENCY:
        problems.append(f"it is in {currency.upper()}")
    if not problems:
        return None
    request = FundRequest.objects.filter(card_id=card_id).first() if card_id else None
    if request is None:
        return EventCheck(ours=False)
    return EventCheck(ours=True, fund_request=request, problem=(
        f"Event about the card of {request.reference}, but " + "; ".join(problems)
        + ". Nothing was changed."
    ))


def fund_request_for_card(
    card_id: str, *, card: gateway.IssuingCard | None = None
) -> FundRequest | None:
    """The fund request a card belongs to, row locked. If Stripe made the card but the portal has
    not recorded it yet (the worker died), the card's metadata names the request and its
    in-flight intent is confirmed now, so what was spent on it still reaches the ledger."""
    if not card_id:
        return None
    request = FundRequest.objects.select_for_update(of=("self",)).filter(card_id=card_id).first()
    if request is not None:
        return request
    gap = MoneyIntent.objects.filter(kind=IntentKind.FUND_CARD, state=IntentState.SENDING)
    if not gap.exists():
        return None  # no card can be in the gap: this one is not the portal's
    if card is None or not card.metadata:
        try:
            card = gateway.issuing_card_retrieve(card_id)
        except gateway.PaymentObjectMissing:
            return None
    named = card.metadata.get("fund_request_id", "")
    if not named.isdigit() or not FundRequest.objects.filter(pk=int(named)).exists():
        return None
    request = _lock_fund_request(int(named))
    intent = (MoneyIntent.objects.select_for_update(of=("self",))
              .filter(fund_request=request, kind=IntentKind.FUND_CARD, state=IntentState.SENDING)
              .first())
    if (intent is None or intent.destination != card.cardholder_id
            or intent.amount_pence != card.spending_limit_pence):
        return None
    _fund_card_record(request, intent, card)
    return request


# --- cancelling a fund request --------------------------------------------------------------------


def fund_request_cancel_money(*, fund_request: FundRequest) -> None:
    """What cancelling a request does to its money (request row locked by the caller): an attempt
    not sent yet is dropped; a card that may have been made is looked for and, if it exists,
    cancelled (through the outbox, so a failed cancel is tried again). A supplier payment that
    may be on its way cannot be undone, so the cancellation waits for it."""
    in_flight = list(MoneyIntent.objects.select_for_update(of=("self",)).filter(
        fund_request=fund_request, kind__in=(IntentKind.FUND_TRANSFER, IntentKind.FUND_CARD),
        state__in=IN_FLIGHT_STATES,
    ))
    if any(i.kind == IntentKind.FUND_TRANSFER and i.state == IntentState.SENDING
           for i in in_flight):
        raise ValidationError(
            f"The payment to {fund_request.supplier} is being made now, so the request cannot be "
            "cancelled. Try again in a few minutes."
        )
    for intent in in_flight:
        if intent.state == IntentState.PENDING:
            _cancel(intent, "The request was cancelled before anything was sent to Stripe.")
        else:  # the card may exist: find out, and cancel it if it does
            send_after_commit(intent)
    if fund_request.card_id:
        fund_card_cancel_ensure(fund_request=fund_request, card_id=fund_request.card_id)


# --- needs attention ------------------------------------------------------------------------------


def attention_flag(*, code: str, reference: str, reason: str, event: StripeEvent | None = None,
                   payment: IncentivePayment | None = None, fund_request: FundRequest | None = None,
                   amount_pence: int | None = None) -> MoneyAttention:
    """Put something on finance's "needs attention" page, once per (code, reference)."""
    item, created = MoneyAttention.objects.get_or_create(
        code=code, reference=reference[:255],
        defaults={"reason": reason, "event": event, "payment": payment,
                  "fund_request": fund_request, "amount_pence": amount_pence},
    )
    if created:
        audit_event_record(actor=None, action="payments.needs_attention", obj=item, summary=reason,
                           data={"code": code, "reference": reference})
        logger.warning("Payments need attention: %s", reason)
    return item


def attention_flag_event(
    *, event: StripeEvent, reason: str, payment: IncentivePayment | None = None,
    fund_request: FundRequest | None = None,
) -> MoneyAttention:
    data = event.data_object
    amount = data.get("amount") if isinstance(data.get("amount"), int) else None
    return attention_flag(code=AttentionCode.EVENT_MISMATCH, reference=event.event_id,
                          reason=reason, event=event, amount_pence=amount, payment=payment,
                          fund_request=fund_request)


def money_attention_resolve(*, item: MoneyAttention, actor: User, note: str) -> MoneyAttention:
    """A finance officer has looked into it and says what they did."""

    if not is_finance_officer(actor):
        raise ValidationError("Only a finance officer can do this.")
    if not (note or "").strip():
        raise ValidationError({"note": "Enter what you found and did"})
    with transaction.atomic():
        item = MoneyAttention.objects.select_for_update(of=("self",)).get(pk=item.pk)
        if item.resolved_at is not None:
            raise ValidationError("Someone has already dealt with this.")
        item.resolved_at, item.resolved_by = timezone.now(), actor
        item.resolution_note = note.strip()
        item.save()
        audit_event_record(actor=actor, action="payments.needs_attention_resolved", obj=item,
                           summary=f"Dealt with: {item.get_code_display()} ({item.reference})",
                           data={"note": note.strip()})
    return item


# --- the task that sends an intent ----------------------------------------------------------------
# Defined here, beside ``money_intent_send``, because sending one intent can queue another (a card
# found after its request was cancelled is cancelled through the outbox); a separate task module
# would import this one and be imported by it. Recovery and its tasks are in ``recovery.py`` and
# ``tasks.py``.

#: Money-moving tasks are acknowledged only once they have finished and put back on the queue if
#: the worker process is lost.
MONEY_TASK = {"acks_late": True, "reject_on_worker_lost": True}


@shared_task(
    name="brokerage.payments.outbox_tasks.money_intent_send_task",
    autoretry_for=(gateway.PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
    **MONEY_TASK,
)
def money_intent_send_task(intent_id: int) -> str:
    """Send one intent (or record what Stripe already made for it); safe to run twice."""
    try:
        intent = money_intent_send(intent_id=intent_id)
    except gateway.PaymentProviderUnavailable:
        raise
    except gateway.PaymentProviderError as exc:  # refused: recorded on the intent and its record
        return f"refused: {exc}"
    return intent.state if intent is not None else "missing"
