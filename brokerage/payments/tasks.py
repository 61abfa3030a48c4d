from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from brokerage.payments import services
from brokerage.payments.models import StripeEvent
from brokerage.payments.stripe_gateway import PaymentProviderUnavailable


@shared_task(
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
    acks_late=True, reject_on_worker_lost=True,
)
def stripe_event_handle_task(event_pk: int) -> None:
    """Handle one stored Stripe event; a duplicate or late run does nothing."""
    services.stripe_event_handle(event_pk=event_pk)


@shared_task
def stripe_event_retry_unprocessed_task() -> int:
    """Queue again the events not handled after five minutes (broker down, handler failed)."""
    cutoff = timezone.now() - timedelta(minutes=5)
    pks = list(
        StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff, attempts__lt=20)
        .order_by("received_at")
        .values_list("pk", flat=True)[:500]
    )
    for pk in pks:
        stripe_event_handle_task.delay(pk)
    return len(pks)


@shared_task(
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=3,
    acks_late=True, reject_on_worker_lost=True,
)
def stripe_transfers_sweep_task() -> int:
    """Look up incentive transfers whose webhook has not arrived after an hour."""
    return services.stripe_transfers_sweep()


@shared_task(
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
    acks_late=True, reject_on_worker_lost=True,
)
def fund_request_pay_task(fund_request_pk: int) -> None:
    """Pay an approved fund request (card or transfer); a paid or missing request is left alone.

    The Stripe call's idempotency key comes from the request id, so running this twice, or at
    the same time as the key worker's "Pay now", makes one card or one transfer.
    """
    from brokerage.payments import fund
    from brokerage.payments.models import FundRequest

    fund_request = FundRequest.objects.filter(pk=fund_request_pk).first()
    if fund_request is not None:
        fund.fund_request_pay(fund_request=fund_request)

# Employer incentives: defined in their own module, imported here so Celery registers them.
from brokerage.payments.incentive_tasks import (  # noqa: E402,F401
    incentive_claims_sync_task,
    incentive_leavers_sync_task,
    incentive_payments_check_task,
    incentive_run_execute_task,
    incentive_run_propose_task,
)

# The money outbox: sending intents, recovery from beat and at worker start (worker_ready).
from brokerage.payments.outbox_tasks import (  # noqa: E402,F401
    money_intent_send_task,
    money_intents_recover_task,
)
