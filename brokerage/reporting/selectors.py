"""Reports: targets against actuals, funnel, front door, money and strands, from the records.

Every figure is an aggregate computed in the database (``values().annotate(...)`` or
``aggregate(...)``); Python only arranges the handful of result rows into tables. Totals are
the sums of the area rows, never typed in. Who may see what:

- coordinators see the programmes they are assigned to (none assigned: none);
- finance officers see their programmes, or every programme when none is assigned (as for
  flexible fund budgets);
- a user with areas assigned sees only those areas' rows.

Anyone else sees no programme, and a programme outside a user's list is a 404.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat, Substr, TruncMonth
from django.http import Http404
from django.utils import timezone

from brokerage.employers.models import EmployerMembership
from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryType
from brokerage.opportunities.models import Opportunity
from brokerage.opportunities.selectors import strand_report
from brokerage.participants.models import Participant, Readiness, ReadinessChange
from brokerage.payments.models import (
    FundBudget,
    FundCategory,
    FundRequest,
    IncentivePayment,
    LedgerEntry,
    LedgerKind,
)
from brokerage.pipeline.models import (
    CheckpointRule,
    OutcomeKind,
    OutcomeRecord,
    Placement,
    Proposal,
    ProposalEvent,
    ProposalStatus,
)
from brokerage.reference.models import Area, Measure, Programme, Target
from brokerage.reporting.tables import HOURS, PENCE, PERCENT, TEXT, Chart, Column, Table, share
from portal.accounts.roles import Role

UK = ZoneInfo("Europe/London")
REPORT_ROLES = (Role.COORDINATOR, Role.FINANCE_OFFICER)
NO_AREA = "Area not known"

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
FUND_SOURCE = "payments.fundrequest"
INCENTIVE_SOURCE = IncentivePayment._meta.label_lower
#: Money back from employers: clawbacks the portal recovered and reversals made in Stripe.
INCENTIVE_RECOVERY_KINDS = [LedgerKind.CLAWBACK, LedgerKind.TRANSFER_REVERSAL]
FUND_KINDS = [
    LedgerKind.FUND_CARD,
    LedgerKind.FUND_TRANSFER,
    LedgerKind.FUND_CARD_REFUND,
    LedgerKind.TRANSFER_REVERSAL,
]


# --- who sees what ------------------------------------------------------------------------------


def can_see_reports(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(*REPORT_ROLES))


def report_programmes(user) -> QuerySet[Programme]:
    if not can_see_reports(user):
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.order_by("name")
    assigned = Programme.objects.filter(staff=user).order_by("name")
    if user.has_role(Role.COORDINATOR) or assigned.exists():
        return assigned
    return Programme.objects.order_by("name")  # a finance officer with no programme set


def report_programme_get(user, slug: str) -> Programme:
    programme = report_programmes(user).filter(slug=slug).first()
    if programme is None:
        raise Http404("No programme found")
    return programme


def report_areas(user, programme: Programme) -> QuerySet[Area]:
    """The programme's areas this user may report on."""
    areas = programme.areas.order_by("name")
    if not user.is_superuser and user.areas.exists():
        areas = areas.filter(pk__in=user.areas.values("pk"))
    return areas


@dataclass(frozen=True)
class ReportScope:
    programme: Programme
    date_from: datetime.date
    date_to: datetime.date
    areas: tuple[Area, ...]
    restricted: bool  # True when only ``areas`` may be shown (a filter or the user's areas)

    @property
    def area_ids(self) -> list[int]:
        return [a.pk for a in self.areas]

    @property
    def starts_at(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=UK)

    @property
    def ends_before(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=UK)

    def area_q(self, path: str) -> Q:
        """Rows in the scope's areas; rows with no area only when the scope is unrestricted."""
        if self.restricted:
            return Q(**{f"{path}__in": self.area_ids})
        return Q()

    def area_rows(self) -> list[tuple[int | None, str]]:
        rows = [(a.pk, a.name) for a in self.areas]
        if not self.restricted:
            rows.append((None, NO_AREA))
        return rows


