"""Stripe webhook events in: each verified event stored once by its id, and its handling queued
(``tasks.stripe_event_handle_task`` runs ``webhooks.stripe_event_handle``).
"""

from __future__ import annotations

import logging

from django.db import transaction

from brokerage.payments.models import (
    StripeEvent,
)
from brokerage.payments.stripe import gateway
from brokerage.payments.stripe.tasks import stripe_event_handle_task

logger = logging.getLogger(__name__)

# --- webhooks ---------------------------------------------------------------------------------


def stripe_event_receive(*, event: gateway.WebhookEvent) -> tuple[StripeEvent, bool]:
    """Store a verified event once by its id and queue its handling. Returns (event, is_new)."""

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
