"""Report 1, outcomes: targets against actuals, per area, by strand and by month.

A measure counts each person once, however many records they have, from the immutable
``OutcomeRecord`` rows (missed checkpoints and leavers never count), attributed by the one rule
in ``brokerage.reporting.measures`` (the programme the person was enrolled on and the area
they lived in at the time; the opportunity types the programme counts for the measure).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, Count, Max, Min, QuerySet, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from brokerage.pipeline.models import CheckpointRule, OutcomeKind, OutcomeRecord
from brokerage.reference.models import Measure, Programme, Strand, Target
from brokerage.reporting.measures import (
    ATTRIBUTION_RULE,
    measure_q,
    measure_type_text,
    measure_types,
)
from brokerage.reporting.models import RULED_MEASURES, OutcomeSummary
from brokerage.reporting.selectors import OTHER, UNKNOWN, ReportScope
from brokerage.reporting.tables import (
    DETAILS,
    PERCENT,
    TEXT,
    Chart,
    Column,
    Table,
    month_range,
    share,
)

# The measures the outcome report shows, in order (seed 003's table), and the kinds of
# outcome record that count toward them. Missed checkpoints and leavers never count.
OUTCOME_MEASURES = RULED_MEASURES  # each counts the opportunity types its programme sets
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
    """How each measure is counted, from the programme's checkpoint and measure rules (printed
    under the table)."""
    rules = {rule.counts_as: rule for rule in checkpoint_rules(programme).order_by("order")}
    types = measure_types(programme)
    definitions = [
        (
            Measure.STARTS.label,
            "People who started paid work (a start outcome record). "
            + measure_type_text(Measure.STARTS, types),
        ),
        (
            Measure.PLACEMENTS.label,
            "People who started an unpaid placement. "
            + measure_type_text(Measure.PLACEMENTS, types),
        ),
    ]
    for measure in outcome_measures(programme):
        if measure not in CHECKPOINT_MEASURES:
            continue
        rule = rules.get(measure)
        if rule is None:
            text = (
                "No checkpoint rule counts toward this measure, so no new checks are "
                "scheduled for it. " + measure_type_text(measure, types)
            )
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
                "before then, or whose check was missed, is not counted. "
                + measure_type_text(measure, types)
            )
        definitions.append((measure.label, text))
    definitions.append(
        (
            Measure.PROGRESSIONS.label,
            "People with a recorded progression in work: training, "
            "more hours, higher pay, a second job or a promotion. "
            + measure_type_text(Measure.PROGRESSIONS, types),
        )
    )
    definitions.append(("Who counts where", ATTRIBUTION_RULE))
    definitions.append(
        (
            "Counting",
            "Each person counts once per measure, however many records they have (someone "
            "who started twice is one start). A fact counts in the period it happened, as "
            "recorded by the end of the ‘as at’ date. People living outside the programme’s "
            "areas count under ‘Other areas’. The total counts each person once, so it is "
            "the number of different people, even if someone counts in two areas.",
        )
    )
    definitions.append(
        (
            "Targets",
            "Each area’s target is shown against that area. The total is measured against "
            "the programme-wide target where there is one, otherwise against the sum of the "
            "areas’ targets; the ‘Target is’ column says which.",
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


def counted_outcomes(scope: ReportScope, measures=None) -> QuerySet[OutcomeRecord]:
    """The outcome records counted for the scope: attributed to its programme (enrolment at the
    time), in its areas, in its period, recorded by the as-at date, of a counted type."""
    measures = measures if measures is not None else outcome_measures(scope.programme)
    return OutcomeRecord.objects.filter(
        scope.area_q("area"),
        measure_q(scope.programme, measures),
        enrolment=scope.programme,
        kind__in=COUNTED_KINDS,
        occurred_on__gte=scope.date_from,
        occurred_on__lte=scope.date_to,
        created_at__lt=scope.recorded_before,
    )


MONTH = Substr(Cast("occurred_on", CharField()), 1, 7)  # "2025-06", native in SQL


@dataclass
class OutcomeCounts:
    """Different people per (area row, measure), per measure and per (month, measure)."""

    by_area: dict[tuple[int, str], int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    by_month: dict[tuple[str, str], int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "by_area": [[row, measure, n] for (row, measure), n in sorted(self.by_area.items())],
            "people": dict(sorted(self.people.items())),
            "by_month": [[month, measure, n]
                         for (month, measure), n in sorted(self.by_month.items())],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutcomeCounts:
        return cls(
            by_area={(row, measure): n for row, measure, n in data["by_area"]},
            people=dict(data["people"]),
            by_month={(month, measure): n for month, measure, n in data["by_month"]},
        )


def outcome_counts(scope: ReportScope, measures) -> OutcomeCounts:
    """Every count the outcome report shows, from one pass over the records.

    The inner query is one row per (measure, person) with the lowest and highest area row and
    month they count in; the outer one counts the people per (measure, area, month), a few
    hundred rows. The few people who count in more than one area or month (they moved, or
    started twice) come back one by one and have their areas and months read, so each counts
    once in every area and month they count in and once in the total, exactly as a
    ``COUNT(DISTINCT)`` per grouping would count them.
    """
    records = counted_outcomes(scope, measures)
    per_person = (
        records.values("measure", "participant")
        .annotate(row_lo=Min(scope.area_key("area")), row_hi=Max(scope.area_key("area")),
                  month_lo=Min(MONTH), month_hi=Max(MONTH))
        .order_by()
    )
    sql, params = per_person.query.sql_with_params()
    q = connection.ops.quote_name
    mixed = (
        f"CASE WHEN {q('row_lo')} <> {q('row_hi')} OR {q('month_lo')} <> {q('month_hi')} "
        f"THEN {q('participant')} END"
    )
    grouped = f"{q('measure')}, {q('row_lo')}, {q('month_lo')}, {mixed}"
    counts = OutcomeCounts()
    several: dict[str, set[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {grouped}, COUNT(*) FROM ({sql}) per_person GROUP BY {grouped}", params
        )
        for measure, row, month, person, people in cursor.fetchall():
            counts.people[measure] = counts.people.get(measure, 0) + people
            if person is not None:
                several.setdefault(measure, set()).add(person)
                continue
            counts.by_area[(row, measure)] = counts.by_area.get((row, measure), 0) + people
            counts.by_month[(month, measure)] = counts.by_month.get((month, measure), 0) + people
    ids = sorted(set().union(*several.values())) if several else []
    areas_seen: set[tuple[int, str, int]] = set()
    months_seen: set[tuple[str, str, int]] = set()
    for start in range(0, len(ids), 500):
        rows = (
            records.filter(participant__in=ids[start:start + 500])
            .values("measure", "participant", row=scope.area_key("area"), month=MONTH)
            .distinct().order_by()
        )
        for found in rows:
            measure, person = found["measure"], found["participant"]
            if person in several.get(measure, ()):
                areas_seen.add((found["row"], measure, person))
                months_seen.add((found["month"], measure, person))
    for row, measure, _person in areas_seen:
        counts.by_area[(row, measure)] = counts.by_area.get((row, measure), 0) + 1
    for month, measure, _person in months_seen:
        counts.by_month[(month, measure)] = counts.by_month.get((month, measure), 0) + 1
    return counts


def default_scope(programme: Programme) -> ReportScope:
    """The view the report opens on: the whole period to today, every area, as at today."""
    today = timezone.localdate()
    return ReportScope(
        programme=programme, date_from=programme.start_date,
        date_to=min(programme.end_date, today), areas=tuple(programme.areas.order_by("name")),
        restricted=False, as_at=today,
    )


def summary_fingerprint(scope: ReportScope, measures) -> str:
    """Everything the outcome counts depend on besides the records themselves."""
    types = measure_types(scope.programme)
    key = {
        "from": scope.date_from.isoformat(), "to": scope.date_to.isoformat(),
        "as_at": scope.as_at_date.isoformat(), "areas": sorted(scope.area_ids),
        "restricted": scope.restricted,
        "measures": [[str(m), sorted(types.get(str(m), []))] for m in measures],
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def outcome_summary_refresh(programme: Programme) -> OutcomeCounts:
    """Recount the programme's default view and keep the counts (``OutcomeSummary``)."""
    scope = default_scope(programme)
    measures = outcome_measures(programme)
    # The mark is read before counting: a record committed meanwhile makes the row stale.
    mark = OutcomeRecord.objects.aggregate(mark=Max("pk"))["mark"] or 0
    counts = outcome_counts(scope, measures)
    try:
        with transaction.atomic():
            OutcomeSummary.objects.update_or_create(
                programme=programme,
                defaults={"fingerprint": summary_fingerprint(scope, measures),
                          "last_record_id": mark, "counts": counts.as_json()},
            )
    except DatabaseError:
        pass  # another process was keeping them at the same moment: the counts stand
    return counts


