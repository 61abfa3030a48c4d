"""Reads for messaging: a person's choices of how they hear, and how much partners have
contacted an employer in the current period (the contact limit, ``ContactLimit``)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from brokerage.messaging.models import (
    CHOOSABLE_KINDS,
    ContactLimit,
    Frequency,
    Message,
    MessageStatus,
    NotificationPreference,
)

COUNTED_STATUSES = [MessageStatus.QUEUED, MessageStatus.SENT, MessageStatus.DELIVERED]


def preferences_for(email: str) -> dict[str, str]:
    """Each choosable kind → the person's frequency (straight away unless they chose)."""
    chosen = dict(
        NotificationPreference.objects.filter(email=email.strip().lower()).values_list(
            "kind", "frequency"
        )
    )
    return {kind.value: chosen.get(kind.value, Frequency.IMMEDIATELY) for kind in CHOOSABLE_KINDS}


def contact_limit() -> tuple[int, int]:
    """(messages, days): how much partners together may contact one employer."""
    row = ContactLimit.objects.first()
    if row is not None:
        return row.messages, row.days
    messages, days = settings.MESSAGING_EMPLOYER_CONTACT_LIMIT
    return int(messages), int(days)


def employer_contacts_used(employer_id: int, *, now: datetime.datetime | None = None) -> int:
    """Messages partners have sent (or queued) to the employer's people in the current period."""
    _, days = contact_limit()
    since = (now or timezone.now()) - datetime.timedelta(days=days)
    return (
        Message.objects.filter(
            employer_id=employer_id, partner__isnull=False, created_at__gte=since,
            status__in=COUNTED_STATUSES,
        )
        .values("about", "subject")
        .distinct()
        .count()
    )
