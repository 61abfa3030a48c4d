"""Starts and checkpoints: the placement, its checkpoints from the programme's rules, their
confirmation, and leavers."""

import datetime
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.opportunities.models import OpportunityStatus, OpportunityType
from brokerage.pipeline.models import (
    Checkpoint,
    CheckpointRule,
    CheckpointStatus,
    ConfirmedVia,
    OutcomeKind,
    Placement,
    PlacementStatus,
    Proposal,
)
from brokerage.pipeline.services.access import is_employer_member, require_key_worker
from brokerage.pipeline.services.outcomes import outcome_write
from brokerage.pipeline.services.transitions import locked_proposal, transition_apply
from brokerage.reference import dates
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor
from portal.core.exceptions import IllegalTransition
from portal.core.formats import govuk_date

# Opportunity types that are jobs: a start is a "job start"; anything else is a "placement".
JOB_TYPES = frozenset({OpportunityType.VACANCY, OpportunityType.APPRENTICESHIP})


def placement_start(
    *,
    actor: User,
    proposal: Proposal,
    job_title: str,
    start_date: datetime.date,
    hours_per_week: Decimal,
    contract_type: str,
    pay_pence: int | None = None,
    pay_basis: str = "",
    confirm_before_opportunity_start: bool = False,
) -> Placement:
    """Record a start: the placement, its checkpoints and the start outcome, in one go.

    A start comes after an accepted offer (``TRANSITIONS``). A start date before the
    opportunity's own start date is possible (an employer may take someone on early) but is
    asked about first: without ``confirm_before_opportunity_start`` it is refused with the code
    ``before_opportunity_start``, so the page can ask.
    """
    errors: dict[str, str | ValidationError] = {}
    opportunity_starts = proposal.opportunity.start_date
    if (
        opportunity_starts
        and start_date
        and start_date < opportunity_starts
        and not confirm_before_opportunity_start
    ):
        errors["start_date"] = ValidationError(
            f"The start date is before the opportunity starts ({govuk_date(opportunity_starts)}). "
            "Check the date, or confirm that the person started early",
            code="before_opportunity_start",
        )
    if start_date > timezone.localdate():
        errors["start_date"] = (
            "The start date must be today or in the past: "
            "record the start once the person has started"
        )
    if hours_per_week is None or hours_per_week <= 0 or hours_per_week > 80:
        errors["hours_per_week"] = "Hours a week must be between 1 and 80"
    if pay_pence is not None and not pay_basis:
        errors["pay_basis"] = "Choose whether the pay is an hour, a week or a year"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        transition_apply(proposal, "start", actor=actor)  # only after an accepted offer
        opportunity = proposal.opportunity
        placement = Placement.objects.create(
            proposal=proposal,
            participant=proposal.participant,
            employer=opportunity.employer,
            opportunity=opportunity,
            programme=opportunity.programme or proposal.participant.programme,
            job_title=job_title.strip(),
            start_date=start_date,
            hours_per_week=hours_per_week,
            contract_type=contract_type,
            pay_pence=pay_pence,
            pay_basis=pay_basis,
            created_by=actor,
        )
        checkpoints = checkpoints_schedule(placement=placement)
        kind = (
            OutcomeKind.START
            if opportunity.opportunity_type in JOB_TYPES
            else OutcomeKind.PLACEMENT
        )
        outcome_write(
            key=f"{kind}:{placement.pk}",
            kind=kind,
            placement=placement,
            occurred_on=start_date,
            hours_per_week=hours_per_week,
            actor=actor,
            measure="starts" if kind == OutcomeKind.START else "placements",
        )
        _fill_place(actor, opportunity)
        _queue_incentives(placement, actor, leaver=False)
        audit_event_record(
            actor=actor, action="pipeline.started", obj=placement,
            summary=f"{proposal.participant.reference} started as {placement.job_title} on "
            f"{start_date:%-d %B %Y}; {len(checkpoints)} checkpoints scheduled",
        )
    return placement