def _current_summary(scope: ReportScope, fingerprint: str) -> OutcomeCounts | None:
    """The kept counts for this view, if no outcome record has been written since they were
    counted (records are never changed or deleted, so they then equal a recount)."""
    kept = (
        OutcomeSummary.objects.filter(programme=scope.programme, fingerprint=fingerprint)
        .values_list("last_record_id", "counts").first()
    )
    if kept is not None and not OutcomeRecord.objects.filter(pk__gt=kept[0]).exists():
        return OutcomeCounts.from_json(kept[1])
    return None


def outcome_counts_kept(scope: ReportScope, measures) -> OutcomeCounts:
    """``outcome_counts``, read from the programme's ``OutcomeSummary`` when it holds this
    view and is current; otherwise recounted, and kept when this is the default view."""
    fingerprint = summary_fingerprint(scope, measures)
    kept = _current_summary(scope, fingerprint)
    if kept is not None:
        return kept
    default = default_scope(scope.programme)
    if fingerprint == summary_fingerprint(default, outcome_measures(scope.programme)):
        return outcome_summary_refresh(scope.programme)
    return outcome_counts(scope, measures)


def outcome_people(scope: ReportScope, measures) -> dict[str, int]:
    """{measure: distinct people} over the whole scope (the total of each measure)."""
    rows = (
        counted_outcomes(scope, measures)
        .values("measure")
        .annotate(people=Count("participant", distinct=True))
        .order_by()
    )
    return {row["measure"]: row["people"] for row in rows}