def report_scope(
    user, programme: Programme, *, date_from=None, date_to=None, area: Area | None = None
) -> ReportScope:
    allowed = report_areas(user, programme)
    user_restricted = not user.is_superuser and user.areas.exists()
    if area is not None:
        if not allowed.filter(pk=area.pk).exists():
            raise Http404("No area found")
        areas, restricted = (area,), True
    else:
        areas, restricted = tuple(allowed), user_restricted
    return ReportScope(
        programme=programme,
        date_from=date_from or programme.start_date,
        date_to=date_to or min(programme.end_date, timezone.localdate()),
        areas=areas,
        restricted=restricted,
    )


def _area_lookup(rows, key: str = "area") -> dict:
    return {row[key]: row for row in rows}


def _sum(rows: list[dict], key: str) -> int:
    return sum(row.get(key) or 0 for row in rows)


# --- 1. outcomes: targets against actuals --------------------------------------------------------


def checkpoint_rules(programme: Programme) -> QuerySet[CheckpointRule]:
    return CheckpointRule.objects.filter(programme=programme, active=True).exclude(counts_as="")


def outcome_measures(programme: Programme) -> list[Measure]:
    """The seed's five measures; 13 weeks too when the programme has a rule counting it."""
    has_13w = checkpoint_rules(programme).filter(counts_as=Measure.SUSTAINED_13W).exists()
    return [m for m in OUTCOME_MEASURES if m != Measure.SUSTAINED_13W or has_13w]


def outcome_definitions(programme: Programme) -> list[tuple[str, str]]:
    """How each measure is counted, from the programme's checkpoint rules (printed under the table)."""
    rules = {rule.counts_as: rule for rule in checkpoint_rules(programme).order_by("order")}
    definitions = [
        (Measure.STARTS.label, "People who started a paid job or apprenticeship (a start outcome record)."),
        (Measure.PLACEMENTS.label, "People who started an unpaid placement: work experience, a work trial or volunteering."),
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
            hours = f", working at least {rule.min_hours.normalize():f} hours a week" if rule.min_hours else ""
            text = (
                f"People confirmed still in work {' and '.join(when)} after their start{hours} "
                f"(rule ‘{rule.name}’). Someone who left before then, or whose check was missed, "
                "is not counted."
            )
        definitions.append((measure.label, text))
    definitions.append(
        (Measure.PROGRESSIONS.label, "People with a recorded progression in work: training, more hours, "
         "higher pay, a second job or a promotion.")
    )
    definitions.append(
        ("Counting", "Each person counts once per measure, however many records they have (someone who "
         "started twice is one start). A fact counts in the period it happened and in the area the "
         "person lived in at the time. The total is the sum of the areas.")
    )
    return definitions


def _targets(scope: ReportScope, measures) -> tuple[dict, dict]:
    """Targets whose period overlaps the range: {(area_id, measure): value}, {measure: programme-wide}."""
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

    summary_rows, by_area_rows = [], []
    for measure in measures:
        per_area = []
        for area_id, name in area_rows:
            actual = actuals.get((area_id, measure.value), 0)
            target = targets.get((area_id, measure.value))
            if area_id is None and not actual:
                continue  # no unknown-area records: leave the row out
            per_area.append({
                "area": name, "measure": measure.label, "target": target, "actual": actual,
                "share": share(actual, target),
            })
        actual_total = _sum(per_area, "actual")
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
    keys = {Measure.STARTS: "starts", Measure.JOB_STARTS_4W: "four", Measure.SUSTAINED_26W: "sustained"}
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
    rows = [{"month": datetime.date(int(m[:4]), int(m[5:7]), 1), **values} for m, values in sorted(months.items())]
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


# --- 2. Plan 500 strands ------------------------------------------------------------------------


def strand_table(programme: Programme) -> Table | None:
    """The opportunities app's strand report (one source of truth), as a table."""
    if not programme.strands.exists():
        return None
    report = strand_report(programme)
    rows = [
        {
            "strand": row.strand.name, "target": row.target,
            "employers": row.employers_registered, "created": row.opportunities_created,
            "share": share(row.opportunities_created, row.target),
        }
        for row in report.rows
    ]
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
            "strand": "Total", "target": report.target_total,
            "employers": report.employers_registered_total, "created": report.opportunities_created_total,
            "share": share(report.opportunities_created_total, report.target_total),
        },
        notes=[
            f"Distinct employers: {report.distinct_employers}. An employer can register in more than one "
            "strand, so the employers column adds up to more than this.",
            "Opportunities created are the places in opportunities that have gone live, counted to date "
            "for the current target period; the date and area filters do not apply to this table.",
        ],
        chart=Chart("bar", "strand", [("Target", "target"), ("Opportunities created", "created")],
                    "Opportunities created against target, by strand", "opportunities"),
    )


