"""Route-ways: completing a linked course earns a guaranteed interview."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from brokerage.audit.services import audit_event_record
from brokerage.pipeline.models import OPEN_STATUSES, Proposal, RouteWayCompletion
from brokerage.pipeline.services.access import require_key_worker
from brokerage.pipeline.services.proposals import proposal_create
from portal.accounts.models import User


def route_way_completion_record(
    *, actor: User, participant, route_way, completed_on: datetime.date
) -> RouteWayCompletion:
    """Completing a linked course earns the employer's guaranteed interview: a proposal the
    employer cannot decline before interviewing."""
    require_key_worker(actor, participant)
    if completed_on is None or completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date must be today or in the past"})
    if RouteWayCompletion.objects.filter(route_way=route_way, participant=participant).exists():
        raise ValidationError(
            {"route_way": f"{participant.full_name} has already completed this route-way"}
        )
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
        audit_event_record(
            actor=actor,
            action="pipeline.route_way_completed",
            obj=proposal,
            summary=f"{participant.reference} completed ‘{route_way.name}’: guaranteed interview",
        )
    return completion
