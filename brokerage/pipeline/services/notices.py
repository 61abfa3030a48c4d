"""Reminders and missed checkpoints, sent by the beat: each notice once."""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.messaging.models import MessageKind
from brokerage.pipeline.models import (
    Checkpoint,
    CheckpointNotice,
    CheckpointStatus,
    NoticeKind,
    OutcomeKind,
)
from brokerage.pipeline.services.emails import (
    email_after_commit,
    employer_contact_emails,
    key_worker_emails,
)
from brokerage.pipeline.services.links import confirm_link_send
from brokerage.pipeline.services.outcomes import outcome_write
from brokerage.pipeline.services.placements import locked_checkpoint


@dataclass
class NoticeRun:
    reminders: int = 0
    confirm_requests: int = 0
    missed: int = 0


def _notice_claim(checkpoint: Checkpoint, kind: str, email: str) -> bool:
    """Claim one notice; False if it was already sent (the unique constraint decides)."""
    try:
        with transaction.atomic():
            CheckpointNotice.objects.create(checkpoint=checkpoint, kind=kind, email=email)
    except IntegrityError:
        return False
    return True


def checkpoint_notices_send(*, today: datetime.date | None = None) -> NoticeRun:
    """Send what is due today; safe to run any number of times (each notice is sent once).

    - a reminder from the reminder date (a working day before the due date) to the key worker
      and the employer;
    - from the due date, a request to the employer with a signed one-step confirmation link;
    - after the grace period, an unconfirmed checkpoint is missed: its outcome is recorded and
      the key worker is told.
    """
    today = today or timezone.localdate()
    run = NoticeRun()
    scheduled = Checkpoint.objects.filter(status=CheckpointStatus.SCHEDULED).select_related(
        "placement",
        "placement__participant",
        "placement__participant__key_worker",
        "placement__employer",
    )
    for checkpoint in scheduled.filter(remind_on__lte=today, due_on__gt=today):
        placement = checkpoint.placement
        for email in key_worker_emails(placement.participant) + employer_contact_emails(
            placement.employer_id
        ):
            with transaction.atomic():
                if not _notice_claim(checkpoint, NoticeKind.REMINDER, email):
                    continue
                email_after_commit(
                    f"Coming up: {checkpoint.name} on {checkpoint.due_on:%-d %B %Y}",
                    "pipeline/email/checkpoint_reminder.txt",
                    {
                        "checkpoint": checkpoint,
                        "placement": placement,
                        "for_employer": email not in key_worker_emails(placement.participant),
                    },
                    [email],
                    kind=MessageKind.CHECKS,
                    about=f"checkpoint:{checkpoint.pk}",
                )
                run.reminders += 1
    for checkpoint in scheduled.filter(due_on__lte=today, missed_after__gte=today):
        placement = checkpoint.placement
        for email in employer_contact_emails(placement.employer_id):
            with transaction.atomic():
                if not _notice_claim(checkpoint, NoticeKind.CONFIRM_REQUEST, email):
                    continue
                confirm_link_send(checkpoint, email, today=today)
                run.confirm_requests += 1
    for pk in list(scheduled.filter(missed_after__lt=today).values_list("pk", flat=True)):
        with transaction.atomic():
            checkpoint = locked_checkpoint(Checkpoint(pk=pk))
            if checkpoint.status != CheckpointStatus.SCHEDULED:
                continue
            checkpoint.status = CheckpointStatus.MISSED
            checkpoint.save(update_fields=["status"])
            outcome_write(
                key=f"checkpoint:{checkpoint.pk}",
                kind=OutcomeKind.CHECKPOINT_MISSED,
                placement=checkpoint.placement,
                checkpoint=checkpoint,
                measure=checkpoint.counts_as,
                occurred_on=checkpoint.due_on,
                detail=f"{checkpoint.name}: not confirmed in time"[:200],
            )
            audit_event_record(
                actor=None,
                action="pipeline.checkpoint_missed",
                obj=checkpoint,
                summary=(
                    f"{checkpoint.name} for {checkpoint.placement.participant.reference} "
                    "was not confirmed in time"
                ),
            )
            for email in key_worker_emails(checkpoint.placement.participant):
                if _notice_claim(checkpoint, NoticeKind.MISSED, email):
                    email_after_commit(
                        f"Missed: {checkpoint.name} for "
                        f"{checkpoint.placement.participant.reference}",
                        "pipeline/email/checkpoint_missed.txt",
                        {"checkpoint": checkpoint, "placement": checkpoint.placement},
                        [email],
                        kind=MessageKind.WORK,
                        about=f"checkpoint:{checkpoint.pk}",
                    )
            run.missed += 1
    return run
