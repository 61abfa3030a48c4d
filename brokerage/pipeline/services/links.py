"""Signed confirmation links: the employer confirms a checkpoint in one step from an email.

A link is single-use, signed and expires after ``LINK_MAX_AGE``; a newer link for the same
checkpoint replaces the older ones.
"""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.messaging.models import MessageKind
from brokerage.pipeline.models import Checkpoint, CheckpointLink, CheckpointStatus, ConfirmedVia
from brokerage.pipeline.services.access import require_key_worker
from brokerage.pipeline.services.emails import email_after_commit, employer_contact_emails
from brokerage.pipeline.services.placements import checkpoint_confirm, locked_checkpoint
from portal.accounts.models import User
from portal.core.exceptions import IllegalTransition

LINK_SALT = "pipeline.checkpoint-confirm"
LINK_MAX_AGE = datetime.timedelta(days=14)


class LinkProblem(Exception):
    """A checkpoint link that cannot be used. ``reason``: invalid, expired, replaced or done."""

    def __init__(self, reason: str, checkpoint: Checkpoint | None = None):
        super().__init__(reason)
        self.reason = reason
        self.checkpoint = checkpoint


def checkpoint_link_create(*, checkpoint: Checkpoint, email: str) -> str:
    """A new single-use, signed, expiring link token for ``email`` to confirm ``checkpoint``."""
    nonce = secrets.token_hex(16)
    CheckpointLink.objects.create(checkpoint=checkpoint, nonce=nonce, email=email)
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{checkpoint.pk}:{nonce}")


def checkpoint_link_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("pipeline:checkpoint_link", args=[token])


def confirm_link_send(checkpoint: Checkpoint, email: str, *, today: datetime.date) -> None:
    """A new link for ``email``, emailed once the transaction commits."""
    placement = checkpoint.placement
    token = checkpoint_link_create(checkpoint=checkpoint, email=email)
    email_after_commit(
        "Please confirm: is "
        f"{placement.participant.first_name or 'your new starter'} still working for you?",
        "pipeline/email/checkpoint_confirm.txt",
        {
            "checkpoint": checkpoint,
            "placement": placement,
            "link": checkpoint_link_url(token),
            "expires_on": today + LINK_MAX_AGE,
        },
        [email],
        kind=MessageKind.CHECKS,
        about=f"checkpoint:{checkpoint.pk}",
    )


def checkpoint_link_resolve(token: str) -> CheckpointLink:
    """The link behind ``token``, or ``LinkProblem`` (invalid, expired, replaced or done)."""
    try:
        value = signing.TimestampSigner(salt=LINK_SALT).unsign(token, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkProblem("expired") from None
    except signing.BadSignature:
        raise LinkProblem("invalid") from None
    checkpoint_id, _, nonce = value.partition(":")
    link = (
        CheckpointLink.objects.select_related(
            "checkpoint", "checkpoint__placement", "checkpoint__placement__participant",
            "checkpoint__placement__employer",
        )
        .filter(checkpoint_id=checkpoint_id, nonce=nonce)
        .first()
    )
    if link is None:
        raise LinkProblem("invalid")
    if link.checkpoint.status != CheckpointStatus.SCHEDULED:
        raise LinkProblem("done", link.checkpoint)
    if link.used_at is not None:  # the checkpoint is still open: a newer link replaced this one
        raise LinkProblem("replaced", link.checkpoint)
    return link


def checkpoint_confirm_from_link(
    *, token: str, still_employed: bool, hours_per_week=None, left_on=None, leaving_reason: str = ""
) -> Checkpoint:
    with transaction.atomic():
        link = checkpoint_link_resolve(token)
        claimed = CheckpointLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not claimed:
            raise LinkProblem("done", link.checkpoint)
        return checkpoint_confirm(
            actor=None, checkpoint=link.checkpoint, still_employed=still_employed,
            hours_per_week=hours_per_week, left_on=left_on, leaving_reason=leaving_reason,
            via=ConfirmedVia.EMAIL_LINK,
        )


def checkpoint_link_resend(*, actor: User, checkpoint: Checkpoint) -> int:
    """The key worker sends the employer a fresh confirmation link (e.g. the first expired).

    Earlier unused links stop working, so only the newest can be used. Returns emails sent.
    """
    require_key_worker(actor, checkpoint.placement.participant)
    emails = employer_contact_emails(checkpoint.placement.employer_id)
    if not emails:
        raise ValidationError("Nobody at this employer has an account to send the link to")
    with transaction.atomic():
        # Locked, so a confirmation arriving meanwhile is seen and no link outlives it.
        checkpoint = locked_checkpoint(checkpoint)
        placement = checkpoint.placement
        if checkpoint.status != CheckpointStatus.SCHEDULED:
            raise IllegalTransition("This checkpoint has already been recorded")
        if checkpoint.due_on > timezone.localdate():
            raise IllegalTransition(
                f"The employer can confirm this from {checkpoint.due_on:%-d %B %Y}"
            )
        checkpoint.links.filter(used_at__isnull=True).update(used_at=timezone.now())
        for email in emails:
            confirm_link_send(checkpoint, email, today=timezone.localdate())
        audit_event_record(
            actor=actor,
            action="pipeline.checkpoint_link_resent",
            obj=checkpoint,
            summary=(
                f"New confirmation link for {checkpoint.name} sent to {placement.employer.name}"
            ),
        )
    return len(emails)
