"""Changes in the pipeline. Each function owns its transaction and writes an audit event.

Proposal statuses move only through ``TRANSITIONS``: anything else raises
``IllegalTransition`` with a message a person can read, whatever the page showed. Emails go
after the transaction commits. Facts that reporting and payments count are written once as
``OutcomeRecord`` rows (keyed, so nothing is double counted).
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.employers.models import EmployerMembership, MembershipRole
from brokerage.opportunities.models import OpportunityStatus, OpportunityType
from brokerage.participants.selectors import participants_for_user, profile_is_shareable
from brokerage.pipeline import schedule
from brokerage.pipeline.models import (
    OPEN_STATUSES,
    Checkpoint,
    CheckpointLink,
    CheckpointNotice,
    CheckpointRule,
    CheckpointStatus,
    ConfirmedVia,
    Interview,
    MentoringAgreement,
    MentoringContact,
    MentoringStatus,
    MentorProfile,
    NoticeKind,
    OutcomeKind,
    OutcomeRecord,
    Placement,
    PlacementStatus,
    Progression,
    Proposal,
    ProposalEvent,
    ProposalQuestion,
    ProposalStatus,
    RouteWayCompletion,
    SupportContact,
)
from portal.accounts.roles import Role

S = ProposalStatus
EMPLOYER, KEY_WORKER = "employer", "key_worker"

# action -> (statuses it may start from, status it ends in, who may take it, reason required)
TRANSITIONS: dict[str, tuple[frozenset[str], str, frozenset[str], bool]] = {
    "open": (frozenset({S.PROPOSED}), S.WITH_EMPLOYER, frozenset({EMPLOYER}), False),
    "book_interview": (frozenset({S.PROPOSED, S.WITH_EMPLOYER}), S.INTERVIEW_BOOKED, frozenset({EMPLOYER}), False),
    "decline": (
        frozenset({S.PROPOSED, S.WITH_EMPLOYER, S.INTERVIEW_BOOKED, S.INTERVIEWED}),
        S.DECLINED, frozenset({EMPLOYER}), True,
    ),
    "interviewed": (frozenset({S.INTERVIEW_BOOKED}), S.INTERVIEWED, frozenset({EMPLOYER, KEY_WORKER}), False),
    "no_show": (frozenset({S.INTERVIEW_BOOKED}), S.NO_SHOW, frozenset({EMPLOYER, KEY_WORKER}), True),
    "offer": (frozenset({S.INTERVIEWED}), S.OFFERED, frozenset({EMPLOYER}), False),
    "accept": (frozenset({S.OFFERED}), S.ACCEPTED, frozenset({KEY_WORKER}), False),
    "refuse_offer": (frozenset({S.OFFERED}), S.OFFER_REFUSED, frozenset({KEY_WORKER}), True),
    "start": (frozenset({S.ACCEPTED}), S.STARTED, frozenset({KEY_WORKER}), False),
    "withdraw": (
        frozenset({S.PROPOSED, S.WITH_EMPLOYER, S.INTERVIEW_BOOKED, S.INTERVIEWED, S.OFFERED, S.ACCEPTED}),
        S.WITHDRAWN, frozenset({KEY_WORKER}), True,
    ),
}
ACTION_VERBS = {
    "open": "open",
    "book_interview": "book an interview for",
    "decline": "decline",
    "interviewed": "record an interview for",
    "no_show": "record a missed interview for",
    "offer": "make an offer on",
    "accept": "record acceptance of",
    "refuse_offer": "record a refused offer on",
    "start": "record a start on",
    "withdraw": "withdraw",
}
# Opportunity types that are jobs: a start is a "job start"; anything else is a "placement".
JOB_TYPES = frozenset({OpportunityType.VACANCY, OpportunityType.APPRENTICESHIP})
LINK_SALT = "pipeline.checkpoint-confirm"
LINK_MAX_AGE = datetime.timedelta(days=14)


class IllegalTransition(ValidationError):
    """A status change the pipeline does not allow."""


class LinkProblem(Exception):
    """A checkpoint link that cannot be used. ``reason``: invalid, expired, replaced or done."""

    def __init__(self, reason: str, checkpoint: Checkpoint | None = None):
        super().__init__(reason)
        self.reason = reason
        self.checkpoint = checkpoint


# --- who may act -------------------------------------------------------------------------------


def is_employer_member(user, employer_id: int) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and EmployerMembership.objects.filter(user=user, employer_id=employer_id).exists()
    )


def can_act_for_participant(user, participant) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_role(Role.KEY_WORKER, Role.COORDINATOR)
        and participants_for_user(user).filter(pk=participant.pk).exists()
    )


def _side(actor, proposal: Proposal) -> set[str]:
    sides = set()
    if is_employer_member(actor, proposal.opportunity.employer_id):
        sides.add(EMPLOYER)
    if can_act_for_participant(actor, proposal.participant):
        sides.add(KEY_WORKER)
    return sides


def _require_key_worker(actor, participant) -> None:
    if not can_act_for_participant(actor, participant):
        raise ValidationError("You cannot act for this participant")


# --- helpers ----------------------------------------------------------------------------------


def _after_commit_email(subject: str, template: str, context: dict, recipients: list[str]) -> None:
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return
    body = render_to_string(template, {**context, "site_url": settings.PORTAL_BASE_URL})
    transaction.on_commit(partial(send_mail, subject, body, None, recipients))


def employer_contact_emails(employer_id: int) -> list[str]:
    """Who hears about a candidate or a checkpoint: the organisation's admins (else everyone)."""
    members = EmployerMembership.objects.filter(employer_id=employer_id, user__is_active=True)
    admins = [m.user.email for m in members.filter(role=MembershipRole.ADMIN).select_related("user")]
    return admins or [m.user.email for m in members.select_related("user")]


