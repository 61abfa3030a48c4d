"""Which opportunity types count toward each outcome measure of a programme (``MeasureRule``
rows, or the seeds' defaults), and the one attribution rule every report reads.

Attribution: an outcome counts for the programme the person was enrolled on when it happened
(``OutcomeRecord.enrolment``), in the area they lived in then (``OutcomeRecord.area``), and,
where the opportunity belongs to a strand, for that strand too. It counts toward a measure only
when its opportunity's type is one the programme counts for that measure.
"""

from __future__ import annotations

from django.db.models import Q

from brokerage.opportunities.models import OpportunityType
from brokerage.reference.models import Measure, Programme
from brokerage.reporting.models import DEFAULT_MEASURE_TYPES, RULED_MEASURES, MeasureRule

ATTRIBUTION_RULE = (
    "An outcome counts once for the programme the person was enrolled on when it happened, in "
    "the area they lived in then (facts keep that context; later moves do not change them) and, "
    "where the opportunity belongs to a strand, for that strand too, whichever programme the "
    "opportunity was offered through. Tables, months, totals and the funnel all read the same "
    "outcome records with this rule."
)


def measure_types(programme: Programme) -> dict[str, list[str]]:
    """{measure: opportunity types counted}, the programme's rules over the seeds' defaults."""
    types = {str(m): list(v) for m, v in DEFAULT_MEASURE_TYPES.items()}
    for rule in MeasureRule.objects.filter(programme=programme):
        types[rule.measure] = list(rule.opportunity_types)
    return types


def measure_q(programme: Programme, measures, types: dict[str, list[str]] | None = None) -> Q:
    """Outcome records counted toward any of ``measures`` (each by its opportunity types)."""
    types = types if types is not None else measure_types(programme)
    q = Q(pk__in=[])
    for measure in measures:
        measure = str(measure)
        if measure in types:
            q |= Q(measure=measure, opportunity_type__in=types[measure])
        else:
            q |= Q(measure=measure)
    return q


def measure_type_text(measure: str, types: dict[str, list[str]]) -> str:
    labels = dict(OpportunityType.choices)
    chosen = [str(labels.get(t, t)).lower() for t in types.get(measure, [])]
    if not chosen:
        return "No opportunity type counts toward this measure."
    listed = chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " or " + chosen[-1]
    return f"Counts starts on: {listed}."


__all__ = ["ATTRIBUTION_RULE", "RULED_MEASURES", "Measure", "measure_q", "measure_types"]