# --- 3. front door --------------------------------------------------------------------------------


def front_door_items(scope: ReportScope) -> QuerySet[EnquiryItem]:
    return EnquiryItem.objects.filter(
        scope.area_q("enquiry__area"),
        programme=scope.programme,
        routed_at__gte=scope.starts_at,
        routed_at__lt=scope.ends_before,
    )


RESPONSE_TIME = ExpressionWrapper(F("first_response_at") - F("routed_at"), output_field=DurationField())


def _front_door_metrics(prefix_filter: Q | None = None) -> dict:
    f = prefix_filter or Q()
    return {
        "items": Count("pk", filter=f),
        "answered": Count("pk", filter=f & Q(first_response_at__isnull=False)),
        "in_time": Count("pk", filter=f & Q(first_response_at__lte=F("deadline"))),
        "avg": Avg(RESPONSE_TIME, filter=f & Q(first_response_at__isnull=False)),
    }


def _front_door_row(label: str, values: dict) -> dict:
    avg = values.get("avg")
    return {
        "label": label,
        "items": values["items"],
        "answered": values["answered"],
        "in_time": values["in_time"],
        "in_time_share": share(values["in_time"], values["items"]),
        "avg_hours": round(avg.total_seconds() / 3600, 1) if avg is not None else None,
    }


def _front_door_table(slug: str, caption: str, label: str, rows: list[dict], chart: bool = False) -> Table:
    total = None
    if rows:
        total = {"label": "Total", "items": _sum(rows, "items"), "answered": _sum(rows, "answered"),
                 "in_time": _sum(rows, "in_time")}
        total["in_time_share"] = share(total["in_time"], total["items"])
    return Table(
        slug=slug,
        caption=caption,
        columns=[
            Column("label", label, TEXT),
            Column("items", "Enquiries"),
            Column("answered", "Responded to"),
            Column("in_time", "Responded to within the deadline"),
            Column("in_time_share", "Share within the deadline", PERCENT),
            Column("avg_hours", "Average time to first response", HOURS),
        ],
        rows=rows,
        total=total,
        chart=Chart("bar", "label", [("Enquiries", "items"), ("Within the deadline", "in_time")],
                    caption, "enquiries") if chart else None,
    )


