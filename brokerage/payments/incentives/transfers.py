"""Paying approved incentive payments through the money outbox, once each.

``incentive_run_execute`` (from ``transfer_tasks.incentive_run_execute_task``) and recovery
(``outbox.recovery``) make each transfer through ``incentive_payment_transfer``: the payment row
locked, every check run again, the intent written down before Stripe is asked.
"""

from __future__ import annotations

import logging

from django.db import transaction

from brokerage.payments.incentives.checks import (
    _locked_payments,
    _payment_failed,
    incentive_payment_hold_if_unpayable,
)
from brokerage.payments.models import (
    IncentivePayment,
    IntentKind,
    PaymentStatus,
    StripeAccount,
)
from brokerage.payments.outbox import services as outbox
from brokerage.payments.stripe import gateway

logger = logging.getLogger(__name__)

def incentive_run_execute(*, run_id: int) -> int:
    """Make the transfers of an approved run; safe to run again or at the same time."""
    ids = list(
        IncentivePayment.objects.filter(run_id=run_id, status=PaymentStatus.APPROVED, transfer_id="")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        incentive_payment_transfer(payment_id=pk)
    return len(ids)


def incentive_payment_transfer(*, payment_id: int) -> IncentivePayment | None:
    """Pay one approved payment through Stripe, once.

    The transfer is first written down as a ``MoneyIntent`` (committed); then the intent is sent
    with the payment and intent rows locked, so a second worker waits and then finds the transfer
    recorded. If this process dies after Stripe answered, the intent is still in flight: a retry,
    or recovery, asks Stripe for it before anything new is made (see ``outbox``).
    """
    with transaction.atomic():
        payment = _locked_payments(IncentivePayment.objects.filter(pk=payment_id)).first()
        if payment is None or payment.status != PaymentStatus.APPROVED or payment.transfer_id:
            return payment
        if incentive_payment_hold_if_unpayable(payment):  # every check again, and the run's expiry
            return payment
        employer = payment.claim.employer
        account = StripeAccount.objects.filter(employer=employer).first()
        in_flight = outbox.money_intent_in_flight(
            payment=payment, kind=IntentKind.INCENTIVE_TRANSFER
        )
        if (account is None or not account.ready) and in_flight is None:
            return _payment_failed(payment, "The employer's payout account is not ready.")
        # The outbox: the transfer is written down and committed before Stripe is asked, so if
        # this process dies from here on, recovery finds it (outbox.recovery.money_intents_recover).
        intent = in_flight or outbox.incentive_intent_ensure(
            payment=payment, destination=account.account_id
        )
    try:
        outbox.money_intent_send(intent_id=intent.pk)
    except gateway.PaymentProviderUnavailable:
        raise  # the intent stays in flight; the task retries with the same key, or recovery does
    except gateway.PaymentProviderError:
        pass  # Stripe refused: recorded on the intent, and the payment has failed with the reason
    return IncentivePayment.objects.filter(pk=payment_id).first()
