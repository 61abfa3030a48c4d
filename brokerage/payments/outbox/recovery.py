"""Recovery for the money outbox: finish what was started.

Approved incentive payments never handed to a worker, and every intent left in flight, are sent
(or looked up in Stripe) again; an intent tried too often is flagged for finance. Runs from beat
every few minutes and when a worker starts (``tasks.py``). States: ``outbox/services.py``.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from brokerage.payments.incentives.transfers import incentive_payment_transfer
from brokerage.payments.models import (
    IN_FLIGHT_STATES,
    AttentionCode,
    IncentivePayment,
    MoneyIntent,
    PaymentStatus,
)
from brokerage.payments.outbox.services import (
    RECOVER_AFTER,
    STUCK_AFTER_ATTEMPTS,
    attention_flag,
    money_intent_send,
)
from brokerage.payments.stripe import gateway

logger = logging.getLogger(__name__)

# --- recovery -------------------------------------------------------------------------------------


def _free(intent_id: int) -> bool:
    """Not held by a live worker right now (PostgreSQL; SQLite has no row locks)."""
    with transaction.atomic():
        return MoneyIntent.objects.select_for_update(skip_locked=True).filter(pk=intent_id).exists()


def money_intents_recover(
    *, now: datetime.datetime | None = None, grace: datetime.timedelta = RECOVER_AFTER,
    limit: int = 100,
) -> int:
    """Finish what was started: approved payments never handed to a worker, and every intent left
    in flight. Safe to run at any time, on many workers at once. Returns the number attempted."""

    now = now or timezone.now()
    cutoff = now - grace
    attempted = 0
    stranded = list(
        IncentivePayment.objects
        .filter(status=PaymentStatus.APPROVED, transfer_id="", updated_at__lte=cutoff)
        .exclude(money_intents__state__in=IN_FLIGHT_STATES)
        .order_by("updated_at").values_list("pk", flat=True)[:limit]
    )
    for pk in stranded:
        attempted += 1
        try:
            incentive_payment_transfer(payment_id=pk)
        except gateway.PaymentProviderError as exc:
            logger.warning("Recovery could not pay incentive payment %s yet: %s", pk, exc)
    waiting = list(
        MoneyIntent.objects.filter(state__in=IN_FLIGHT_STATES, updated_at__lte=cutoff)
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )
    for pk in waiting:
        if not _free(pk):
            continue
        attempted += 1
        try:
            money_intent_send(intent_id=pk, now=now)
        except gateway.PaymentProviderError as exc:
            logger.warning("Recovery could not finish money intent %s yet: %s", pk, exc)
        _flag_if_stuck(pk)
    return attempted


def _flag_if_stuck(intent_id: int) -> None:
    intent = MoneyIntent.objects.filter(
        pk=intent_id, state__in=IN_FLIGHT_STATES, attempts__gte=STUCK_AFTER_ATTEMPTS
    ).first()
    if intent is None:
        return
    what = intent.get_kind_display().lower()
    attention_flag(
        code=AttentionCode.STUCK, reference=intent.idempotency_key,
        payment=intent.payment, fund_request=intent.fund_request,
        amount_pence=intent.amount_pence or None,
        reason=f"The {what} for {intent.subject_label} is still not settled with Stripe after "
        f"{intent.attempts} attempts (last: {intent.last_error or 'no answer'}). The portal keeps "
        "trying; check Stripe's status and the payment in the Stripe dashboard.",
    )
