"""Reads in the pipeline, always scoped to the user.

- Key workers and coordinators see the proposals, placements and agreements of participants
  they may see (``participants_for_user``).
- Employer users see only proposals made to their own organisations' opportunities, and
  only as anonymised profiles until an interview is booked with consent.
- A mentor sees only their own mentoring agreements.
Anything else is a 404, so its existence is not revealed.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from brokerage.opportunities.models import CandidateRoute, Opportunity, OpportunityStatus
from brokerage.participants.selectors import participants_for_user
from brokerage.pipeline.models import (
    Checkpoint,
    CheckpointStatus,
    MentoringAgreement,
    MentoringStatus,
    MentorProfile,
    Placement,
    PlacementStatus,
    Proposal,
    ProposalEvent,
    ProposalStatus,
    RouteWay,
)
from brokerage.pipeline.reasons import reasons_parse
from portal.accounts.permissions import can_use_caseload, is_signed_in

S = ProposalStatus
EMPLOYER_FILTERS = {
    "new": [S.PROPOSED, S.WITH_EMPLOYER],
    "interviews": [S.INTERVIEW_BOOKED, S.INTERVIEWED],
    "offers": [S.OFFERED, S.ACCEPTED],
    "started": [S.STARTED],
    "closed": [S.DECLINED, S.WITHDRAWN, S.NO_SHOW, S.OFFER_REFUSED],
}


def _proposals() -> QuerySet[Proposal]:
    return Proposal.objects.select_related(
        "participant", "participant__programme", "participant__key_worker", "opportunity",
        "opportunity__employer", "proposed_by",
    )


# --- key workers ---------------------------------------------------------------------------------


def proposals_for_key_worker(user) -> QuerySet[Proposal]:
    return _proposals().filter(participant__in=participants_for_user(user).values("pk"))


def proposal_for_key_worker_or_404(user, pk: int) -> Proposal:
    return get_object_or_404(proposals_for_key_worker(user), pk=pk)


def proposals_for_participant(participant) -> QuerySet[Proposal]:
    return _proposals().filter(participant=participant).order_by("-created_at", "-id")


#: Decisions against the candidate, whose reasons the participant's record shows.
DECIDED_STATUSES = (S.DECLINED, S.NO_SHOW)


@dataclass(frozen=True)
class Decision:
    """Why a proposal ended: the picked reasons' labels and the decider's own words."""

    labels: list[str]
    words: str


def _decision(event: ProposalEvent) -> Decision:
    labels = [reason.label for reason in event.reasons.all()]
    picked, words = reasons_parse(event.reason, labels)
    return Decision(labels=labels, words=words if picked else event.reason)


def proposals_for_participant_record(participant) -> list[Proposal]:
    """The participant's proposals, each with ``decision`` (a ``Decision`` or None): why it was
    declined or marked as not attended, from the event that recorded it.

    Screening: the rule the project keeps for free text (``participants.anonymity``) protects
    the participant from the employer, not the other way round, and nothing an employer writes
    about a candidate is withheld from the candidate's key worker. So the reasons picked from
    the list are shown always, and the decider's own words are shown in full: this is only
    ever read through ``participant_for_user_or_404`` (people who may see the participant).
    """
    decisions = ProposalEvent.objects.filter(to_status__in=DECIDED_STATUSES).prefetch_related(
        "reasons"
    )
    proposals: list[Proposal] = list(
        proposals_for_participant(participant).prefetch_related(
            Prefetch("events", queryset=decisions, to_attr="decision_events")
        )
    )
    for proposal in proposals:
        event = next(
            (e for e in reversed(proposal.decision_events)  # type: ignore[attr-defined]
             if e.to_status == proposal.status),
            None,
        )
        proposal.decision = _decision(event) if event is not None else None  # type: ignore[attr-defined]
    return proposals


#: A proposal in one of these stands: the person cannot be proposed for the same opportunity again.
STANDING_STATUSES = [
    *EMPLOYER_FILTERS["new"], *EMPLOYER_FILTERS["interviews"], *EMPLOYER_FILTERS["offers"],
    S.STARTED,
]


def standing_proposals(participant) -> QuerySet[Proposal]:
    """The participant's proposals that stand (so each of those opportunities is taken)."""
    return (
        _proposals().filter(participant=participant, status__in=STANDING_STATUSES)
        .order_by("-created_at")
    )


def proposable_opportunities(participant) -> QuerySet[Opportunity]:
    """Live opportunities taking candidates from key workers, not already proposed for."""
    taken = Proposal.objects.filter(
        participant=participant, status__in=STANDING_STATUSES
    ).values("opportunity_id")
    return (
        Opportunity.objects.filter(
            status=OpportunityStatus.LIVE, candidate_route=CandidateRoute.KEY_WORKER
        )
        .exclude(pk__in=taken)
        .select_related("employer")
        .order_by("title", "id")
    )


def _placements() -> QuerySet[Placement]:
    return Placement.objects.select_related(
        "participant", "participant__key_worker", "employer", "opportunity", "programme", "proposal"
    )


def placements_for_key_worker(user) -> QuerySet[Placement]:
    return _placements().filter(participant__in=participants_for_user(user).values("pk"))


def placement_for_key_worker_or_404(user, pk: int) -> Placement:
    return get_object_or_404(placements_for_key_worker(user), pk=pk)