def _key_worker_emails(participant) -> list[str]:
    return [participant.key_worker.email] if participant.key_worker_id else []


def _locked_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("participant", "participant__key_worker", "opportunity", "opportunity__employer")
        .get(pk=proposal.pk)
    )


def _transition(proposal: Proposal, action: str, *, actor, reason: str = "", system: bool = False) -> ProposalEvent:
    allowed_from, to_status, who, reason_required = TRANSITIONS[action]
    if not system and not (_side(actor, proposal) & who):
        raise ValidationError(f"You cannot {ACTION_VERBS[action]} this candidate")
    if proposal.status not in allowed_from:
        raise IllegalTransition(
            f"You cannot {ACTION_VERBS[action]} a candidate whose status is "
            f"‘{proposal.get_status_display().lower()}’"
        )
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError({"reason": "Enter a reason"})
    from_status = proposal.status
    proposal.status = to_status
    if reason:
        proposal.status_reason = reason
    proposal.save(update_fields=["status", "status_reason", "updated_at"])
    return ProposalEvent.objects.create(
        proposal=proposal, from_status=from_status, to_status=to_status,
        actor=actor if getattr(actor, "is_authenticated", False) else None, reason=reason,
    )


def _outcome(*, key: str, kind: str, placement: Placement, occurred_on, actor=None, **extra) -> OutcomeRecord:
    """Write a fact once. Its area is the participant's area now (at the time of the fact)."""
    existing = OutcomeRecord.objects.filter(key=key).first()
    if existing:
        return existing
    return OutcomeRecord.objects.create(
        key=key, kind=kind, placement=placement, participant=placement.participant,
        programme=placement.programme, area=placement.participant.area, employer=placement.employer,
        opportunity=placement.opportunity, occurred_on=occurred_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None, **extra,
    )


# --- proposals --------------------------------------------------------------------------------


def proposal_create(
    *, actor, participant, opportunity, note: str, share_details_at_interview: bool,
    guaranteed_interview: bool = False,
) -> Proposal:
    """A key worker puts a consenting participant forward for a live opportunity."""
    _require_key_worker(actor, participant)
    if not profile_is_shareable(participant):
        raise ValidationError(
            "This person has not agreed to share an anonymised profile with employers. "
            "Record their consent before proposing them."
        )
    if opportunity.status != OpportunityStatus.LIVE:
        raise ValidationError({"opportunity": "You can only propose people for live opportunities"})
    if not (note or "").strip():
        raise ValidationError({"note": "Enter a note for the employer about why this person suits the role"})
    with transaction.atomic():
        if Proposal.objects.filter(
            participant=participant, opportunity=opportunity, status__in=[*OPEN_STATUSES, S.STARTED]
        ).exists():
            raise ValidationError(
                {"opportunity": f"{participant.full_name} has already been proposed for this opportunity"}
            )
        proposal = Proposal.objects.create(
            participant=participant, opportunity=opportunity, note=note.strip(),
            share_details_at_interview=share_details_at_interview,
            guaranteed_interview=guaranteed_interview, proposed_by=actor,
        )
        ProposalEvent.objects.create(proposal=proposal, to_status=S.PROPOSED, actor=actor)
        audit_event_record(
            actor=actor, action="pipeline.proposed", obj=proposal,
            summary=f"Proposed {participant.reference} for ‘{opportunity.title}’",
        )
        _after_commit_email(
            f"A candidate has been proposed for {opportunity.title}",
            "pipeline/email/proposed.txt",
            {"proposal": proposal, "opportunity": opportunity,
             "link": settings.PORTAL_BASE_URL + reverse("pipeline:employer_candidate", args=[proposal.pk])},
            employer_contact_emails(opportunity.employer_id),
        )
    return proposal


def proposal_open(*, actor, proposal: Proposal) -> Proposal:
    """The employer opens a new proposal: it is now with the employer. Safe to call again."""
    if proposal.status != S.PROPOSED:
        return proposal
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if proposal.status != S.PROPOSED:
            return proposal
        _transition(proposal, "open", actor=actor)
        audit_event_record(actor=actor, action="pipeline.opened", obj=proposal,
                           summary=f"Employer opened the proposal of {proposal.participant.reference}")
    return proposal


