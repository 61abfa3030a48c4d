"""What belongs in the search index, shared by every backend, the sync task and rebuild_index.

- An opportunity is indexed while it is live with places left.
- A participant is indexed while their anonymised profile may be shared (consent given, record
  open) and they are job ready or getting ready. No names or contact details are indexed.
"""

from django.db.models import F, QuerySet

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import Participant, Readiness
from brokerage.participants.selectors import profile_is_shareable, shareable_participants

OPPORTUNITY = "opportunities.opportunity"
PARTICIPANT = "participants.participant"
MODEL_LABELS = (OPPORTUNITY, PARTICIPANT)
INDEXED_READINESS = (Readiness.JOB_READY, Readiness.GETTING_READY)


def indexable_opportunities() -> QuerySet[Opportunity]:
    return (
        Opportunity.objects.filter(status=OpportunityStatus.LIVE, places_filled__lt=F("places"))
        .select_related("employer")
        .order_by("pk")
    )


def indexable_participants() -> QuerySet[Participant]:
    return (
        shareable_participants()
        .filter(readiness__in=INDEXED_READINESS)
        .prefetch_related("supporting_workers")
        .order_by("pk")
    )


def indexable_queryset(model_label: str) -> QuerySet:
    if model_label == OPPORTUNITY:
        return indexable_opportunities()
    if model_label == PARTICIPANT:
        return indexable_participants()
    raise ValueError(f"{model_label} is not searchable")


def is_indexable(model_label: str, obj) -> bool:
    if model_label == OPPORTUNITY:
        return obj.status == OpportunityStatus.LIVE and obj.places_filled < obj.places
    if model_label == PARTICIPANT:
        return profile_is_shareable(obj) and obj.readiness in INDEXED_READINESS
    return False
