"""Facts that reporting and payments count, written once as ``OutcomeRecord`` rows.

Each fact has a key (``start:12``, ``checkpoint:34``...), so writing it again changes nothing
and nothing is double counted. Each fact keeps its context at the time it happened
(``outcome_context``): the area the person lived in, the programme they were enrolled on, their
key worker's partner, and the opportunity's strand and type.
"""

import datetime
from zoneinfo import ZoneInfo

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import Participant
from brokerage.pipeline.models import OutcomeContext, OutcomeRecord, Placement
from portal.accounts.models import User
from portal.accounts.permissions import recorded_actor

UK = ZoneInfo("Europe/London")
#: Audit actions after which a person's area or key worker may differ from what it was.
AREA_CHANGES = ("participant.updated",)
KEY_WORKER_CHANGES = ("participant.assigned", "participant.care_decided")


def _changed_since(participant: Participant, on: datetime.date, actions) -> bool:
    after = datetime.datetime.combine(
        on + datetime.timedelta(days=1), datetime.time.min, tzinfo=UK
    )
    events = AuditEvent.objects.filter(
        object_type=Participant._meta.label_lower, object_id=str(participant.pk),
        action__in=actions, created_at__gte=after,
    )
    if "participant.updated" in actions:
        return any("postcode" in (e.data or {}).get("fields", []) for e in events)
    return events.exists()


def outcome_context(participant: Participant, on: datetime.date) -> dict:
    """The person's area, enrolment and key worker's partner on ``on``.

    The person's current values, unless their postcode (area) or key worker changed after
    ``on``: then the value kept on their latest earlier fact (on or before ``on``), which was
    current when that fact was written.
    """
    key_worker = participant.key_worker
    context = {
        "area_id": participant.area_id,
        "enrolment_id": participant.programme_id,
        "key_worker_partner_id": key_worker.partner_id if key_worker is not None else None,
        "context": OutcomeContext.RECORDED,
    }
    area_moved = _changed_since(participant, on, AREA_CHANGES)
    worker_moved = _changed_since(participant, on, KEY_WORKER_CHANGES)
    if area_moved or worker_moved:
        earlier = (
            OutcomeRecord.objects.filter(participant=participant, occurred_on__lte=on)
            .exclude(context=OutcomeContext.NOT_KNOWN)
            .order_by("-occurred_on", "-pk")
            .values("area_id", "key_worker_partner_id")
            .first()
        )
        if earlier is None:
            context["context"] = OutcomeContext.NOT_KNOWN
        else:
            if area_moved:
                context["area_id"] = earlier["area_id"]
            if worker_moved:
                context["key_worker_partner_id"] = earlier["key_worker_partner_id"]
            context["context"] = OutcomeContext.EARLIER_FACT
    return context


def outcome_write(
    *, key: str, kind: str, placement: Placement, occurred_on, actor: User | None = None, **extra
) -> OutcomeRecord:
    """Write a fact once, with its context at the time it happened (``outcome_context``)."""
    existing = OutcomeRecord.objects.filter(key=key).first()
    if existing:
        return existing
    opportunity = placement.opportunity
    return OutcomeRecord.objects.create(
        key=key, kind=kind, placement=placement, participant=placement.participant,
        programme=placement.programme, employer=placement.employer,
        opportunity=opportunity, strand_id=opportunity.strand_id,
        opportunity_type=opportunity.opportunity_type, occurred_on=occurred_on,
        recorded_by=recorded_actor(actor),
        **outcome_context(placement.participant, occurred_on), **extra,
    )