def front_door_tables(scope: ReportScope) -> list[Table]:
    items = front_door_items(scope)
    metrics = _front_door_metrics()

    by_entry = (
        items.annotate(entry=Case(
            When(~Q(enquiry__source_partner_code=""),
                 then=Concat(Value("Partner link: "), "enquiry__source_partner_code")),
            When(~Q(enquiry__campaign=""), then=Concat(Value("Campaign: "), "enquiry__campaign")),
            When(~Q(enquiry__entry_page=""), then=Concat(Value("Page: "), "enquiry__entry_page")),
            default=Value("Direct to the enquiry form"), output_field=CharField(),
        ))
        .values("entry").annotate(**metrics).order_by("-items", "entry")
    )
    entry_rows = [_front_door_row(row["entry"], row) for row in by_entry]

    typed = items.annotate(types_text=Cast("types", TextField()))
    type_aggregates = {}
    for value, _label in EnquiryType.choices:
        for key, agg in _front_door_metrics(Q(types_text__contains=f'"{value}"')).items():
            type_aggregates[f"{value}__{key}"] = agg
    type_totals = typed.aggregate(**type_aggregates)
    type_rows = []
    for value, label in EnquiryType.choices:
        values = {key: type_totals[f"{value}__{key}"] for key in ("items", "answered", "in_time", "avg")}
        if values["items"]:
            type_rows.append(_front_door_row(str(label), values))

    by_area = _area_lookup(items.values(area=F("enquiry__area")).annotate(**metrics).order_by())
    area_rows = [
        _front_door_row(name, by_area[area_id]) for area_id, name in scope.area_rows() if area_id in by_area
    ]
    by_partner = items.values(partner_name=F("partner__name")).annotate(**metrics).order_by("partner_name")
    partner_rows = [_front_door_row(row["partner_name"], row) for row in by_partner]

    type_table = _front_door_table("front-door-types", "Enquiries by type", "Type of enquiry", type_rows, True)
    type_table.total = None
    type_table.notes = ["An enquiry can ask about several things, so it can count under more than one type."]
    tables = [
        _front_door_table("front-door-entry", "Enquiries by entry point", "Entry point", entry_rows),
        type_table,
        _front_door_table("front-door-areas", "Enquiries by area", "Area", area_rows, True),
        _front_door_table("front-door-partners", "Enquiries by the partner they were routed to", "Partner",
                          partner_rows),
        conversion_table(scope),
    ]
    for table in tables[:4]:
        table.notes.append(
            "Each partner's part of an enquiry counts once. The deadline is the partner's response deadline; "
            "time to first response runs from routing to the first recorded contact with the employer."
        )
    return tables


def conversion_table(scope: ReportScope) -> Table:
    enquiries = Enquiry.objects.filter(pk__in=front_door_items(scope).values("enquiry")).annotate(
        has_account=Exists(EmployerMembership.objects.filter(employer=OuterRef("employer"))),
        has_live=Exists(Opportunity.objects.filter(
            employer=OuterRef("employer"), approved_at__isnull=False,
            approved_at__gte=OuterRef("submitted_at"),
        )),
    )
    counts = enquiries.aggregate(
        enquiries=Count("pk"),
        registered=Count("pk", filter=Q(has_account=True)),
        live=Count("pk", filter=Q(has_account=True, has_live=True)),
    )
    steps = [
        ("Enquiries", counts["enquiries"]),
        ("Employer registered an account", counts["registered"]),
        ("…and has an opportunity that went live after the enquiry", counts["live"]),
    ]
    rows, previous = [], None
    for label, number in steps:
        rows.append({
            "step": label, "count": number,
            "of_first": share(number, counts["enquiries"]),
            "of_previous": share(number, previous) if previous is not None else None,
        })
        previous = number
    return Table(
        slug="front-door-conversion",
        caption="From enquiry to registered employer to live opportunity",
        columns=[
            Column("step", "Step", TEXT),
            Column("count", "Enquiries"),
            Column("of_previous", "Share of the step before", PERCENT),
            Column("of_first", "Share of all enquiries", PERCENT),
        ],
        rows=rows,
        chart=Chart("bar", "step", [("Enquiries", "count")], "From enquiry to live opportunity", "enquiries"),
    )


# --- 4. pipeline funnel -----------------------------------------------------------------------------

FUNNEL_STAGES = [
    ("referred", "Referred"),
    ("assessed", "Assessed"),
    ("job_ready", "Job ready"),
    ("proposed", "Proposed to an employer"),
    ("interviewed", "Interviewed"),
    ("started", "Started"),
    ("sustained", "Sustained 26 weeks"),
]


