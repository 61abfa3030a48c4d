"""Report 1, outcomes: targets against actuals, per area and by month.

A measure counts each person once, however many records they have, from the immutable
``OutcomeRecord`` rows (missed checkpoints and leavers never count).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import CharField, Count, QuerySet, Sum
from django.db.models.functions import Cast, Substr

from brokerage.pipeline.models import CheckpointRule, OutcomeKind, OutcomeRecord
from brokerage.reference.models import Measure, Programme, Target
from brokerage.reporting.selectors import ReportScope
from brokerage.reporting.tables import PERCENT, TEXT, Chart, Column, Table, column_sum, share

# The measures the outcome report shows, in order (seed 003's table), and the kinds of
# outcome record that count toward them. Missed checkpoints and leavers never count.
OUTCOME_MEASURES = [
    Measure.STARTS,
    Measure.PLACEMENTS,
    Measure.JOB_STARTS_4W,
    Measure.SUSTAINED_13W,
    Measure.SUSTAINED_26W,
    Measure.PROGRESSIONS,
]
COUNTED_KINDS = [
    OutcomeKind.START,
    OutcomeKind.PLACEMENT,
    OutcomeKind.CHECKPOINT_MET,
    OutcomeKind.PROGRESSION,
]
CHECKPOINT_MEASURES = {Measure.JOB_STARTS_4W, Measure.SUSTAINED_13W, Measure.SUSTAINED_26W}


def checkpoint_rules(programme: Programme) -> QuerySet[CheckpointRule]:
    return CheckpointRule.objects.filter(programme=programme, active=True).exclude(counts_as="")


def outcome_measures(programme: Programme) -> list[Measure]:
    """The seed's five measures; 13 weeks too when the programme has a rule counting it."""
    has_13w = checkpoint_rules(programme).filter(counts_as=Measure.SUSTAINED_13W).exists()
    return [m for m in OUTCOME_MEASURES if m != Measure.SUSTAINED_13W or has_13w]


def outcome_definitions(programme: Programme) -> list[tuple[str, str]]:
    """How each measure is counted, from the programme's checkpoint rules (printed under the
    table)."""
    rules = {rule.counts_as: rule for rule in checkpoint_rules(programme).order_by("order")}
    definitions = [
        (
            Measure.STARTS.label,
            "People who started a paid job or apprenticeship (a start outcome record).",
        ),
        (
            Measure.PLACEMENTS.label,
            "People who started an unpaid placement: work "
            "experience, a work trial or volunteering.",
        ),
    ]
    for measure in outcome_measures(programme):
        if measure not in CHECKPOINT_MEASURES:
            continue
        rule = rules.get(measure)
        if rule is None:
            text = "No checkpoint rule counts toward this measure, so nothing is counted."
        else:
            when = []
            if rule.offset_months:
                when.append(f"{rule.offset_months} month{'s' if rule.offset_months != 1 else ''}")
            if rule.offset_days:
                when.append(f"{rule.offset_days} days")
            hours = (
                f", working at least {rule.min_hours.normalize():f} hours a week"
                if rule.min_hours
                else ""
            )
            text = (
                f"People confirmed still in work {' and '.join(when)} after "
                f"their start{hours} (rule ‘{rule.name}’). Someone who left "
                "before then, or whose check was missed, is not counted."
            )
        definitions.append((measure.label, text))
    definitions.append(
        (
            Measure.PROGRESSIONS.label,
            "People with a recorded progression in work: training, "
            "more hours, higher pay, a second job or a promotion.",
        )
    )
    definitions.append(
        (
            "Counting",
            "Each person counts once per measure, however many records they have (someone "
            "who started twice is one start). A fact counts in the period it happened and "
            "in the area the person lived in at the time. The total is the sum of the areas.",
        )
    )
    return definitions


def _targets(scope: ReportScope, measures) -> tuple[dict, dict]:
    """Targets whose period overlaps the range: {(area_id, measure): value} and
    {measure: programme-wide value}."""
    rows = (
        Target.objects.filter(
            programme=scope.programme, strand__isnull=True, measure__in=measures,
            period_start__lte=scope.date_to, period_end__gte=scope.date_from,
        )
        .values("area", "measure")
        .annotate(value=Sum("value"))
    )
    by_area, overall = {}, {}
    for row in rows:
        if row["area"] is None:
            overall[row["measure"]] = row["value"]
        else:
            by_area[(row["area"], row["measure"])] = row["value"]
    return by_area, overall


