"""Report 4, pipeline funnel: from referral to a sustained job, with drop-off at each stage."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from brokerage.participants.models import Participant, Readiness, ReadinessChange
from brokerage.pipeline.models import (
    OutcomeKind,
    OutcomeRecord,
    Placement,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)
from brokerage.reference.models import Measure
from brokerage.reporting.selectors import ReportScope
from brokerage.reporting.tables import PERCENT, TEXT, Chart, Column, Table, share

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

    ``stage`` is the index in ``FUNNEL_STAGES``: a ``Case`` tests the latest stage first, so each
    row runs only the ``EXISTS`` lookups it needs (each on an indexed participant column).
    """
    person = OuterRef("pk")
    interviewed_statuses = [
        ProposalStatus.INTERVIEWED,
        ProposalStatus.OFFERED,
        ProposalStatus.ACCEPTED,
        ProposalStatus.OFFER_REFUSED,
        ProposalStatus.STARTED,
    ]
    evidence = [
        Exists(
            OutcomeRecord.objects.filter(
                participant=person, kind=OutcomeKind.CHECKPOINT_MET, measure=Measure.SUSTAINED_26W
            )
        ),
        Exists(Placement.objects.filter(participant=person)),
        Exists(
            ProposalEvent.objects.filter(
                proposal__participant=person, to_status__in=interviewed_statuses
            )
        ),
        Exists(Proposal.objects.filter(participant=person)),
        Q(readiness=Readiness.JOB_READY)
        | Exists(
            ReadinessChange.objects.filter(participant=person, to_readiness=Readiness.JOB_READY)
        ),
        Q(assessed_on__isnull=False),
    ]
    last = len(FUNNEL_STAGES) - 1
    return Participant.objects.filter(
        scope.area_q("area"),
        programme=scope.programme,
        referred_on__gte=scope.date_from,
        referred_on__lte=scope.date_to,
    ).annotate(
        stage=Case(
            *[When(condition, then=Value(last - i)) for i, condition in enumerate(evidence)],
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def funnel_counts(scope: ReportScope) -> dict[int | None, dict[str, int]]:
    """{area_id: {stage key: people who reached it or a later stage}} (the funnel never widens)."""
    rows = (
        funnel_participants(scope).values("area", "stage").annotate(people=Count("pk")).order_by()
    )
    furthest: dict[int | None, list[int]] = {}
    for row in rows:
        furthest.setdefault(row["area"], [0] * len(FUNNEL_STAGES))[row["stage"]] += row["people"]
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
            "Job ready: marked job ready at any time. Interviewed: an employer "
            "or key worker recorded the interview. Started: a placement was "
            "recorded. Sustained 26 weeks: the 26-week check was confirmed.",
        ],
        chart=Chart("bar", "stage", [("People", "people")], "People at each stage", "people"),
    )
    area_table_rows = []
    for area_id, name in scope.area_rows():
        row = by_area.get(area_id)
        if row is None:
            if area_id is None:
                continue
            row = {key: 0 for key, _ in FUNNEL_STAGES}
        area_table_rows.append({"area": name, **{key: row[key] for key, _ in FUNNEL_STAGES},
                                "conversion": share(row["started"], row["referred"])})
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
