"""Facts that reporting and payments count, written once as ``OutcomeRecord`` rows.

Each fact has a key (``start:12``, ``checkpoint:34``...), so writing it again changes nothing
and nothing is double counted.
"""

from brokerage.pipeline.models import OutcomeRecord, Placement


def outcome_write(
    *, key: str, kind: str, placement: Placement, occurred_on, actor=None, **extra
) -> OutcomeRecord:
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
