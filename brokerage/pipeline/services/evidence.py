"""The sustainment evidence ladder: how a due check gets confirmed when the employer is silent.

For each check from its due date, the portal tries in order, moving up a rung after
``CHECKPOINT_EVIDENCE_WAIT_DAYS`` without an answer (the daily beat, ``evidence_ladder_run``):

1. the employer's signed one-step link (emailed by ``notices.checkpoint_notices_send``);
2. a text to the participant: "Reply YES if you are still working at …" — the reply comes back
   through Notify's received-text callback (``checkpoint_text_reply``); skipped with no number;
3. a task for the key worker to phone the participant, the outcome recorded on a page
   (``checkpoint_call_record``);
4. a payslip, uploaded by the key worker as a private file (``checkpoint_payslip_record``).

Whoever confirms, the check records who and how (``Checkpoint.confirmed_via``,
``confirmed_by``, ``evidence``); an incentive stage pays only on the evidence its scheme accepts
(``IncentiveStage.accepted_evidence``). After the grace period an unconfirmed check is missed
as before.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.messaging.models import Channel, MessageKind
from brokerage.messaging.services import message_send
from brokerage.pipeline.models import Checkpoint, CheckpointStatus, ConfirmedVia, EvidenceRung
from brokerage.pipeline.services.access import require_key_worker
from brokerage.pipeline.services.emails import email_after_commit, key_worker_emails
from brokerage.pipeline.services.placements import checkpoint_confirm, locked_checkpoint
from portal.accounts.models import User
from portal.core.files import FileRule, private_file_delete, private_file_replace
from portal.core.formats import govuk_datetime

LADDER: list[str] = [
    EvidenceRung.EMPLOYER_LINK,
    EvidenceRung.PARTICIPANT_TEXT,
    EvidenceRung.KEY_WORKER_CALL,
    EvidenceRung.PAYSLIP,
]
PAYSLIP_RULE = FileRule(noun="payslip")


@dataclass
class LadderRun:
    started: int = 0
    texts: int = 0
    calls: int = 0
    payslips: int = 0


def _wait() -> datetime.timedelta:
    return datetime.timedelta(days=settings.CHECKPOINT_EVIDENCE_WAIT_DAYS)


def _next_rung(checkpoint: Checkpoint) -> str | None:
    position = LADDER.index(checkpoint.evidence_rung) if checkpoint.evidence_rung else -1
    for rung in LADDER[position + 1:]:
        if rung == EvidenceRung.PARTICIPANT_TEXT and not checkpoint.placement.participant.phone:
            continue  # no number to text
        return rung
    return None


def _ask(checkpoint: Checkpoint, rung: str, *, today: datetime.date) -> None:
    """Move ``checkpoint`` (locked) to ``rung`` and ask whoever that rung asks."""
    placement = checkpoint.placement
    participant = placement.participant
    checkpoint.evidence_rung = rung
    checkpoint.evidence_rung_since = today
    checkpoint.save(update_fields=["evidence_rung", "evidence_rung_since"])
    if rung == EvidenceRung.PARTICIPANT_TEXT:
        message_send(
            kind=MessageKind.CHECKS,
            channel=Channel.SMS,
            template="pipeline/checkpoint_text",
            recipients=[participant.phone],
            body=render_to_string(
                "pipeline/sms/checkpoint_text.txt",
                {"participant": participant, "placement": placement},
            ).strip(),
            about=f"checkpoint:{checkpoint.pk}",
        )
    elif rung in (EvidenceRung.KEY_WORKER_CALL, EvidenceRung.PAYSLIP):
        name = "checkpoint_call" if rung == EvidenceRung.KEY_WORKER_CALL else "checkpoint_payslip"
        email_after_commit(
            (f"Please phone {participant.reference}: {checkpoint.name} is not confirmed"
             if rung == EvidenceRung.KEY_WORKER_CALL
             else f"Payslip needed: {checkpoint.name} for {participant.reference}"),
            f"pipeline/email/{name}.txt",
            {
                "checkpoint": checkpoint,
                "placement": placement,
                "link": settings.PORTAL_BASE_URL
                + reverse(f"pipeline:{name}", args=[checkpoint.pk]),
            },
            key_worker_emails(participant),
            kind=MessageKind.WORK,
            about=f"checkpoint:{checkpoint.pk}",
        )
    audit_event_record(
        actor=None,
        action="pipeline.checkpoint_evidence_asked",
        obj=checkpoint,
        summary=f"{checkpoint.name} for {participant.reference}: "
        f"{EvidenceRung(rung).label.lower()}",
    )


def evidence_ladder_run(*, today: datetime.date | None = None) -> LadderRun:
    """Move each due, unconfirmed check up the ladder when its rung has waited long enough.

    Safe to run any number of times a day: a rung is climbed once, from its date.
    """
    today = today or timezone.localdate()
    run = LadderRun()
    due = Checkpoint.objects.filter(
        status=CheckpointStatus.SCHEDULED, due_on__lte=today, missed_after__gte=today
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            checkpoint = locked_checkpoint(Checkpoint(pk=pk))
            if checkpoint.status != CheckpointStatus.SCHEDULED:
                continue
            if not checkpoint.evidence_rung:
                # The employer's link goes out with today's notices (notices.py).
                checkpoint.evidence_rung = EvidenceRung.EMPLOYER_LINK
                checkpoint.evidence_rung_since = today
                checkpoint.save(update_fields=["evidence_rung", "evidence_rung_since"])
                run.started += 1
                continue
            since = checkpoint.evidence_rung_since or today
            if since + _wait() > today:
                continue
            rung = _next_rung(checkpoint)
            if rung is None:
                continue  # on the last rung: missed after the grace period
            _ask(checkpoint, rung, today=today)
            if rung == EvidenceRung.PARTICIPANT_TEXT:
                run.texts += 1
            elif rung == EvidenceRung.KEY_WORKER_CALL:
                run.calls += 1
            else:
                run.payslips += 1
    return run


# --- the participant's text reply -----------------------------------------------------------


def checkpoint_text_reply(*, inbound, message) -> str:
    """A reply to the "still working?" text (Notify's received-text callback). Returns what was
    done. YES confirms the check; NO (or anything else) asks the key worker to call."""
    checkpoint_id = int(message.about.split(":", 1)[1])
    checkpoint = Checkpoint.objects.filter(pk=checkpoint_id).select_related("placement").first()
    if checkpoint is None or checkpoint.status != CheckpointStatus.SCHEDULED:
        return "The check was already recorded"
    words = inbound.content.strip().lower()
    if words.startswith(("yes", "y ")) or words == "y":
        try:
            checkpoint_confirm(
                actor=None, checkpoint=checkpoint, still_employed=True,
                hours_per_week=checkpoint.placement.hours_per_week,
                via=ConfirmedVia.PARTICIPANT_TEXT,
                evidence=f"Text reply “{inbound.content.strip()[:100]}” from "
                f"{inbound.source_number} on {govuk_datetime(inbound.received_at)}",
            )
        except ValidationError as exc:
            return "Not recorded: " + " ".join(exc.messages)
        return f"Confirmed {checkpoint.name} (checkpoint {checkpoint.pk})"
    with transaction.atomic():
        checkpoint = locked_checkpoint(checkpoint)
        if checkpoint.evidence_rung in (EvidenceRung.KEY_WORKER_CALL, EvidenceRung.PAYSLIP):
            return "The key worker is already asked to follow this up"
        _ask(checkpoint, EvidenceRung.KEY_WORKER_CALL, today=timezone.localdate())
    return f"The participant did not say yes: the key worker is asked to call ({checkpoint.pk})"


# --- the key worker's call and the payslip --------------------------------------------------


def checkpoint_call_record(
    *, actor: User, checkpoint: Checkpoint, reached: bool, still_employed: bool | None = None,
    hours_per_week: Decimal | None = None, left_on: datetime.date | None = None,
    leaving_reason: str = "", notes: str = "",
) -> Checkpoint:
    """The outcome of the key worker's call: confirmed (or left), or not reached — then the
    ladder moves on to asking for a payslip."""
    require_key_worker(actor, checkpoint.placement.participant)
    if reached:
        if still_employed is None:
            raise ValidationError({"still_employed": "Say whether they still work there"})
        return checkpoint_confirm(
            actor=actor, checkpoint=checkpoint, still_employed=still_employed,
            hours_per_week=hours_per_week, left_on=left_on, leaving_reason=leaving_reason,
            via=ConfirmedVia.KEY_WORKER_CALL,
            evidence=("Phoned the participant. " + notes.strip()).strip(),
        )
    with transaction.atomic():
        checkpoint = locked_checkpoint(checkpoint)
        if checkpoint.status != CheckpointStatus.SCHEDULED:
            raise ValidationError("This checkpoint has already been recorded")
        audit_event_record(
            actor=actor,
            action="pipeline.checkpoint_call_unanswered",
            obj=checkpoint,
            summary=f"Could not reach {checkpoint.placement.participant.reference} about "
            f"{checkpoint.name}" + (f": {notes.strip()}" if notes.strip() else ""),
        )
        if checkpoint.evidence_rung != EvidenceRung.PAYSLIP:
            _ask(checkpoint, EvidenceRung.PAYSLIP, today=timezone.localdate())
    return checkpoint


def checkpoint_payslip_record(
    *, actor: User, checkpoint: Checkpoint, upload, hours_per_week: Decimal | None
) -> Checkpoint:
    """Confirm a check with a payslip the key worker uploads (kept as a private file)."""
    require_key_worker(actor, checkpoint.placement.participant)
    stored = ""
    try:
        with transaction.atomic():
            locked = locked_checkpoint(checkpoint)
            if locked.status != CheckpointStatus.SCHEDULED:
                raise ValidationError("This checkpoint has already been recorded")
            try:
                stored = private_file_replace(
                    instance=locked, field_name="payslip", upload=upload, rule=PAYSLIP_RULE
                )
            except ValidationError as exc:
                raise ValidationError({"payslip": exc.messages}) from exc
            locked.save(update_fields=["payslip"])
            return checkpoint_confirm(
                actor=actor, checkpoint=locked, still_employed=True,
                hours_per_week=hours_per_week, via=ConfirmedVia.PAYSLIP,
                evidence=f"Payslip uploaded by {actor.email}",
            )
    except BaseException:
        if stored:  # nothing was recorded: the payslip must not linger
            private_file_delete(storage=Checkpoint._meta.get_field("payslip").storage, name=stored)
        raise