def funnel_participants(scope: ReportScope) -> QuerySet[Participant]:
    """People referred to the programme in the range, each with the furthest stage they reached.

    ``stage`` is the index in ``FUNNEL_STAGES``: a ``Case`` tests the latest stage first, so each
    row runs only the ``EXISTS`` lookups it needs (each on an indexed participant column).
    """
    person = OuterRef("pk")
    interviewed_statuses = [ProposalStatus.INTERVIEWED, ProposalStatus.OFFERED, ProposalStatus.ACCEPTED,
                            ProposalStatus.OFFER_REFUSED, ProposalStatus.STARTED]
    evidence = [
        Exists(OutcomeRecord.objects.filter(
            participant=person, kind=OutcomeKind.CHECKPOINT_MET, measure=Measure.SUSTAINED_26W,
        )),
        Exists(Placement.objects.filter(participant=person)),
        Exists(ProposalEvent.objects.filter(proposal__participant=person, to_status__in=interviewed_statuses)),
        Exists(Proposal.objects.filter(participant=person)),
        Q(readiness=Readiness.JOB_READY)
        | Exists(ReadinessChange.objects.filter(participant=person, to_readiness=Readiness.JOB_READY)),
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
    rows = funnel_participants(scope).values("area", "stage").annotate(people=Count("pk")).order_by()
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
            "The people referred to the programme in the period, followed to today. A person who "
            "reached a later stage counts in every stage before it.",
            "Job ready: marked job ready at any time. Interviewed: an employer or key worker recorded "
            "the interview. Started: a placement was recorded. Sustained 26 weeks: the 26-week check "
            "was confirmed.",
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
        total={"area": "Total", **totals, "conversion": share(totals["started"], totals["referred"])},
    )
    return [summary, by_area_table]


# --- 5. money ------------------------------------------------------------------------------------------


def fund_requests(scope: ReportScope) -> QuerySet[FundRequest]:
    return FundRequest.objects.filter(scope.area_q("participant__area"), budget__programme=scope.programme)


def _request_ids(requests: QuerySet[FundRequest]) -> QuerySet:
    return requests.annotate(source=Cast("pk", CharField())).values("source")


def fund_ledger(scope: ReportScope, requests: QuerySet[FundRequest] | None = None) -> QuerySet[LedgerEntry]:
    """Ledger entries (card purchases, transfers, refunds, reversals) of the scope's fund requests."""
    return LedgerEntry.objects.filter(
        kind__in=FUND_KINDS,
        source_type=FUND_SOURCE,
        source_id__in=_request_ids(requests if requests is not None else fund_requests(scope)),
        created_at__gte=scope.starts_at,
        created_at__lt=scope.ends_before,
    )


def incentive_ledger(scope: ReportScope) -> QuerySet[LedgerEntry]:
    """Employer incentive transfers (positive) and money recovered (negative) in the scope."""
    payments = IncentivePayment.objects.filter(
        scope.area_q("claim__participant__area"), claim__placement__programme=scope.programme
    )
    return LedgerEntry.objects.filter(
        kind__in=[LedgerKind.INCENTIVE_PAYMENT, *INCENTIVE_RECOVERY_KINDS],
        source_type=INCENTIVE_SOURCE,
        source_id__in=_request_ids(payments),
        created_at__gte=scope.starts_at,
        created_at__lt=scope.ends_before,
    )


def _month_of(field: str) -> TruncMonth:
    """The first day of the UK month of a date-time column, as a date."""
    return TruncMonth(field, output_field=DateField(), tzinfo=UK)


def _incentive_table(scope: ReportScope) -> tuple[Table, int]:
    months = (
        incentive_ledger(scope).annotate(month=_month_of("created_at")).values("month")
        .annotate(
            paid=Sum("amount_pence", default=0, filter=Q(kind=LedgerKind.INCENTIVE_PAYMENT)),
            recovered=Sum("amount_pence", default=0, filter=Q(kind__in=INCENTIVE_RECOVERY_KINDS)),
        ).order_by("month")
    )
    rows = [{
        "month": row["month"], "paid": row["paid"], "recovered": -row["recovered"], "net": row["paid"] + row["recovered"],
    } for row in months]
    total = {"month": "Total", **{k: _sum(rows, k) for k in ("paid", "recovered", "net")}} if rows else None
    table = Table(
        slug="money-incentives",
        caption="Employer incentives paid by month",
        columns=[Column("month", "Month", TEXT), Column("paid", "Paid to employers", PENCE),
                 Column("recovered", "Clawed back", PENCE), Column("net", "Net", PENCE)],
        rows=rows,
        total=total,
        chart=Chart("line", "month", [("Net", "net")], "Employer incentives paid by month", "pounds"),
        empty_message="No employer incentive has been paid in this period.",
    )
    return table, total["net"] if total else 0


