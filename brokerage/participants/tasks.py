"""Celery tasks: take ids, call a service, safe to run twice."""

import datetime
from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from brokerage.messaging.models import MessageKind
from brokerage.messaging.services import message_send
from brokerage.participants import imports
from brokerage.participants.models import Participant
from brokerage.participants.selectors import participants_needing_contact


@shared_task
def referral_import_validate_task(import_id: int) -> None:
    imports.referral_import_validate(import_id=import_id)


@shared_task
def referral_import_run_task(import_id: int) -> None:
    imports.referral_import_run(import_id=import_id)


@shared_task
def referral_imports_expire_task() -> int:
    return imports.referral_imports_expire()


@shared_task
def contact_reminders_send_task() -> int:
    """Email each key worker the participants they hold with no contact for a week or more.

    Each participant is included at most once a week (``contact_reminder_sent_on``), so running
    the task twice sends nothing new.
    """
    today = timezone.localdate()
    week_ago = today - datetime.timedelta(days=6)
    due = participants_needing_contact().filter(
        Q(contact_reminder_sent_on__isnull=True) | Q(contact_reminder_sent_on__lt=week_ago)
    )
    by_worker: dict = defaultdict(list)
    for participant in due.order_by("last_contact_at", "id"):
        by_worker[participant.key_worker].append(participant)
    sent = 0
    for worker, people in by_worker.items():
        with transaction.atomic():
            ids = [p.pk for p in people]
            claimed = Participant.objects.filter(pk__in=ids).filter(
                Q(contact_reminder_sent_on__isnull=True) | Q(contact_reminder_sent_on__lt=week_ago)
            ).update(contact_reminder_sent_on=today)
            if not claimed:
                continue
            context = {"worker": worker, "people": people, "site_url": settings.PORTAL_BASE_URL}
            body = render_to_string("participants/email/contact_reminder.txt", context)
            count = len(people)
            subject = f"{count} participant{'s' if count != 1 else ''} with no contact for a week"
            message_send(
                kind=MessageKind.WORK, template="participants/contact_reminder",
                recipients=[worker.email], subject=subject, body=body,
            )
            sent += 1
    return sent