def proposal_transition(*, actor, proposal: Proposal, action: str, reason: str = "") -> Proposal:
    """Decline, record interviewed or no-show, offer, accept, refuse an offer or withdraw."""
    if action not in TRANSITIONS or action in ("open", "book_interview", "start"):
        raise ValidationError("Choose what happened")
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        if action == "decline" and proposal.guaranteed_interview and proposal.status in (S.PROPOSED, S.WITH_EMPLOYER):
            raise IllegalTransition(
                "This candidate completed your route-way course and is guaranteed an interview: "
                "book an interview before deciding"
            )
        event = _transition(proposal, action, actor=actor, reason=reason)
        if action == "interviewed":
            _count_pledge_interview(proposal)
        audit_event_record(
            actor=actor, action=f"pipeline.{action}", obj=proposal,
            summary=f"{proposal.participant.reference}: {event.get_from_status_display()} → "
            f"{event.get_to_status_display()}",
            data={"reason": event.reason} if event.reason else None,
        )
        # Tell the other side.
        recipients = (
            _key_worker_emails(proposal.participant)
            if EMPLOYER in _side(actor, proposal)
            else employer_contact_emails(proposal.opportunity.employer_id)
        )
        _after_commit_email(
            f"{proposal.opportunity.title}: {event.get_to_status_display().lower()}",
            "pipeline/email/status.txt", {"proposal": proposal, "event": event}, recipients,
        )
    return proposal


def _count_pledge_interview(proposal: Proposal) -> None:
    from brokerage.opportunities.services import pledge_interview_record

    interview = proposal.interviews.first()
    programme = proposal.opportunity.programme or proposal.participant.programme
    pledge_interview_record(
        employer=proposal.opportunity.employer, programme=programme,
        reference=f"pipeline-proposal-{proposal.pk}",
        interviewed_on=interview.date if interview else timezone.localdate(),
    )


def interview_book(
    *, actor, proposal: Proposal, date: datetime.date, time: datetime.time, format: str,
    location: str = "", adjustments: str = "",
) -> Interview:
    """The employer books (or moves) an interview. The key worker is told after commit."""
    errors = {}
    if date < timezone.localdate():
        errors["date"] = "The interview date must be today or in the future"
    if format == "in_person" and not location.strip():
        errors["location"] = "Enter the address of the interview"
    if format == "video" and not location.strip():
        errors["location"] = "Enter the video call link or how the candidate will join"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        moving = proposal.status == S.INTERVIEW_BOOKED
        if moving:
            if EMPLOYER not in _side(actor, proposal):
                raise ValidationError("You cannot book an interview for this candidate")
        else:
            _transition(proposal, "book_interview", actor=actor)
        interview = Interview.objects.create(
            proposal=proposal, date=date, time=time, format=format, location=location.strip(),
            adjustments=adjustments.strip(), booked_by=actor,
        )
        audit_event_record(
            actor=actor, action="pipeline.interview_moved" if moving else "pipeline.interview_booked",
            obj=proposal,
            summary=f"Interview for {proposal.participant.reference} on {date:%-d %B %Y} at {time:%H:%M}",
        )
        _after_commit_email(
            f"Interview booked: {proposal.opportunity.title}", "pipeline/email/interview.txt",
            {"proposal": proposal, "interview": interview, "moving": moving},
            _key_worker_emails(proposal.participant),
        )
    return interview


def identity_revealed(proposal: Proposal) -> bool:
    """May the employer see the person's name and contact details?

    Only once an interview has been booked (and never after a decline or withdrawal before it),
    only if the participant agreed to it when proposed, and only while their consent to share
    a profile with employers stands.
    """
    reached_interview = proposal.status in (
        S.INTERVIEW_BOOKED, S.INTERVIEWED, S.OFFERED, S.ACCEPTED, S.STARTED, S.OFFER_REFUSED, S.NO_SHOW,
    ) or (proposal.status == S.DECLINED and proposal.interviews.exists())
    return bool(
        reached_interview and proposal.share_details_at_interview and profile_is_shareable(proposal.participant)
    )


def question_ask(*, actor, proposal: Proposal, question: str) -> ProposalQuestion:
    if EMPLOYER not in _side(actor, proposal):
        raise ValidationError("You cannot ask about this candidate")
    if not proposal.is_open:
        raise ValidationError("You can only ask about a candidate who is still being considered")
    if not question.strip():
        raise ValidationError({"question": "Enter your question"})
    with transaction.atomic():
        q = ProposalQuestion.objects.create(proposal=proposal, question=question.strip(), asked_by=actor)
        audit_event_record(actor=actor, action="pipeline.question_asked", obj=proposal,
                           summary=f"Employer asked about {proposal.participant.reference}")
        _after_commit_email(
            f"A question about your candidate for {proposal.opportunity.title}",
            "pipeline/email/question.txt", {"proposal": proposal, "question": q},
            _key_worker_emails(proposal.participant),
        )
    return q


def question_answer(*, actor, question: ProposalQuestion, answer: str) -> ProposalQuestion:
    if KEY_WORKER not in _side(actor, question.proposal):
        raise ValidationError("You cannot answer for this candidate")
    if not answer.strip():
        raise ValidationError({"answer": "Enter your answer"})
    with transaction.atomic():
        question = ProposalQuestion.objects.select_for_update(of=("self",)).get(pk=question.pk)
        question.answer = answer.strip()
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.save()
        audit_event_record(actor=actor, action="pipeline.question_answered", obj=question.proposal,
                           summary="Key worker answered the employer's question")
        _after_commit_email(
            f"Your question has been answered: {question.proposal.opportunity.title}",
            "pipeline/email/answer.txt", {"proposal": question.proposal, "question": question},
            employer_contact_emails(question.proposal.opportunity.employer_id),
        )
    return question