def money_tables(scope: ReportScope, outcome_totals: dict[str, int] | None = None) -> list[Table]:
    requests = fund_requests(scope)
    ledger = fund_ledger(scope, requests)

    budgets = list(
        FundBudget.objects.filter(
            programme=scope.programme, starts_on__lte=scope.date_to, ends_on__gte=scope.date_from,
        ).filter(Q(area__in=scope.area_ids) | Q(area__isnull=True) if scope.restricted else Q())
        .select_related("area").order_by("area__name", "starts_on")
    )
    spent_by_budget = ledger.aggregate(**{
        f"b{budget.pk}": Sum("amount_pence", default=0,
                             filter=Q(source_id__in=_request_ids(requests.filter(budget=budget))))
        for budget in budgets
    }) if budgets else {}
    budget_rows = []
    for budget in budgets:
        spent = spent_by_budget[f"b{budget.pk}"]
        budget_rows.append({
            "budget": f"{budget.area.name if budget.area_id else 'All areas'}, "
                      f"{budget.starts_on:%-d %b %Y} to {budget.ends_on:%-d %b %Y}",
            "amount": budget.amount_pence, "committed": budget.committed_pence, "spent": spent,
            "remaining": budget.amount_pence - budget.committed_pence,
            "share": share(spent, budget.amount_pence),
        })
    budget_total = None
    if budget_rows:
        budget_total = {"budget": "Total", **{k: _sum(budget_rows, k) for k in
                                              ("amount", "committed", "spent", "remaining")}}
        budget_total["share"] = share(budget_total["spent"], budget_total["amount"])
    budget_table = Table(
        slug="money-budgets",
        caption="Flexible fund: spend against budget",
        columns=[
            Column("budget", "Budget", TEXT),
            Column("amount", "Budget", PENCE),
            Column("committed", "Committed (approved requests)", PENCE),
            Column("spent", "Spent in the period", PENCE),
            Column("remaining", "Left to commit", PENCE),
            Column("share", "Spent as a share of budget", PERCENT),
        ],
        rows=budget_rows,
        total=budget_total,
        notes=["Spent is what the ledger records leaving the programme (card purchases and supplier "
               "payments, less refunds and reversals) in the period. With an area chosen, budgets for "
               "all areas are shown in full."],
        chart=Chart("bar", "budget", [("Budget", "amount"), ("Spent", "spent")],
                    "Flexible fund budget and spend", "pounds"),
        empty_message="No flexible fund budget covers this period.",
    )

    by_category = ledger.aggregate(**{
        value: Sum("amount_pence", default=0, filter=Q(source_id__in=_request_ids(requests.filter(category=value))))
        for value, _ in FundCategory.choices
    })
    category_rows = [{"category": str(label), "spent": by_category[value]}
                     for value, label in FundCategory.choices if by_category[value]]
    category_table = Table(
        slug="money-categories",
        caption="Flexible fund spend by category",
        columns=[Column("category", "Category", TEXT), Column("spent", "Spent", PENCE)],
        rows=category_rows,
        total={"category": "Total", "spent": _sum(category_rows, "spent")} if category_rows else None,
        chart=Chart("bar", "category", [("Spent", "spent")], "Flexible fund spend by category", "pounds"),
        empty_message="No flexible fund money has been spent in this period.",
    )

    by_area = ledger.aggregate(**{
        f"a{area_id or 0}": Sum("amount_pence", default=0, filter=Q(source_id__in=_request_ids(
            requests.filter(participant__area=area_id) if area_id else requests.filter(participant__area__isnull=True)
        )))
        for area_id, _ in scope.area_rows()
    })
    area_rows = [{"area": name, "spent": by_area[f"a{area_id or 0}"]} for area_id, name in scope.area_rows()
                 if area_id is not None or by_area[f"a{area_id or 0}"]]
    area_table = Table(
        slug="money-areas",
        caption="Flexible fund spend by area",
        columns=[Column("area", "Area", TEXT), Column("spent", "Spent", PENCE)],
        rows=area_rows,
        total={"area": "Total", "spent": _sum(area_rows, "spent")} if area_rows else None,
        notes=["A request counts in the area its participant lives in."],
    )

    months = (
        ledger.annotate(month=_month_of("created_at")).values("month")
        .annotate(spent=Sum("amount_pence")).order_by("month")
    )
    month_rows = [{"month": row["month"], "spent": row["spent"]} for row in months]
    month_table = Table(
        slug="money-months",
        caption="Flexible fund spend by month",
        columns=[Column("month", "Month", TEXT), Column("spent", "Spent", PENCE)],
        rows=month_rows,
        total={"month": "Total", "spent": _sum(month_rows, "spent")} if month_rows else None,
        chart=Chart("line", "month", [("Spent", "spent")], "Flexible fund spend by month", "pounds"),
        empty_message="No flexible fund money has been spent in this period.",
    )

    incentive_table, incentives_net = _incentive_table(scope)
    totals = outcome_totals if outcome_totals is not None else outcome_totals_for(scope)
    spent_total = ledger.aggregate(total=Sum("amount_pence", default=0))["total"] + incentives_net
    starts = (totals.get(Measure.STARTS, 0) or 0) + (totals.get(Measure.PLACEMENTS, 0) or 0)
    sustained = totals.get(Measure.SUSTAINED_26W, 0) or 0
    cost_table = Table(
        slug="money-cost",
        caption="Cost per start and per sustained job",
        columns=[Column("measure", "Measure", TEXT), Column("people", "People"),
                 Column("spent", "Spent in the period", PENCE), Column("cost", "Cost each", PENCE)],
        rows=[
            {"measure": "Starts (jobs and placements)", "people": starts, "spent": spent_total,
             "cost": round(spent_total / starts) if starts else None},
            {"measure": "Jobs sustained 26 weeks", "people": sustained, "spent": spent_total,
             "cost": round(spent_total / sustained) if sustained else None},
        ],
        notes=["Flexible fund spend and employer incentives (net of clawbacks) in the period, divided "
               "by the people counted in the period."],
    )
    return [budget_table, category_table, area_table, month_table, incentive_table, cost_table]


