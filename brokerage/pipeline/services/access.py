"""Who may act on a proposal: the employer's members on one side, the key worker on the other."""

from django.core.exceptions import ValidationError

from brokerage.employers.models import EmployerMembership
from brokerage.participants.selectors import participants_for_user
from brokerage.pipeline.models import Proposal
from portal.accounts.permissions import Actor, can_use_caseload, is_signed_in

EMPLOYER, KEY_WORKER = "employer", "key_worker"


def is_employer_member(user: Actor, employer_id: int) -> bool:
    return bool(
        is_signed_in(user)
        and EmployerMembership.objects.filter(user=user, employer_id=employer_id).exists()
    )


def can_act_for_participant(user: Actor, participant) -> bool:
    return bool(
        can_use_caseload(user)
        and participants_for_user(user).filter(pk=participant.pk).exists()
    )


def actor_sides(actor: Actor, proposal: Proposal) -> set[str]:
    sides = set()
    if is_employer_member(actor, proposal.opportunity.employer_id):
        sides.add(EMPLOYER)
    if can_act_for_participant(actor, proposal.participant):
        sides.add(KEY_WORKER)
    return sides


def require_key_worker(actor: Actor, participant) -> None:
    if not can_act_for_participant(actor, participant):
        raise ValidationError("You cannot act for this participant")