# --- starts and checkpoints -----------------------------------------------------------------------


def placement_start(
    *, actor, proposal: Proposal, job_title: str, start_date: datetime.date, hours_per_week: Decimal,
    contract_type: str, pay_pence: int | None = None, pay_basis: str = "",
) -> Placement:
    """Record a start: the placement, its checkpoints and the start outcome, in one go."""
    errors = {}
    if start_date > timezone.localdate():
        errors["start_date"] = "The start date must be today or in the past: record the start once the person has started"
    if hours_per_week is None or hours_per_week <= 0 or hours_per_week > 80:
        errors["hours_per_week"] = "Hours a week must be between 1 and 80"
    if pay_pence is not None and not pay_basis:
        errors["pay_basis"] = "Choose whether the pay is an hour, a week or a year"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        proposal = _locked_proposal(proposal)
        _transition(proposal, "start", actor=actor)
        opportunity = proposal.opportunity
        placement = Placement.objects.create(
            proposal=proposal, participant=proposal.participant, employer=opportunity.employer,
            opportunity=opportunity, programme=opportunity.programme or proposal.participant.programme,
            job_title=job_title.strip(), start_date=start_date, hours_per_week=hours_per_week,
            contract_type=contract_type, pay_pence=pay_pence, pay_basis=pay_basis, created_by=actor,
        )
        checkpoints = checkpoints_schedule(placement=placement)
        kind = OutcomeKind.START if opportunity.opportunity_type in JOB_TYPES else OutcomeKind.PLACEMENT
        _outcome(key=f"{kind}:{placement.pk}", kind=kind, placement=placement, occurred_on=start_date,
                 hours_per_week=hours_per_week, actor=actor,
                 measure="starts" if kind == OutcomeKind.START else "placements")
        _fill_place(actor, opportunity)
        _queue_incentives(placement, actor, leaver=False)
        audit_event_record(
            actor=actor, action="pipeline.started", obj=placement,
            summary=f"{proposal.participant.reference} started as {placement.job_title} on "
            f"{start_date:%-d %B %Y}; {len(checkpoints)} checkpoints scheduled",
        )
    return placement


def _queue_incentives(placement: Placement, actor, *, leaver: bool) -> None:
    """Once the start (an incentive claim, if a scheme covers it) or the leaving date (clawbacks
    of stages paid for time not worked) is committed, the payments app works out what follows,
    in a task: a problem there never undoes or fails what was recorded here, and the beat sweeps
    catch anything a lost task missed."""
    from brokerage.payments.incentive_tasks import (
        incentive_claim_for_placement_task,
        incentive_leaver_apply_task,
    )

    task = incentive_leaver_apply_task if leaver else incentive_claim_for_placement_task
    transaction.on_commit(partial(task.delay, placement.pk, actor.pk if actor else None))


def _fill_place(actor, opportunity) -> None:
    from brokerage.opportunities.services import opportunity_places_fill

    if opportunity.status == OpportunityStatus.LIVE and opportunity.places_filled < opportunity.places:
        opportunity_places_fill(actor=actor, opportunity=opportunity, places_filled=opportunity.places_filled + 1)


def checkpoints_schedule(*, placement: Placement) -> list[Checkpoint]:
    """Create the placement's checkpoints from its programme's active rules (idempotent)."""
    made = []
    for rule in CheckpointRule.objects.filter(programme=placement.programme, active=True):
        due = schedule.checkpoint_due_on(placement.start_date, months=rule.offset_months, days=rule.offset_days)
        checkpoint, _ = Checkpoint.objects.get_or_create(
            placement=placement, rule=rule,
            defaults={
                "name": rule.name, "kind": rule.kind, "counts_as": rule.counts_as,
                "min_hours": rule.min_hours, "due_on": due,
                "remind_on": schedule.reminder_on(due, rule.reminder_days_before),
                "missed_after": due + datetime.timedelta(days=rule.grace_days),
            },
        )
        made.append(checkpoint)
    return made


def _locked_checkpoint(checkpoint: Checkpoint) -> Checkpoint:
    return (
        Checkpoint.objects.select_for_update(of=("self",))
        .select_related("placement", "placement__participant", "placement__participant__area",
                        "placement__employer", "placement__opportunity", "placement__programme")
        .get(pk=checkpoint.pk)
    )


