"""The proposal's statuses and the only ways between them.

A status moves only through ``TRANSITIONS``: anything else raises ``IllegalTransition`` with a
message a person can read, whatever the page showed.
"""

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from brokerage.pipeline.models import DecisionReason, Proposal, ProposalEvent, ProposalStatus
from brokerage.pipeline.services.access import EMPLOYER, KEY_WORKER, actor_sides
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor
from portal.core.exceptions import IllegalTransition

S = ProposalStatus

# action -> (statuses it may start from, status it ends in, who may take it, reason required)
TRANSITIONS: dict[str, tuple[frozenset[str], str, frozenset[str], bool]] = {
    "open": (frozenset({S.PROPOSED}), S.WITH_EMPLOYER, frozenset({EMPLOYER}), False),
    "book_interview": (
        frozenset({S.PROPOSED, S.WITH_EMPLOYER}),
        S.INTERVIEW_BOOKED,
        frozenset({EMPLOYER}),
        False,
    ),
    "decline": (
        frozenset({S.PROPOSED, S.WITH_EMPLOYER, S.INTERVIEW_BOOKED, S.INTERVIEWED}),
        S.DECLINED,
        frozenset({EMPLOYER}),
        True,
    ),
    "interviewed": (
        frozenset({S.INTERVIEW_BOOKED}),
        S.INTERVIEWED,
        frozenset({EMPLOYER, KEY_WORKER}),
        False,
    ),
    "no_show": (
        frozenset({S.INTERVIEW_BOOKED}),
        S.NO_SHOW,
        frozenset({EMPLOYER, KEY_WORKER}),
        True,
    ),
    "offer": (frozenset({S.INTERVIEWED}), S.OFFERED, frozenset({EMPLOYER}), False),
    "accept": (frozenset({S.OFFERED}), S.ACCEPTED, frozenset({KEY_WORKER}), False),
    "refuse_offer": (frozenset({S.OFFERED}), S.OFFER_REFUSED, frozenset({KEY_WORKER}), True),
    "start": (frozenset({S.ACCEPTED}), S.STARTED, frozenset({KEY_WORKER}), False),
    "withdraw": (
        frozenset(
            {S.PROPOSED, S.WITH_EMPLOYER, S.INTERVIEW_BOOKED, S.INTERVIEWED, S.OFFERED, S.ACCEPTED}
        ),
        S.WITHDRAWN,
        frozenset({KEY_WORKER}),
        True,
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


def locked_proposal(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related(
            "participant", "participant__key_worker", "opportunity", "opportunity__employer"
        )
        .get(pk=proposal.pk)
    )


def transition_apply(
    proposal: Proposal, action: str, *, actor: User, reason: str = "", system: bool = False,
    reasons: Sequence[DecisionReason] = (),
) -> ProposalEvent:
    allowed_from, to_status, who, reason_required = TRANSITIONS[action]
    if not system and not (actor_sides(actor, proposal) & who):
        raise ValidationError(f"You cannot {ACTION_VERBS[action]} this candidate")
    if proposal.status not in allowed_from:
        raise IllegalTransition(
            f"You cannot {ACTION_VERBS[action]} a candidate whose "
            f"status is ‘{proposal.get_status_display().lower()}’"
        )
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError({"reason": "Enter a reason"})
    from_status = proposal.status
    proposal.status = to_status
    if reason:
        proposal.status_reason = reason
    proposal.save(update_fields=["status", "status_reason", "updated_at"])
    event = ProposalEvent.objects.create(
        proposal=proposal, from_status=from_status, to_status=to_status,
        actor=recorded_actor(actor), reason=reason,
    )
    if reasons:  # the picked reasons, kept as data beside the text
        event.reasons.set(reasons)
    return event
