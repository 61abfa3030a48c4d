"""Celery tasks for Stripe webhooks: handling a stored event, the retry sweep, and looking up
transfers whose webhook never came."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from brokerage.payments.models import StripeEvent
from brokerage.payments.stripe import webhooks
from brokerage.payments.stripe.gateway import PaymentProviderUnavailable


@shared_task(
    name="brokerage.payments.tasks.stripe_event_handle_task",
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=8,
    acks_late=True, reject_on_worker_lost=True,
)
def stripe_event_handle_task(event_pk: int) -> None:
    """Handle one stored Stripe event; a duplicate or late run does nothing."""
    webhooks.stripe_event_handle(event_pk=event_pk)


@shared_task(name="brokerage.payments.tasks.stripe_event_retry_unprocessed_task")
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
    name="brokerage.payments.tasks.stripe_transfers_sweep_task",
    autoretry_for=(PaymentProviderUnavailable,), retry_backoff=True, max_retries=3,
    acks_late=True, reject_on_worker_lost=True,
)
def stripe_transfers_sweep_task() -> int:
    """Look up incentive transfers whose webhook has not arrived after an hour."""
    return webhooks.stripe_transfers_sweep()