def checkpoint_confirm(
    *, actor, checkpoint: Checkpoint, still_employed: bool, hours_per_week: Decimal | None = None,
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
        checkpoint = _locked_checkpoint(checkpoint)
        placement = checkpoint.placement
        if via == ConfirmedVia.KEY_WORKER_EVIDENCE:
            _require_key_worker(actor, placement.participant)
        elif via == ConfirmedVia.EMPLOYER_DASHBOARD and not is_employer_member(actor, placement.employer_id):
            raise ValidationError("You cannot confirm this checkpoint")
        if checkpoint.status != CheckpointStatus.SCHEDULED:
            raise IllegalTransition(f"This checkpoint has already been recorded: {checkpoint.get_status_display().lower()}")
        if checkpoint.due_on > today:
            raise IllegalTransition(f"You can confirm this from {checkpoint.due_on:%-d %B %Y}, when it is due")
        if not still_employed and left_on < placement.start_date:
            raise ValidationError({"left_on": "The date they left must be on or after their start date"})
        checkpoint.still_employed = still_employed
        checkpoint.hours_per_week = hours_per_week if still_employed else None
        checkpoint.evidence = evidence.strip()
        checkpoint.confirmed_via = via
        checkpoint.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
        checkpoint.confirmed_at = timezone.now()
        enough_hours = checkpoint.min_hours is None or (hours_per_week or 0) >= checkpoint.min_hours
        checkpoint.status = CheckpointStatus.MET if still_employed and enough_hours else CheckpointStatus.NOT_MET
        checkpoint.save()
        if checkpoint.status == CheckpointStatus.MET:
            _outcome(key=f"checkpoint:{checkpoint.pk}", kind=OutcomeKind.CHECKPOINT_MET, placement=placement,
                     checkpoint=checkpoint, measure=checkpoint.counts_as, occurred_on=checkpoint.due_on,
                     hours_per_week=hours_per_week, actor=actor, detail=checkpoint.name)
        else:
            why = "Left work" if not still_employed else f"Working {hours_per_week} hours, below {checkpoint.min_hours}"
            _outcome(key=f"checkpoint:{checkpoint.pk}", kind=OutcomeKind.CHECKPOINT_MISSED, placement=placement,
                     checkpoint=checkpoint, measure=checkpoint.counts_as, occurred_on=checkpoint.due_on,
                     hours_per_week=hours_per_week, actor=actor, detail=f"{checkpoint.name}: {why}"[:200])
        audit_event_record(
            actor=actor, action="pipeline.checkpoint_confirmed", obj=checkpoint,
            summary=f"{checkpoint.name} for {placement.participant.reference}: {checkpoint.get_status_display()} "
            f"({checkpoint.get_confirmed_via_display()})",
            acting_for=placement.employer.name if via == ConfirmedVia.EMAIL_LINK else "",
        )
        if not still_employed:
            _placement_leave(actor=actor, placement=placement, left_on=left_on,
                             reason=leaving_reason or "Reported when confirming a checkpoint")
    return checkpoint


def _placement_leave(*, actor, placement: Placement, left_on: datetime.date, reason: str) -> Placement:
    placement = Placement.objects.select_for_update(of=("self",)).select_related(
        "participant", "participant__area", "employer", "opportunity", "programme").get(pk=placement.pk)
    if placement.status == PlacementStatus.LEFT:
        raise IllegalTransition(f"A leaving date has already been recorded ({placement.left_on:%-d %B %Y})")
    placement.status = PlacementStatus.LEFT
    placement.left_on = left_on
    placement.leaving_reason = reason.strip()
    placement.save()
    placement.checkpoints.filter(status=CheckpointStatus.SCHEDULED, due_on__gt=left_on).update(
        status=CheckpointStatus.CANCELLED
    )
    _outcome(key=f"leaver:{placement.pk}", kind=OutcomeKind.LEAVER, placement=placement, occurred_on=left_on,
             actor=actor, detail=placement.leaving_reason[:200])
    _queue_incentives(placement, actor, leaver=True)
    audit_event_record(actor=actor, action="pipeline.left", obj=placement,
                       summary=f"{placement.participant.reference} left on {left_on:%-d %B %Y}",
                       data={"reason": placement.leaving_reason})
    return placement


def placement_leave(*, actor, placement: Placement, left_on: datetime.date, reason: str) -> Placement:
    """Record a leaver: later checkpoints are cancelled and a leaver outcome is written."""
    _require_key_worker(actor, placement.participant)
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


# --- signed confirmation links -------------------------------------------------------------------


def checkpoint_link_create(*, checkpoint: Checkpoint, email: str) -> str:
    """A new single-use, signed, expiring link token for ``email`` to confirm ``checkpoint``."""
    nonce = secrets.token_hex(16)
    CheckpointLink.objects.create(checkpoint=checkpoint, nonce=nonce, email=email)
    return signing.TimestampSigner(salt=LINK_SALT).sign(f"{checkpoint.pk}:{nonce}")


def checkpoint_link_url(token: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("pipeline:checkpoint_link", args=[token])


def _confirm_link_send(checkpoint: Checkpoint, email: str, *, today: datetime.date) -> None:
    """A new link for ``email``, emailed once the transaction commits."""
    placement = checkpoint.placement
    token = checkpoint_link_create(checkpoint=checkpoint, email=email)
    _after_commit_email(
        f"Please confirm: is {placement.participant.first_name or 'your new starter'} still working for you?",
        "pipeline/email/checkpoint_confirm.txt",
        {"checkpoint": checkpoint, "placement": placement, "link": checkpoint_link_url(token),
         "expires_on": today + LINK_MAX_AGE},
        [email],
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
    *, token: str, still_employed: bool, hours_per_week=None, left_on=None, leaving_reason: str = "",
) -> Checkpoint:
    with transaction.atomic():
        link = checkpoint_link_resolve(token)
        claimed = CheckpointLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=timezone.now())
        if not claimed:
            raise LinkProblem("done", link.checkpoint)
        return checkpoint_confirm(
            actor=None, checkpoint=link.checkpoint, still_employed=still_employed,
            hours_per_week=hours_per_week, left_on=left_on, leaving_reason=leaving_reason,
            via=ConfirmedVia.EMAIL_LINK,
        )


def checkpoint_link_resend(*, actor, checkpoint: Checkpoint) -> int:
    """The key worker sends the employer a fresh confirmation link (e.g. the first expired).

    Earlier unused links stop working, so only the newest can be used. Returns emails sent.
    """
    _require_key_worker(actor, checkpoint.placement.participant)
    emails = employer_contact_emails(checkpoint.placement.employer_id)
    if not emails:
        raise ValidationError("Nobody at this employer has an account to send the link to")
    with transaction.atomic():
        # Locked, so a confirmation arriving meanwhile is seen and no link outlives it.
        checkpoint = _locked_checkpoint(checkpoint)
        placement = checkpoint.placement
        if checkpoint.status != CheckpointStatus.SCHEDULED:
            raise IllegalTransition("This checkpoint has already been recorded")
        if checkpoint.due_on > timezone.localdate():
            raise IllegalTransition(f"The employer can confirm this from {checkpoint.due_on:%-d %B %Y}")
        checkpoint.links.filter(used_at__isnull=True).update(used_at=timezone.now())
        for email in emails:
            _confirm_link_send(checkpoint, email, today=timezone.localdate())
        audit_event_record(actor=actor, action="pipeline.checkpoint_link_resent", obj=checkpoint,
                           summary=f"New confirmation link for {checkpoint.name} sent to {placement.employer.name}")
    return len(emails)


# --- reminders and missed checkpoints (beat) --------------------------------------------------


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
        "placement", "placement__participant", "placement__participant__key_worker", "placement__employer",
    )
    for checkpoint in scheduled.filter(remind_on__lte=today, due_on__gt=today):
        placement = checkpoint.placement
        for email in _key_worker_emails(placement.participant) + employer_contact_emails(placement.employer_id):
            with transaction.atomic():
                if not _notice_claim(checkpoint, NoticeKind.REMINDER, email):
                    continue
                _after_commit_email(
                    f"Coming up: {checkpoint.name} on {checkpoint.due_on:%-d %B %Y}",
                    "pipeline/email/checkpoint_reminder.txt",
                    {"checkpoint": checkpoint, "placement": placement,
                     "for_employer": email not in _key_worker_emails(placement.participant)},
                    [email],
                )
                run.reminders += 1
    for checkpoint in scheduled.filter(due_on__lte=today, missed_after__gte=today):
        placement = checkpoint.placement
        for email in employer_contact_emails(placement.employer_id):
            with transaction.atomic():
                if not _notice_claim(checkpoint, NoticeKind.CONFIRM_REQUEST, email):
                    continue
                _confirm_link_send(checkpoint, email, today=today)
                run.confirm_requests += 1
    for pk in list(scheduled.filter(missed_after__lt=today).values_list("pk", flat=True)):
        with transaction.atomic():
            checkpoint = _locked_checkpoint(Checkpoint(pk=pk))
            if checkpoint.status != CheckpointStatus.SCHEDULED:
                continue
            checkpoint.status = CheckpointStatus.MISSED
            checkpoint.save(update_fields=["status"])
            _outcome(key=f"checkpoint:{checkpoint.pk}", kind=OutcomeKind.CHECKPOINT_MISSED,
                     placement=checkpoint.placement, checkpoint=checkpoint, measure=checkpoint.counts_as,
                     occurred_on=checkpoint.due_on, detail=f"{checkpoint.name}: not confirmed in time"[:200])
            audit_event_record(actor=None, action="pipeline.checkpoint_missed", obj=checkpoint,
                               summary=f"{checkpoint.name} for {checkpoint.placement.participant.reference} was not confirmed in time")
            for email in _key_worker_emails(checkpoint.placement.participant):
                if _notice_claim(checkpoint, NoticeKind.MISSED, email):
                    _after_commit_email(
                        f"Missed: {checkpoint.name} for {checkpoint.placement.participant.reference}",
                        "pipeline/email/checkpoint_missed.txt",
                        {"checkpoint": checkpoint, "placement": checkpoint.placement}, [email],
                    )
            run.missed += 1
    return run