def outcome_tables(scope: ReportScope) -> list[Table]:
    measures = outcome_measures(scope.programme)
    counts = outcome_counts_kept(scope, measures)
    actuals, totals = counts.by_area, counts.people
    targets, overall = _targets(scope, measures)
    other_names = (
        scope.other_area_names(counted_outcomes(scope, measures), "area")
        if any(key == OTHER for key, _ in actuals)
        else []
    )

    summary_rows: list[dict[str, Any]] = []
    by_area_rows: list[dict[str, Any]] = []
    for measure in measures:
        per_area: list[dict[str, Any]] = []
        for key, name in scope.area_rows():
            actual = actuals.get((key, measure.value), 0)
            if key in (OTHER, UNKNOWN) and not actual:
                continue  # nobody outside the listed areas: leave the row out
            target = targets.get((key, measure.value))
            per_area.append({
                "area": name, "measure": measure.label, "target": target, "actual": actual,
                "share": share(actual, target),
                DETAILS: other_names if key == OTHER else [],
            })
        area_targets = [r["target"] for r in per_area if r["target"] is not None]
        area_sum = sum(area_targets) if area_targets else None
        programme_wide = overall.get(measure.value) if not scope.restricted else None
        if programme_wide is not None:
            target_total, basis = programme_wide, "Programme-wide target"
        elif area_sum is not None:
            target_total, basis = area_sum, "Sum of the areas’ targets"
        else:
            target_total, basis = None, "No target"
        actual_total = totals.get(measure.value, 0)
        summary_rows.append({
            "measure": measure.label, "target": target_total, "basis": basis,
            "programme_wide": programme_wide, "area_targets": area_sum,
            "actual": actual_total, "share": share(actual_total, target_total),
        })
        by_area_rows.extend(per_area)

    summary = Table(
        slug="outcomes",
        caption="Targets against actuals",
        columns=[
            Column("measure", "Measure", TEXT),
            Column("programme_wide", "Programme-wide target"),
            Column("area_targets", "Sum of the areas’ targets"),
            Column("target", "Target used for the total"),
            Column("basis", "Target is", TEXT),
            Column("actual", "Actual (different people)"),
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
        notes=[f"Other areas: {', '.join(other_names)}."] if other_names else [],
    )
    tables = [summary, by_area, outcomes_by_month(scope, counts)]
    strands = outcomes_by_strand(scope, measures)
    if strands is not None:
        tables.append(strands)
    return tables


MONTH_KEYS = {
    Measure.STARTS: "starts",
    Measure.JOB_STARTS_4W: "four",
    Measure.SUSTAINED_26W: "sustained",
}


def outcomes_by_month(scope: ReportScope, counts: OutcomeCounts | None = None) -> Table:
    """People per month; ``counts`` is passed in by the outcome report, which has counted
    them already."""
    if counts is None:
        counts = outcome_counts(scope, list(MONTH_KEYS))
    people = counts.people
    months = {m: {"starts": 0, "four": 0, "sustained": 0} for m in month_range(scope)}
    for (month_text, measure), number in counts.by_month.items():
        if measure not in MONTH_KEYS:
            continue
        month = datetime.date(int(month_text[:4]), int(month_text[5:7]), 1)
        months.setdefault(month, {"starts": 0, "four": 0, "sustained": 0})[
            MONTH_KEYS[Measure(measure)]
        ] = number
    rows = [{"month": m, **values} for m, values in sorted(months.items())]
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
        total={
            "month": "Whole period (each person once)",
            **{key: people.get(measure, 0) for measure, key in MONTH_KEYS.items()},
        },
        notes=[
            "A month counts each person once; a person active in two months counts in both, "
            "so the whole period can be less than the sum of the months."
        ],
        chart=Chart("line", "month", [("Starts", "starts"), ("Sustained 4 weeks", "four"),
                                      ("Sustained 26 weeks", "sustained")],
                    "Job starts and sustained jobs by month", "people"),
    )