def outcome_totals_for(scope: ReportScope) -> dict[str, int]:
    actuals = outcome_actuals(scope, [Measure.STARTS, Measure.PLACEMENTS, Measure.SUSTAINED_26W])
    totals: dict[str, int] = {}
    for (_area, measure), people in actuals.items():
        totals[measure] = totals.get(measure, 0) + people
    return totals


# --- the reports -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportKind:
    slug: str
    title: str
    summary: str


REPORTS = [
    ReportKind("outcomes", "Targets and outcomes",
               "Starts, placements, sustained jobs and progressions against target, per area."),
    ReportKind("funnel", "Pipeline funnel", "From referral to a sustained job, with drop-off at each stage."),
    ReportKind("front-door", "Front door", "Enquiries by entry point, type, area and partner; response "
               "times; conversion to registered employers and live opportunities."),
    ReportKind("money", "Money", "Flexible fund spend against budget; cost per start and per sustained job."),
    ReportKind("strands", "Strands", "Employers registered and opportunities created per strand."),
]
REPORTS_BY_SLUG = {r.slug: r for r in REPORTS}


def available_reports(programme: Programme) -> list[ReportKind]:
    has_strands = programme.strands.exists()
    return [r for r in REPORTS if r.slug != "strands" or has_strands]


def report_tables(kind: str, scope: ReportScope) -> list[Table]:
    if kind == "outcomes":
        return outcome_tables(scope)
    if kind == "funnel":
        return funnel_tables(scope)
    if kind == "front-door":
        return front_door_tables(scope)
    if kind == "money":
        return money_tables(scope)
    if kind == "strands":
        table = strand_table(scope.programme)
        return [table] if table else []
    raise Http404("No such report")