def _queue_incentives(placement: Placement, actor: User | None, *, leaver: bool) -> None:
    """Once the start (an incentive claim, if a scheme covers it) or the leaving date (clawbacks
    of stages paid for time not worked) is committed, the payments app works out what follows,
    in a task: a problem there never undoes or fails what was recorded here, and the beat sweeps
    catch anything a lost task missed."""
    from brokerage.payments.incentives.tasks import (
        incentive_claim_for_placement_task,
        incentive_leaver_apply_task,
    )

    task = incentive_leaver_apply_task if leaver else incentive_claim_for_placement_task
    transaction.on_commit(partial(task.delay, placement.pk, actor.pk if actor else None))


def _fill_place(actor: User, opportunity) -> None:
    from brokerage.opportunities.services import opportunity_places_fill

    if (
        opportunity.status == OpportunityStatus.LIVE
        and opportunity.places_filled < opportunity.places
    ):
        opportunity_places_fill(
            actor=actor, opportunity=opportunity, places_filled=opportunity.places_filled + 1
        )


def checkpoints_schedule(*, placement: Placement) -> list[Checkpoint]:
    """Create the placement's checkpoints from its programme's active rules (idempotent)."""
    made = []
    for rule in CheckpointRule.objects.filter(programme=placement.programme, active=True):
        due = dates.checkpoint_due_on(
            placement.start_date, months=rule.offset_months, days=rule.offset_days
        )
        checkpoint, _ = Checkpoint.objects.get_or_create(
            placement=placement, rule=rule,
            defaults={
                "name": rule.name, "kind": rule.kind, "counts_as": rule.counts_as,
                "min_hours": rule.min_hours, "due_on": due,
                "remind_on": dates.reminder_on(due, rule.reminder_days_before),
                "missed_after": due + datetime.timedelta(days=rule.grace_days),
            },
        )
        made.append(checkpoint)
    return made


def locked_checkpoint(checkpoint: Checkpoint) -> Checkpoint:
    return (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__participant", "placement__participant__area",
                        "placement__employer", "placement__opportunity", "placement__programme")
        .get(pk=checkpoint.pk)
    )


