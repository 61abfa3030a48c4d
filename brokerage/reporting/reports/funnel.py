"""Report 4, pipeline funnel: from referral to a sustained job, with drop-off at each stage."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from brokerage.participants.models import Participant, Readiness, ReadinessChange
from brokerage.pipeline.models import (
    OutcomeKind,
    OutcomeRecord,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)
from brokerage.reference.models import Measure
from brokerage.reporting.measures import ATTRIBUTION_RULE, measure_q, measure_types
from brokerage.reporting.selectors import OTHER, UNKNOWN, ReportScope
from brokerage.reporting.tables import DETAILS, PERCENT, TEXT, Chart, Column, Table, share

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

FUNNEL_STAGES = [
    ("referred", "Referred"),
    ("assessed", "Assessed"),
    ("job_ready", "Job ready"),
    ("proposed", "Proposed to an employer"),
    ("interviewed", "Interviewed"),
    ("started", "Started"),
    ("sustained", "Sustained 26 weeks"),
]


class _Furthest(TypedDict):
    stage: int


def funnel_participants(scope: ReportScope) -> QuerySet[WithAnnotations[Participant, _Furthest]]:
    """People referred to the programme in the range, each with the furthest stage they reached.

    ``stage`` is the index in ``FUNNEL_STAGES``: a ``Case`` tests the latest stage first; each
    stage's evidence is a set of people found once per query.
    """
    interviewed_statuses = [
        ProposalStatus.INTERVIEWED,
        ProposalStatus.OFFERED,
        ProposalStatus.ACCEPTED,
        ProposalStatus.OFFER_REFUSED,
        ProposalStatus.STARTED,
    ]
    recorded = scope.recorded_before
    programme = scope.programme
    attributed = OutcomeRecord.objects.filter(enrolment=programme, created_at__lt=recorded)
    types = measure_types(programme)
    # Each stage's people found once (``pk IN (...)``, a hashed semi-join), not per person.
    evidence = [
        Q(pk__in=attributed.filter(
            measure_q(programme, [Measure.SUSTAINED_26W], types),
            kind=OutcomeKind.CHECKPOINT_MET,
        ).values("participant")),
        Q(pk__in=attributed.filter(
            measure_q(programme, [Measure.STARTS, Measure.PLACEMENTS], types),
            kind__in=[OutcomeKind.START, OutcomeKind.PLACEMENT],
        ).values("participant")),
        # No join back to the person's programme here: the people are the programme's already,
        # and joining made each list cost a pass over every person (0.9 s at 100,000).
        Q(pk__in=ProposalEvent.objects.filter(
            to_status__in=interviewed_statuses, at__lt=recorded,
        ).values("proposal__participant")),
        Q(pk__in=Proposal.objects.filter(created_at__lt=recorded).values("participant")),
        Q(pk__in=ReadinessChange.objects.filter(
            to_readiness=Readiness.JOB_READY, changed_on__lte=scope.as_at_date,
        ).values("participant"))
        | Q(readiness=Readiness.JOB_READY, readiness_changed_on__lte=scope.as_at_date)
        | Q(readiness=Readiness.JOB_READY, readiness_changed_on__isnull=True),
        Q(assessed_on__isnull=False, assessed_on__lte=scope.as_at_date),
    ]
    last = len(FUNNEL_STAGES) - 1
    return Participant.objects.annotate(
        # The area at referral; the current area only for people created before it was kept.
        funnel_area=Coalesce("referral_area", "area"),
    ).filter(
        scope.area_q("funnel_area"),
        programme=scope.programme,
        referred_on__gte=scope.date_from,
        referred_on__lte=min(scope.date_to, scope.as_at_date),
    ).annotate(
        stage=Case(
            *[When(condition, then=Value(last - i)) for i, condition in enumerate(evidence)],
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def funnel_counts(scope: ReportScope) -> dict[int, dict[str, int]]:
    """{area row key: {stage key: people who reached it or a later stage}} (the funnel never widens)."""
    # Grouped by the area itself (one cheap column), not by its row (a ``CASE`` SQLite works
    # out twice per person); the few areas are put in their rows here.
    rows = (
        funnel_participants(scope).values("funnel_area", "stage").annotate(people=Count("pk"))
        .order_by()
    )
    listed = set(scope.area_ids)
    furthest: dict[int, list[int]] = {}
    for row in rows:
        area = row["funnel_area"]
        key = UNKNOWN if area is None else area if area in listed else OTHER
        furthest.setdefault(key, [0] * len(FUNNEL_STAGES))[row["stage"]] += row["people"]
    counts = {}
    for area_id, people in furthest.items():
        reached = [sum(people[i:]) for i in range(len(FUNNEL_STAGES))]
        counts[area_id] = {key: reached[i] for i, (key, _) in enumerate(FUNNEL_STAGES)}
    return counts


def funnel_tables(scope: ReportScope) -> list[Table]:
    by_area = funnel_counts(scope)
    totals = {key: sum(row[key] for row in by_area.values()) for key, _ in FUNNEL_STAGES}

    rows, previous = [], None
    for key, label in FUNNEL_STAGES:
        number = totals[key]
        rows.append({
            "stage": label, "people": number,
            "of_referred": share(number, totals["referred"]),
            "dropped": (previous - number) if previous is not None else None,
            "of_previous": share(number, previous) if previous is not None else None,
        })
        previous = number
    summary = Table(
        slug="funnel",
        caption="From referral to a sustained job",
        columns=[
            Column("stage", "Stage", TEXT),
            Column("people", "People"),
            Column("dropped", "Dropped off since the stage before"),
            Column("of_previous", "Share of the stage before", PERCENT),
            Column("of_referred", "Share of those referred", PERCENT),
        ],
        rows=rows,
        notes=[
            "The people referred to the programme in the period, followed to today. "
            "A person who reached a later stage counts in every stage before it.",
            "Each person counts in the area they lived in when referred, however they "
            "moved afterwards.",
            "Job ready: marked job ready at any time. Interviewed: an employer "
            "or key worker recorded the interview. Started and sustained 26 weeks: the same "
            "outcome records, with the same rule, as the targets and outcomes report (the "
            "person's start, or 26-week check, counted for this programme).",
            ATTRIBUTION_RULE,
            "Followed to the ‘as at’ date: anything recorded after it is not counted.",
        ],
        chart=Chart("bar", "stage", [("People", "people")], "People at each stage", "people"),
    )
    area_table_rows = []
    other_names = (
        scope.other_area_names(funnel_participants(scope), "funnel_area") if OTHER in by_area else []
    )
    for area_key, name in scope.area_rows():
        row = by_area.get(area_key)
        if row is None:
            if area_key in (OTHER, UNKNOWN):
                continue
            row = {stage: 0 for stage, _ in FUNNEL_STAGES}
        area_table_rows.append({"area": name, **{stage: row[stage] for stage, _ in FUNNEL_STAGES},
                                "conversion": share(row["started"], row["referred"]),
                                DETAILS: other_names if area_key == OTHER else []})
    by_area_table = Table(
        slug="funnel-by-area",
        caption="Funnel by area",
        columns=[Column("area", "Area", TEXT)]
        + [Column(key, label) for key, label in FUNNEL_STAGES]
        + [Column("conversion", "Started as a share of referred", PERCENT)],
        rows=area_table_rows,
        total={
            "area": "Total",
            **totals,
            "conversion": share(totals["started"], totals["referred"]),
        },
    )
    return [summary, by_area_table]