# --- in work ------------------------------------------------------------------------------------


def progression_record(
    *, actor, placement: Placement, kind: str, occurred_on: datetime.date, details: str, evidence: str,
) -> Progression:
    """A progression within 26 weeks of the start, with date and evidence."""
    _require_key_worker(actor, placement.participant)
    errors = {}
    deadline = schedule.progression_deadline(placement.start_date)
    if occurred_on is None:
        errors["occurred_on"] = "Enter the date of the progression"
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date must be today or in the past"
    elif occurred_on < placement.start_date:
        errors["occurred_on"] = f"The date must be on or after the start date, {placement.start_date:%-d %B %Y}"
    elif occurred_on > deadline:
        errors["occurred_on"] = (
            f"Progressions count within 26 weeks of the start: the date must be on or before {deadline:%-d %B %Y}"
        )
    if not details.strip():
        errors["details"] = "Describe the progression"
    if not evidence.strip():
        errors["evidence"] = "Describe the evidence"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        progression = Progression.objects.create(
            placement=placement, kind=kind, occurred_on=occurred_on, details=details.strip(),
            evidence=evidence.strip(), recorded_by=actor,
        )
        _outcome(key=f"progression:{progression.pk}", kind=OutcomeKind.PROGRESSION, placement=placement,
                 progression=progression, measure="progressions", occurred_on=occurred_on, actor=actor,
                 detail=progression.get_kind_display())
        audit_event_record(actor=actor, action="pipeline.progression", obj=placement,
                           summary=f"{progression.get_kind_display()} on {occurred_on:%-d %B %Y}")
    return progression


