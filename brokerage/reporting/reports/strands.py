"""Report 2, strands: employers registered and opportunities created per strand, in a period
and as at a date.

Counted from the records: an employer counts in a strand once it registered there (in the
period, by the end of the as-at day); opportunities created are the places of opportunities
approved (went live) in the period, by the end of the as-at day. So a table published on a date
is reproduced by choosing that date as "as at" (``SAVED_VIEWS``), while the live table moves on.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet, Sum

from brokerage.opportunities.models import Opportunity, StrandRegistration
from brokerage.reference.models import Measure, Strand, Target
from brokerage.reporting.selectors import ReportScope
from brokerage.reporting.tables import PERCENT, TEXT, Chart, Column, Table, share

#: Published tables kept as saved views: programme slug -> [(label, filters)].
SAVED_VIEWS: dict[str, list[tuple[str, dict[str, datetime.date]]]] = {
    "plan-500": [
        (
            "The strand table as published on 6 May 2011 (seed 002)",
            {
                "date_from": datetime.date(2010, 8, 1),
                "date_to": datetime.date(2011, 5, 6),
                "as_at": datetime.date(2011, 5, 6),
            },
        )
    ]
}


def _by_strand(targets: QuerySet[Target]) -> dict[int, int]:
    """Strand id → target value (of strand targets: ``strand__isnull=False``), later rows winning."""
    return {t.strand_id: t.value for t in targets if t.strand_id is not None}


def _strand_targets(scope: ReportScope) -> tuple[dict[int, int], str]:
    """Each strand's opportunities target for the period (the latest period overlapping it) and
    a note when none overlaps: then the target of the nearest period is shown, and said so."""
    all_targets = Target.objects.filter(
        programme=scope.programme, strand__isnull=False, area__isnull=True,
        measure=Measure.OPPORTUNITIES_CREATED,
    ).order_by("period_start")
    targets = _by_strand(
        all_targets.filter(Q(period_start__lte=scope.date_to), Q(period_end__gte=scope.date_from))
    )
    if targets or not all_targets.exists():
        return targets, ""
    nearest = min(
        all_targets,
        key=lambda t: min(abs((t.period_start - scope.date_to).days),
                          abs((t.period_end - scope.date_from).days)),
    )
    targets = _by_strand(all_targets.filter(period_start=nearest.period_start))
    return targets, (
        "No target was set for this period, so the targets shown are those for "
        f"{nearest.period_start:%-d %B %Y} to {nearest.period_end:%-d %B %Y}."
    )


def strand_table(scope: ReportScope) -> Table | None:
    strands = list(Strand.objects.filter(programme=scope.programme).order_by("order", "name"))
    if not strands:
        return None
    until = min(scope.ends_before, scope.recorded_before)
    registrations = StrandRegistration.objects.filter(
        strand__programme=scope.programme,
        registered_at__gte=scope.starts_at,
        registered_at__lt=until,
    )
    registered = dict(
        registrations.values("strand").annotate(n=Count("employer", distinct=True))
        .values_list("strand", "n").order_by()
    )
    created = dict(
        Opportunity.objects.filter(
            strand__programme=scope.programme,
            approved_at__gte=scope.starts_at,
            approved_at__lt=until,
        ).values("strand").annotate(places=Sum("places")).values_list("strand", "places")
        .order_by()
    )
    targets, target_note = _strand_targets(scope)
    rows = [
        {
            "strand": strand.name, "target": targets.get(strand.pk),
            "employers": registered.get(strand.pk, 0), "created": created.get(strand.pk) or 0,
            "share": share(created.get(strand.pk) or 0, targets.get(strand.pk)),
        }
        for strand in strands
    ]
    distinct = registrations.values("employer").distinct().count()
    target_total = sum(r["target"] or 0 for r in rows) if targets else None
    created_total = sum(r["created"] for r in rows)
    return Table(
        slug="strands",
        caption="Employers registered and opportunities created, by strand",
        columns=[
            Column("strand", "Strand", TEXT),
            Column("target", "Target (opportunities)"),
            Column("employers", "Employers registered"),
            Column("created", "Opportunities created"),
            Column("share", "Created as a share of target", PERCENT),
        ],
        rows=rows,
        total={
            "strand": "Total",
            "target": target_total,
            "employers": sum(r["employers"] for r in rows),
            "created": created_total,
            "share": share(created_total, target_total),
        },
        notes=[
            f"Distinct employers: {distinct}. An employer can register "
            "in more than one strand, so the employers column adds up to more than this.",
            "Employers registered in the period and opportunities created (the places in "
            "opportunities that went live) in the period, as recorded by the end of the "
            "‘as at’ date; the area filter does not apply to this table. The target is the "
            "strand’s target for the period.",
            *([target_note] if target_note else []),
        ],
        chart=Chart(
            "bar",
            "strand",
            [("Target", "target"), ("Opportunities created", "created")],
            "Opportunities created against target, by strand",
            "opportunities",
        ),
    )
