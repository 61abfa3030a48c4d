"""The eligibility hard filter's data: is a participant eligible for their programme *now*?

Not a copy of the rules: a coordinator's override counts, and otherwise the programme's active
``EligibilityRule`` rows (edited as data in the Wagtail admin) are run as they stand today by
``brokerage.participants.services.eligibility_evaluate`` — so a rule changed this morning
applies to this afternoon's matches, whatever the stored result of the last check says.

Many people share one programme, so the rules are read once per programme (with the
programme's areas) and passed in; a programme without active rules lets everyone through
without evaluating anyone. ``search.scoring.eligible`` applies the result (``Seeker.eligible``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch

from brokerage.participants.models import EligibilityRule, EligibilityStatus, Participant
from brokerage.participants.services import eligibility_evaluate
from brokerage.reference.models import Programme

#: The participant fields the rules read (and the override).
_FIELDS = (
    "pk", "programme_id", "eligibility_status", "referred_on", "date_of_birth", "area",
    "postcode", "benefit_type", "months_out_of_work", "target_groups",
)


def active_rules(programme_ids: Iterable[int | None]) -> dict[int, list[EligibilityRule]]:
    """Each programme's active rules (only programmes that have some), read in two queries."""
    wanted = {pk for pk in programme_ids if pk is not None}
    if not wanted:
        return {}
    found: dict[int, list[EligibilityRule]] = defaultdict(list)
    rules = (
        EligibilityRule.objects.filter(programme_id__in=wanted, active=True)
        .select_related("programme")
        .prefetch_related(Prefetch("programme__areas"))
        .order_by("programme_id", "order", "id")
    )
    for rule in rules:
        found[rule.programme_id].append(rule)
    return dict(found)


def _eligible(participant: Participant, rules: list[EligibilityRule]) -> bool:
    if participant.eligibility_status == EligibilityStatus.OVERRIDDEN:
        return True
    status, _results = eligibility_evaluate(participant, rules=rules)
    return status == EligibilityStatus.ELIGIBLE


def participant_eligible_now(participant: Participant) -> bool:
    """One participant (the participant's side of a match list)."""
    if participant.eligibility_status == EligibilityStatus.OVERRIDDEN:
        return True
    rules = active_rules([participant.programme_id]).get(participant.programme_id)
    if not rules:
        return True
    return _eligible(participant, rules)


def ineligible_ids(programme_of: dict[int, int | None]) -> set[int]:
    """Of the participants ``{pk: programme_id}``, those not eligible now."""
    rules = active_rules(set(programme_of.values()))
    ask = [pk for pk, programme_id in programme_of.items() if programme_id in rules]
    if not ask:
        return set()
    people = (
        Participant.objects.filter(pk__in=ask)
        .exclude(eligibility_status=EligibilityStatus.OVERRIDDEN)
        .select_related("area")
        .only(*_FIELDS)
    )
    return {p.pk for p in people.iterator(chunk_size=2000) if not _eligible(p, rules[p.programme_id])}


def programme_participant_ids(programme: Programme | int) -> list[int]:
    """Everyone on a programme (whose eligibility a rule change may alter)."""
    programme_id = programme if isinstance(programme, int) else programme.pk
    return list(Participant.objects.filter(programme_id=programme_id).values_list("pk", flat=True))