def counted_outcomes(scope: ReportScope) -> QuerySet[OutcomeRecord]:
    return OutcomeRecord.objects.filter(
        scope.area_q("area"),
        programme=scope.programme,
        kind__in=COUNTED_KINDS,
        occurred_on__gte=scope.date_from,
        occurred_on__lte=scope.date_to,
    )


def outcome_actuals(scope: ReportScope, measures) -> dict[tuple[int | None, str], int]:
    """{(area_id, measure): distinct people} in one grouped query."""
    rows = (
        counted_outcomes(scope)
        .filter(measure__in=measures)
        .values("area", "measure")
        .annotate(people=Count("participant", distinct=True))
        .order_by()
    )
    return {(row["area"], row["measure"]): row["people"] for row in rows}


def outcome_tables(scope: ReportScope) -> list[Table]:
    measures = outcome_measures(scope.programme)
    actuals = outcome_actuals(scope, measures)
    targets, overall = _targets(scope, measures)
    area_rows = scope.area_rows()

    summary_rows: list[dict[str, Any]] = []
    by_area_rows: list[dict[str, Any]] = []
    for measure in measures:
        per_area: list[dict[str, Any]] = []
        for area_id, name in area_rows:
            actual = actuals.get((area_id, measure.value), 0)
            target = targets.get((area_id, measure.value))
            if area_id is None and not actual:
                continue  # no unknown-area records: leave the row out
            per_area.append({
                "area": name, "measure": measure.label, "target": target, "actual": actual,
                "share": share(actual, target),
            })
        actual_total = column_sum(per_area, "actual")
        area_targets = [r["target"] for r in per_area if r["target"] is not None]
        target_total = sum(area_targets) if area_targets else (
            overall.get(measure.value) if not scope.restricted else None
        )
        summary_rows.append({
            "measure": measure.label, "target": target_total, "actual": actual_total,
            "share": share(actual_total, target_total),
        })
        by_area_rows.extend(per_area)

    summary = Table(
        slug="outcomes",
        caption="Targets against actuals",
        columns=[
            Column("measure", "Measure", TEXT),
            Column("target", "Target"),
            Column("actual", "Actual"),
            Column("share", "Actual as a share of target", PERCENT),
        ],
        rows=summary_rows,
        notes=[f"{label}: {text}" for label, text in outcome_definitions(scope.programme)],
        chart=Chart("bar", "measure", [("Target", "target"), ("Actual", "actual")],
                    "Targets and actuals by measure", "people"),
    )
    by_area = Table(
        slug="outcomes-by-area",
        caption="Targets against actuals by area",
        columns=[
            Column("area", "Area", TEXT),
            Column("measure", "Measure", TEXT),
            Column("target", "Target"),
            Column("actual", "Actual"),
            Column("share", "Share of target", PERCENT),
        ],
        rows=by_area_rows,
    )
    return [summary, by_area, outcomes_by_month(scope)]


def outcomes_by_month(scope: ReportScope) -> Table:
    keys = {
        Measure.STARTS: "starts",
        Measure.JOB_STARTS_4W: "four",
        Measure.SUSTAINED_26W: "sustained",
    }
    grouped = (
        counted_outcomes(scope)
        .filter(measure__in=list(keys))
        .annotate(month=Substr(Cast("occurred_on", CharField()), 1, 7))  # "2025-06", native in SQL
        .values("month", "measure")
        .annotate(people=Count("participant", distinct=True))
        .order_by()
    )
    months: dict[str, dict] = {}
    for row in grouped:
        month = months.setdefault(row["month"], {"starts": 0, "four": 0, "sustained": 0})
        month[keys[row["measure"]]] = row["people"]
    rows = [
        {"month": datetime.date(int(m[:4]), int(m[5:7]), 1), **values}
        for m, values in sorted(months.items())
    ]
    return Table(
        slug="outcomes-by-month",
        caption="Job starts and sustained jobs by month",
        columns=[
            Column("month", "Month", TEXT),
            Column("starts", "Starts"),
            Column("four", "Sustained 4 weeks"),
            Column("sustained", "Sustained 26 weeks"),
        ],
        rows=rows,
        notes=["A month counts each person once; a person active in two months counts in both."],
        chart=Chart("line", "month", [("Starts", "starts"), ("Sustained 4 weeks", "four"),
                                      ("Sustained 26 weeks", "sustained")],
                    "Job starts and sustained jobs by month", "people"),
    )


def outcome_totals_for(scope: ReportScope) -> dict[str, int]:
    actuals = outcome_actuals(scope, [Measure.STARTS, Measure.PLACEMENTS, Measure.SUSTAINED_26W])
    totals: dict[str, int] = {}
    for (_area, measure), people in actuals.items():
        totals[measure] = totals.get(measure, 0) + people
    return totals