def checkpoint_confirm(
    *, actor: User | None, checkpoint: Checkpoint, still_employed: bool, hours_per_week: Decimal | None = None,
    left_on: datetime.date | None = None, leaving_reason: str = "", via: str, evidence: str = "",
) -> Checkpoint:
    """Confirm a checkpoint: still employed at N hours a week (met if N is enough), or left.

    ``via`` says who confirmed: the employer from the emailed link (``actor`` is None) or signed
    in, or the key worker with evidence. A checkpoint can be confirmed once, from its due date.
    """
    today = timezone.localdate()
    errors = {}
    if still_employed:
        if hours_per_week is None or hours_per_week <= 0 or hours_per_week > 80:
            errors["hours_per_week"] = "Enter the hours a week they work now, between 1 and 80"
    else:
        if left_on is None:
            errors["left_on"] = "Enter the date they left"
        elif left_on > today:
            errors["left_on"] = "The date they left must be today or in the past"
    if via == ConfirmedVia.KEY_WORKER_EVIDENCE and not evidence.strip():
        errors["evidence"] = "Describe the evidence, for example a payslip dated after the due date"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        checkpoint = locked_checkpoint(checkpoint)
        placement = checkpoint.placement
        if via == ConfirmedVia.KEY_WORKER_EVIDENCE:
            require_key_worker(actor, placement.participant)
        elif via == ConfirmedVia.EMPLOYER_DASHBOARD and not is_employer_member(
            actor, placement.employer_id
        ):
            raise ValidationError("You cannot confirm this checkpoint")
        if checkpoint.status != CheckpointStatus.SCHEDULED:
            raise IllegalTransition(
                "This checkpoint has already been "
                f"recorded: {checkpoint.get_status_display().lower()}"
            )
        if checkpoint.due_on > today:
            raise IllegalTransition(
                f"You can confirm this from {checkpoint.due_on:%-d %B %Y}, when it is due"
            )
        left = None if still_employed else left_on  # checked above: a date when they left
        if left is not None and left < placement.start_date:
            raise ValidationError(
                {"left_on": "The date they left must be on or after their start date"}
            )
        checkpoint.still_employed = still_employed
        checkpoint.hours_per_week = hours_per_week if still_employed else None
        checkpoint.evidence = evidence.strip()
        checkpoint.confirmed_via = via
        checkpoint.confirmed_by = recorded_actor(actor)
        checkpoint.confirmed_at = timezone.now()
        enough_hours = checkpoint.min_hours is None or (hours_per_week or 0) >= checkpoint.min_hours
        checkpoint.status = (
            CheckpointStatus.MET if still_employed and enough_hours else CheckpointStatus.NOT_MET
        )
        checkpoint.save()
        if checkpoint.status == CheckpointStatus.MET:
            kind, detail = OutcomeKind.CHECKPOINT_MET, checkpoint.name
        else:
            why = (
                "Left work"
                if not still_employed
                else f"Working {hours_per_week} hours, below {checkpoint.min_hours}"
            )
            kind, detail = OutcomeKind.CHECKPOINT_MISSED, f"{checkpoint.name}: {why}"[:200]
        outcome_write(
            key=f"checkpoint:{checkpoint.pk}", kind=kind, placement=placement,
            checkpoint=checkpoint, measure=checkpoint.counts_as, occurred_on=checkpoint.due_on,
            hours_per_week=hours_per_week, actor=actor, detail=detail,
        )
        audit_event_record(
            actor=actor,
            action="pipeline.checkpoint_confirmed",
            obj=checkpoint,
            summary=f"{checkpoint.name} for {placement.participant.reference}: "
            f"{checkpoint.get_status_display()} ({checkpoint.get_confirmed_via_display()})",
            acting_for=placement.employer.name if via == ConfirmedVia.EMAIL_LINK else "",
        )
        if left is not None:
            _placement_leave(
                actor=actor, placement=placement, left_on=left,
                reason=leaving_reason or "Reported when confirming a checkpoint",
            )
    return checkpoint


def _placement_leave(
    *, actor: User | None, placement: Placement, left_on: datetime.date, reason: str
) -> Placement:
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("participant", "participant__area", "employer", "opportunity", "programme")
        .get(pk=placement.pk)
    )
    if placement.status == PlacementStatus.LEFT:
        raise IllegalTransition(
            f"A leaving date has already been recorded ({placement.left_on:%-d %B %Y})"
        )
    placement.status = PlacementStatus.LEFT
    placement.left_on = left_on
    placement.leaving_reason = reason.strip()
    placement.save()
    placement.checkpoints.filter(status=CheckpointStatus.SCHEDULED, due_on__gt=left_on).update(
        status=CheckpointStatus.CANCELLED
    )
    outcome_write(
        key=f"leaver:{placement.pk}",
        kind=OutcomeKind.LEAVER,
        placement=placement,
        occurred_on=left_on,
        actor=actor,
        detail=placement.leaving_reason[:200],
    )
    _queue_incentives(placement, actor, leaver=True)
    audit_event_record(actor=actor, action="pipeline.left", obj=placement,
                       summary=f"{placement.participant.reference} left on {left_on:%-d %B %Y}",
                       data={"reason": placement.leaving_reason})
    return placement


def placement_leave(
    *, actor: User, placement: Placement, left_on: datetime.date, reason: str
) -> Placement:
    """Record a leaver: later checkpoints are cancelled and a leaver outcome is written."""
    require_key_worker(actor, placement.participant)
    errors = {}
    if left_on is None:
        errors["left_on"] = "Enter the date they left"
    elif left_on > timezone.localdate():
        errors["left_on"] = "The date they left must be today or in the past"
    elif left_on < placement.start_date:
        errors["left_on"] = "The date they left must be on or after their start date"
    if not reason.strip():
        errors["reason"] = "Enter why they left"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _placement_leave(actor=actor, placement=placement, left_on=left_on, reason=reason)
