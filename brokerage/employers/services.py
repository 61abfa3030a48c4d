import datetime

from django.utils import timezone

from brokerage.employers.models import Employer, Interaction


def interaction_record(
    *,
    employer: Employer,
    kind: str,
    summary: str,
    actor=None,
    partner=None,
    happened_at: datetime.datetime | None = None,
) -> Interaction:
    """Add one entry to the employer's shared timeline."""
    return Interaction.objects.create(
        employer=employer,
        kind=kind,
        summary=summary,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        partner=partner,
        happened_at=happened_at or timezone.now(),
    )