def support_contact_record(
    *, actor, placement: Placement, happened_on: datetime.date, with_whom: str, method: str,
    issues: str = "", actions: str = "",
) -> SupportContact:
    """In-work support for up to 12 months after the start."""
    _require_key_worker(actor, placement.participant)
    errors = {}
    ends = schedule.support_ends_on(placement.start_date)
    if happened_on is None:
        errors["happened_on"] = "Enter the date of the contact"
    elif happened_on > timezone.localdate():
        errors["happened_on"] = "The date must be today or in the past"
    elif happened_on < placement.start_date:
        errors["happened_on"] = f"The date must be on or after the start date, {placement.start_date:%-d %B %Y}"
    elif happened_on > ends:
        errors["happened_on"] = f"In-work support lasts 12 months: the date must be on or before {ends:%-d %B %Y}"
    if not (issues.strip() or actions.strip()):
        errors["issues"] = "Enter the issues discussed or the actions agreed"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = SupportContact.objects.create(
            placement=placement, happened_on=happened_on, with_whom=with_whom, method=method,
            issues=issues.strip(), actions=actions.strip(), recorded_by=actor,
        )
        audit_event_record(actor=actor, action="pipeline.support_contact", obj=placement,
                           summary=f"In-work support contact on {happened_on:%-d %B %Y}")
    return contact


# --- route-ways --------------------------------------------------------------------------------


def route_way_completion_record(*, actor, participant, route_way, completed_on: datetime.date) -> RouteWayCompletion:
    """Completing a linked course earns the employer's guaranteed interview: a proposal the
    employer cannot decline before interviewing."""
    _require_key_worker(actor, participant)
    if completed_on is None or completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date must be today or in the past"})
    if RouteWayCompletion.objects.filter(route_way=route_way, participant=participant).exists():
        raise ValidationError({"route_way": f"{participant.full_name} has already completed this route-way"})
    with transaction.atomic():
        existing = Proposal.objects.select_for_update(of=("self",)).filter(
            participant=participant, opportunity=route_way.opportunity, status__in=OPEN_STATUSES
        ).first()
        if existing:
            existing.guaranteed_interview = True
            existing.save(update_fields=["guaranteed_interview", "updated_at"])
            proposal = existing
        else:
            proposal = proposal_create(
                actor=actor, participant=participant, opportunity=route_way.opportunity,
                note=f"Completed the {route_way.hours}-hour route-way ‘{route_way.name}’ on "
                f"{completed_on:%-d %B %Y}, which guarantees an interview.",
                share_details_at_interview=True, guaranteed_interview=True,
            )
        completion = RouteWayCompletion.objects.create(
            route_way=route_way, participant=participant, completed_on=completed_on,
            proposal=proposal, recorded_by=actor,
        )
        audit_event_record(actor=actor, action="pipeline.route_way_completed", obj=proposal,
                           summary=f"{participant.reference} completed ‘{route_way.name}’: guaranteed interview")
    return completion


# --- mentoring (Plan 500) -----------------------------------------------------------------------


def mentor_profile_save(*, actor, employer, sectors: list[str], about: str, trained_on=None) -> MentorProfile:
    """An employer user volunteers (or updates their profile) as a mentor."""
    if not is_employer_member(actor, employer.pk):
        raise ValidationError("You can only volunteer as a mentor for your own organisation")
    errors = {}
    if not sectors:
        errors["sectors"] = "Choose at least one sector you can talk about"
    if not about.strip():
        errors["about"] = "Tell mentees what you do and how you can help"
    if trained_on and trained_on > timezone.localdate():
        errors["trained_on"] = "The training date must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        profile, created = MentorProfile.objects.update_or_create(
            user=actor, defaults={"employer": employer, "sectors": list(sectors), "about": about.strip(),
                                  "trained_on": trained_on, "active": True},
        )
        audit_event_record(actor=actor, action="pipeline.mentor_volunteered" if created else "pipeline.mentor_updated",
                           obj=profile, summary=f"{actor.display_name} mentor profile saved")
    return profile