def checkpoints_needing_attention(
    user, *, today: datetime.date | None = None
) -> QuerySet[Checkpoint]:
    """Due (and unconfirmed) or missed checkpoints of the key worker's participants."""
    today = today or timezone.localdate()
    return (
        Checkpoint.objects.filter(placement__in=placements_for_key_worker(user).values("pk"))
        .filter(
            Q(status=CheckpointStatus.SCHEDULED, remind_on__lte=today)
            | Q(status=CheckpointStatus.MISSED)
        )
        .exclude(status=CheckpointStatus.MISSED, due_on__lt=today - datetime.timedelta(days=90))
        .select_related("placement", "placement__participant", "placement__employer")
        .order_by("due_on", "id")
    )


# --- employers ---------------------------------------------------------------------------------


def proposals_for_employer(user, *, show: str = "") -> QuerySet[Proposal]:
    """Proposals to the user's own organisations' opportunities (none for anyone else)."""
    if not is_signed_in(user):
        return Proposal.objects.none()
    qs = _proposals().filter(opportunity__employer__memberships__user=user)
    if show in EMPLOYER_FILTERS:
        qs = qs.filter(status__in=EMPLOYER_FILTERS[show])
    return qs.prefetch_related("interviews").order_by("-updated_at", "-id")


def proposal_for_employer_or_404(user, pk: int) -> Proposal:
    return get_object_or_404(proposals_for_employer(user), pk=pk)


def placements_for_employer(user) -> QuerySet[Placement]:
    if not is_signed_in(user):
        return Placement.objects.none()
    return _placements().filter(employer__memberships__user=user).prefetch_related(
        Prefetch("checkpoints", queryset=Checkpoint.objects.order_by("due_on"))
    )


def employer_checkpoints_due(user, *, today: datetime.date | None = None) -> QuerySet[Checkpoint]:
    today = today or timezone.localdate()
    return (
        Checkpoint.objects.filter(
            placement__in=placements_for_employer(user).values("pk"),
            status=CheckpointStatus.SCHEDULED, due_on__lte=today,
        )
        .select_related("placement", "placement__participant", "placement__proposal")
        .order_by("due_on", "id")
    )


def employer_checkpoint_or_404(user, pk: int) -> Checkpoint:
    return get_object_or_404(
        Checkpoint.objects.filter(placement__in=placements_for_employer(user).values("pk")).select_related(
            "placement", "placement__participant", "placement__proposal", "placement__employer"
        ),
        pk=pk,
    )


def key_worker_checkpoint_or_404(user, pk: int) -> Checkpoint:
    """A checkpoint of a placement in the key worker's caseload (404 for anyone else's)."""
    return get_object_or_404(
        Checkpoint.objects.filter(placement__in=placements_for_key_worker(user)).select_related(
            "placement", "placement__participant", "placement__employer"
        ),
        pk=pk,
    )


# --- mentoring and route-ways ---------------------------------------------------------------------


def _mentors() -> QuerySet[MentorProfile]:
    return MentorProfile.objects.select_related("user", "employer").annotate(
        active_mentees=Count(
            "agreements", filter=Q(agreements__status=MentoringStatus.ACTIVE), distinct=True
        ),
        total_mentees=Count("agreements", distinct=True),
    )


def mentors_for_mentee(participant, *, sector: str = "") -> list[MentorProfile]:
    """Trained, active mentors in a sector that interests the mentee (or the chosen sector)."""
    wanted = {sector} if sector else set(participant.sector_interests or [])
    mentors = _mentors().filter(active=True, trained_on__isnull=False)
    return [m for m in mentors if not wanted or wanted & set(m.sectors)]


def mentor_for_mentee_or_404(participant, pk: int) -> MentorProfile:
    for mentor in mentors_for_mentee(participant):
        if mentor.pk == pk:
            return mentor
    raise Http404("No such mentor")


def all_mentors() -> QuerySet[MentorProfile]:
    return _mentors().order_by("user__first_name", "user__last_name", "id")


def mentoring_agreements_for_user(user) -> QuerySet[MentoringAgreement]:
    if not is_signed_in(user):
        return MentoringAgreement.objects.none()
    scope = Q(mentor__user=user)
    if can_use_caseload(user):
        scope |= Q(mentee__in=participants_for_user(user).values("pk"))
    return (
        MentoringAgreement.objects.filter(scope)
        .select_related("mentor", "mentor__user", "mentor__employer", "mentee")
        .annotate(contact_count=Count("contacts"))
        .order_by("status", "-starts_on", "-id")
    )


def mentoring_agreement_or_404(user, pk: int) -> MentoringAgreement:
    return get_object_or_404(mentoring_agreements_for_user(user), pk=pk)


def months_without_contact(
    agreement: MentoringAgreement, *, today: datetime.date | None = None
) -> list[str]:
    """Calendar months of the agreement so far with no contact logged (monthly contact expected)."""
    today = today or timezone.localdate()
    end = min(agreement.closed_on or agreement.ends_on, today)
    contacted = {
        (c.year, c.month) for c in agreement.contacts.values_list("happened_on", flat=True)
    }
    months, year, month = [], agreement.starts_on.year, agreement.starts_on.month
    while (year, month) < (end.year, end.month):  # the current month is not over yet
        if (year, month) not in contacted:
            months.append(datetime.date(year, month, 1).strftime("%B %Y"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def route_ways_available() -> QuerySet[RouteWay]:
    return RouteWay.objects.filter(
        active=True, opportunity__status=OpportunityStatus.LIVE
    ).select_related("opportunity", "opportunity__employer")


def placement_is_open(placement: Placement) -> bool:
    return placement.status == PlacementStatus.IN_WORK
