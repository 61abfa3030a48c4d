"""Proposals: a key worker puts a person forward; the employer opens, questions, interviews,
offers or declines; the key worker answers, accepts or withdraws."""

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.opportunities.models import OpportunityStatus
from brokerage.participants.anonymity import anonymity_check
from brokerage.participants.selectors import profile_is_shareable
from brokerage.pipeline.models import (
    OPEN_STATUSES,
    DecisionReason,
    Interview,
    Proposal,
    ProposalEvent,
    ProposalQuestion,
    ProposalStatus,
)
from brokerage.pipeline.services.access import EMPLOYER, KEY_WORKER, actor_sides, require_key_worker
from brokerage.pipeline.services.emails import (
    email_after_commit,
    employer_contact_emails,
    key_worker_emails,
)
from brokerage.pipeline.services.transitions import TRANSITIONS, locked_proposal, transition_apply
from portal.accounts.models import User
from portal.core.exceptions import IllegalTransition
from portal.core.formats import govuk_date, govuk_time

S = ProposalStatus


def proposal_create(
    *, actor: User, participant, opportunity, note: str, share_details_at_interview: bool,
    guaranteed_interview: bool = False,
) -> Proposal:
    """A key worker puts a consenting participant forward for a live opportunity."""
    require_key_worker(actor, participant)
    if not profile_is_shareable(participant):
        raise ValidationError(
            "This person has not agreed to share an anonymised profile "
            "with employers. Record their consent before proposing them."
        )
    if opportunity.status != OpportunityStatus.LIVE:
        raise ValidationError({"opportunity": "You can only propose people for live opportunities"})
    if not (note or "").strip():
        raise ValidationError(
            {"note": "Enter a note for the employer about why this person suits the role"}
        )
    anonymity_check(note, participant, field="note", what="the note for the employer")
    with transaction.atomic():
        if Proposal.objects.filter(
            participant=participant, opportunity=opportunity, status__in=[*OPEN_STATUSES, S.STARTED]
        ).exists():
            raise ValidationError(
                {
                    "opportunity": (
                        f"{participant.full_name} has already been proposed for this opportunity"
                    )
                }
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
        email_after_commit(
            f"A candidate has been proposed for {opportunity.title}",
            "pipeline/email/proposed.txt",
            {
                "proposal": proposal,
                "opportunity": opportunity,
                "link": settings.PORTAL_BASE_URL
                + reverse("pipeline:employer_candidate", args=[proposal.pk]),
            },
            employer_contact_emails(opportunity.employer_id),
        )
    return proposal


def proposal_open(*, actor: User, proposal: Proposal) -> Proposal:
    """The employer opens a new proposal: it is now with the employer. Safe to call again."""
    if proposal.status != S.PROPOSED:
        return proposal
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if proposal.status != S.PROPOSED:
            return proposal
        transition_apply(proposal, "open", actor=actor)
        audit_event_record(
            actor=actor,
            action="pipeline.opened",
            obj=proposal,
            summary=f"Employer opened the proposal of {proposal.participant.reference}",
        )
    return proposal


def proposal_transition(
    *, actor: User, proposal: Proposal, action: str, reason: str = "",
    reasons: Sequence[DecisionReason] = (),
) -> Proposal:
    """Decline, record interviewed or no-show, offer, accept, refuse an offer or withdraw.

    ``reasons`` are the picked ``DecisionReason`` rows (``reason`` already reads them as text):
    they are kept on the decision's ``ProposalEvent``.
    """
    if action not in TRANSITIONS or action in ("open", "book_interview", "start"):
        raise ValidationError("Choose what happened")
    with transaction.atomic():
        proposal = locked_proposal(proposal)
        if (
            action == "decline"
            and proposal.guaranteed_interview
            and proposal.status in (S.PROPOSED, S.WITH_EMPLOYER)
        ):
            raise IllegalTransition(
                "This candidate completed your route-way course and is "
                "guaranteed an interview: book an interview before deciding"
            )
        if action in ("interviewed", "no_show"):
            _interview_has_happened(proposal)
        event = transition_apply(proposal, action, actor=actor, reason=reason, reasons=reasons)
        if action == "interviewed":
            _count_pledge_interview(proposal)
        audit_event_record(
            actor=actor, action=f"pipeline.{action}", obj=proposal,
            summary=f"{proposal.participant.reference}: {event.get_from_status_display()} → "
            f"{event.get_to_status_display()}",
            data=(
                {"reason": event.reason, "reason_ids": [r.pk for r in reasons]}
                if event.reason else None
            ),
        )
        # Tell the other side.
        recipients = (
            key_worker_emails(proposal.participant)
            if EMPLOYER in actor_sides(actor, proposal)
            else employer_contact_emails(proposal.opportunity.employer_id)
        )
        email_after_commit(
            f"{proposal.opportunity.title}: {event.get_to_status_display().lower()}",
            "pipeline/email/status.txt",
            {"proposal": proposal, "event": event},
            recipients,
        )
    return proposal


def _interview_has_happened(proposal: Proposal) -> None:
    """What happened at an interview can be recorded once its time has come, not before."""
    interview = proposal.interviews.first()  # the current booking
    if interview is None:
        return
    starts = timezone.make_aware(
        datetime.datetime.combine(interview.date, interview.time), timezone.get_current_timezone()
    )
    if starts > timezone.now():
        raise IllegalTransition(
            f"The interview is on {govuk_date(interview.date)} at {govuk_time(interview.time)}. "
            "Record what happened once it has taken place"
        )


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
    *, actor: User, proposal: Proposal, date: datetime.date, time: datetime.time, format: str,
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
        proposal = locked_proposal(proposal)
        moving = proposal.status == S.INTERVIEW_BOOKED
        if moving:
            if EMPLOYER not in actor_sides(actor, proposal):
                raise ValidationError("You cannot book an interview for this candidate")
        else:
            transition_apply(proposal, "book_interview", actor=actor)
        interview = Interview.objects.create(
            proposal=proposal, date=date, time=time, format=format, location=location.strip(),
            adjustments=adjustments.strip(), booked_by=actor,
        )
        audit_event_record(
            actor=actor,
            action="pipeline.interview_moved" if moving else "pipeline.interview_booked",
            obj=proposal,
            summary=(
                f"Interview for {proposal.participant.reference} "
                f"on {govuk_date(date)} at {govuk_time(time)}"
            ),
        )
        email_after_commit(
            f"Interview booked: {proposal.opportunity.title}",
            "pipeline/email/interview.txt",
            {"proposal": proposal, "interview": interview, "moving": moving},
            key_worker_emails(proposal.participant),
        )
    return interview


def identity_revealed(proposal: Proposal) -> bool:
    """May the employer see the person's name and contact details?

    Only once an interview has been booked (and never after a decline or withdrawal before it),
    only if the participant agreed to it when proposed, and only while their consent to share
    a profile with employers stands.
    """
    reached_interview = proposal.status in (
        S.INTERVIEW_BOOKED,
        S.INTERVIEWED,
        S.OFFERED,
        S.ACCEPTED,
        S.STARTED,
        S.OFFER_REFUSED,
        S.NO_SHOW,
    ) or (proposal.status == S.DECLINED and proposal.interviews.exists())
    return bool(
        reached_interview
        and proposal.share_details_at_interview
        and profile_is_shareable(proposal.participant)
    )


def question_ask(*, actor: User, proposal: Proposal, question: str) -> ProposalQuestion:
    if EMPLOYER not in actor_sides(actor, proposal):
        raise ValidationError("You cannot ask about this candidate")
    if not proposal.is_open:
        raise ValidationError("You can only ask about a candidate who is still being considered")
    if not question.strip():
        raise ValidationError({"question": "Enter your question"})
    with transaction.atomic():
        q = ProposalQuestion.objects.create(
            proposal=proposal, question=question.strip(), asked_by=actor
        )
        audit_event_record(actor=actor, action="pipeline.question_asked", obj=proposal,
                           summary=f"Employer asked about {proposal.participant.reference}")
        email_after_commit(
            f"A question about your candidate for {proposal.opportunity.title}",
            "pipeline/email/question.txt",
            {"proposal": proposal, "question": q},
            key_worker_emails(proposal.participant),
        )
    return q


def question_answer(*, actor: User, question: ProposalQuestion, answer: str) -> ProposalQuestion:
    if KEY_WORKER not in actor_sides(actor, question.proposal):
        raise ValidationError("You cannot answer for this candidate")
    if not answer.strip():
        raise ValidationError({"answer": "Enter your answer"})
    if not identity_revealed(question.proposal):  # the employer does not know who they are yet
        anonymity_check(answer, question.proposal.participant, field="answer", what="your answer")
    with transaction.atomic():
        question = ProposalQuestion.objects.select_for_update(of=("self",)).get(pk=question.pk)
        question.answer = answer.strip()
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.save()
        audit_event_record(actor=actor, action="pipeline.question_answered", obj=question.proposal,
                           summary="Key worker answered the employer's question")
        email_after_commit(
            f"Your question has been answered: {question.proposal.opportunity.title}",
            "pipeline/email/answer.txt",
            {"proposal": question.proposal, "question": question},
            employer_contact_emails(question.proposal.opportunity.employer_id),
        )
    return question