def mentoring_agreement_create(
    *, actor, mentee, mentor: MentorProfile, sector: str, contact_method: str, place: str, frequency: str,
    covers: str, does_not_cover: str, starts_on: datetime.date, ends_on: datetime.date,
) -> MentoringAgreement:
    """The mentee's choice of mentor, recorded by their key worker, with what was agreed."""
    _require_key_worker(actor, mentee)
    errors = {}
    if not profile_is_shareable(mentee):
        raise ValidationError(
            "This person has not agreed to share their profile with employers, so a mentor cannot be matched"
        )
    if not mentor.active or mentor.trained_on is None:
        errors["mentor"] = "Choose a mentor who has completed the mentor training"
    if sector not in mentor.sectors:
        errors["sector"] = "Choose a sector this mentor covers"
    elif mentee.sector_interests and sector not in mentee.sector_interests:
        errors["sector"] = "Choose a sector that interests the mentee"
    for field, value in (("contact_method", contact_method), ("place", place), ("frequency", frequency),
                         ("covers", covers), ("does_not_cover", does_not_cover)):
        if not (value or "").strip():
            errors[field] = "Enter what was agreed"
    if starts_on and ends_on:
        latest = schedule.mentoring_latest_end(starts_on, MentoringAgreement.MAX_MONTHS)
        if ends_on <= starts_on:
            errors["ends_on"] = "The end date must be after the start date"
        elif ends_on > latest:
            errors["ends_on"] = f"Mentoring lasts up to 6 months: the end date must be on or before {latest:%-d %B %Y}"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if MentoringAgreement.objects.filter(mentor=mentor, mentee=mentee, status=MentoringStatus.ACTIVE).exists():
            raise ValidationError({"mentor": "This mentor already has an active agreement with this person"})
        agreement = MentoringAgreement.objects.create(
            mentor=mentor, mentee=mentee, sector=sector, contact_method=contact_method.strip(),
            place=place.strip(), frequency=frequency.strip(), covers=covers.strip(),
            does_not_cover=does_not_cover.strip(), starts_on=starts_on, ends_on=ends_on, created_by=actor,
        )
        audit_event_record(actor=actor, action="pipeline.mentoring_agreed", obj=agreement,
                           summary=f"{mentee.reference} chose {mentor.user.display_name} as a mentor")
        _after_commit_email(
            "You have a new mentee", "pipeline/email/mentee.txt",
            {"agreement": agreement, "link": settings.PORTAL_BASE_URL
             + reverse("pipeline:mentoring_agreement", args=[agreement.pk])},
            [mentor.user.email],
        )
    return agreement


def _mentoring_side(actor, agreement: MentoringAgreement) -> set[str]:
    sides = set()
    if getattr(actor, "is_authenticated", False) and agreement.mentor.user_id == actor.pk:
        sides.add("mentor")
    if can_act_for_participant(actor, agreement.mentee):
        sides.add(KEY_WORKER)
    return sides


def mentoring_contact_record(
    *, actor, agreement: MentoringAgreement, happened_on: datetime.date, method: str, summary: str,
) -> MentoringContact:
    if not _mentoring_side(actor, agreement):
        raise ValidationError("You cannot record contact for this agreement")
    if agreement.status != MentoringStatus.ACTIVE:
        raise IllegalTransition("This mentoring agreement is closed")
    errors = {}
    if happened_on is None:
        errors["happened_on"] = "Enter the date of the contact"
    elif happened_on > timezone.localdate():
        errors["happened_on"] = "The date must be today or in the past"
    elif not agreement.starts_on <= happened_on <= agreement.ends_on:
        errors["happened_on"] = (
            f"The date must be within the agreement, {agreement.starts_on:%-d %B %Y} to {agreement.ends_on:%-d %B %Y}"
        )
    if not summary.strip():
        errors["summary"] = "Enter what you talked about"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = MentoringContact.objects.create(
            agreement=agreement, happened_on=happened_on, method=method, summary=summary.strip(), recorded_by=actor,
        )
        audit_event_record(actor=actor, action="pipeline.mentoring_contact", obj=agreement,
                           summary=f"Mentoring contact on {happened_on:%-d %B %Y}")
    return contact


def mentoring_agreement_close(
    *, actor, agreement: MentoringAgreement, outcomes: list[str], notes: str = "", closed_on=None,
) -> MentoringAgreement:
    """The mentor closes the agreement and reports the outcomes."""
    if "mentor" not in _mentoring_side(actor, agreement):
        raise ValidationError("Only the mentor can close the agreement and report its outcomes")
    closed_on = closed_on or timezone.localdate()
    if not outcomes:
        raise ValidationError({"outcomes": "Choose at least one outcome"})
    with transaction.atomic():
        agreement = MentoringAgreement.objects.select_for_update(of=("self",)).get(pk=agreement.pk)
        if agreement.status != MentoringStatus.ACTIVE:
            raise IllegalTransition("This mentoring agreement is already closed")
        agreement.status = MentoringStatus.CLOSED
        agreement.closed_on = closed_on
        agreement.outcomes = list(outcomes)
        agreement.outcome_notes = notes.strip()
        agreement.closed_by = actor
        agreement.save()
        audit_event_record(actor=actor, action="pipeline.mentoring_closed", obj=agreement,
                           summary=f"Mentoring closed: {', '.join(agreement.outcome_labels)}")
    return agreement