def strand_outcomes(scope: ReportScope, measures) -> QuerySet[OutcomeRecord]:
    """Outcome records on opportunities in the programme's strands, whatever programme the
    person was enrolled on (the strand half of the attribution rule)."""
    return OutcomeRecord.objects.filter(
        scope.area_q("area"),
        measure_q(scope.programme, measures),
        strand__programme=scope.programme,
        kind__in=COUNTED_KINDS,
        occurred_on__gte=scope.date_from,
        occurred_on__lte=scope.date_to,
        created_at__lt=scope.recorded_before,
    )


def outcomes_by_strand(scope: ReportScope, measures) -> Table | None:
    strands = list(Strand.objects.filter(programme=scope.programme).order_by("order", "name"))
    if not strands:
        return None
    shown = [m for m in measures if m in (Measure.STARTS, Measure.PLACEMENTS,
                                          Measure.SUSTAINED_26W)]
    counts = {
        (row["strand"], row["measure"]): row["people"]
        for row in strand_outcomes(scope, shown).values("strand", "measure")
        .annotate(people=Count("participant", distinct=True)).order_by()
    }
    people = {
        row["measure"]: row["people"]
        for row in strand_outcomes(scope, shown).values("measure")
        .annotate(people=Count("participant", distinct=True)).order_by()
    }
    rows = [
        {"strand": strand.name, **{m.value: counts.get((strand.pk, m.value), 0) for m in shown}}
        for strand in strands
    ]
    return Table(
        slug="outcomes-by-strand",
        caption="Outcomes on each strand’s opportunities",
        columns=[Column("strand", "Strand", TEXT)] + [Column(m.value, m.label) for m in shown],
        rows=rows,
        total={"strand": "Total (each person once)", **{m.value: people.get(m.value, 0)
                                                        for m in shown}},
        notes=[
            "Everyone who started on an opportunity in one of the programme’s strands counts "
            "for that strand, whichever programme they are enrolled on; they count in the "
            "tables above only when enrolled on this programme."
        ],
    )


def outcome_totals_for(scope: ReportScope) -> dict[str, int]:
    """{measure: different people} for starts, placements and jobs sustained 26 weeks: from
    the kept summary when it is current for this view (each measure is counted on its own, so
    the summary's figures for them are these), otherwise counted."""
    measures = [Measure.STARTS, Measure.PLACEMENTS, Measure.SUSTAINED_26W]
    all_measures = outcome_measures(scope.programme)
    kept = _current_summary(scope, summary_fingerprint(scope, all_measures))
    if kept is not None:
        return {m: n for m, n in kept.people.items() if m in measures}
    return outcome_people(scope, measures)
