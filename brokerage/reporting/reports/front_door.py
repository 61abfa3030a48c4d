"""Report 3, front door: enquiries by entry point, type, area and partner, response times, and
conversion to registered employers and live opportunities."""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from brokerage.employers.models import EmployerMembership
from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryType
from brokerage.opportunities.models import Opportunity
from brokerage.reporting.selectors import OTHER, ReportScope
from brokerage.reporting.tables import (
    DETAILS,
    HOURS,
    PERCENT,
    TEXT,
    Chart,
    Column,
    Table,
    column_sum,
    share,
)


def _area_lookup(rows, key: str = "area") -> dict:
    return {row[key]: row for row in rows}


def front_door_items(scope: ReportScope) -> QuerySet[EnquiryItem]:
    return EnquiryItem.objects.filter(
        scope.area_q("enquiry__area"),
        programme=scope.programme,
        routed_at__gte=scope.starts_at,
        routed_at__lt=min(scope.ends_before, scope.recorded_before),
    )


RESPONSE_TIME = ExpressionWrapper(
    F("first_response_at") - F("routed_at"), output_field=DurationField()
)


def _front_door_metrics(scope: ReportScope, prefix_filter: Q | None = None) -> dict:
    """Enquiries, those responded to (by the as-at date), in time, and the average wait."""
    f = prefix_filter or Q()
    answered = Q(first_response_at__lt=scope.recorded_before)
    return {
        "items": Count("pk", filter=f),
        "answered": Count("pk", filter=f & answered),
        "in_time": Count("pk", filter=f & answered & Q(first_response_at__lte=F("deadline"))),
        "avg": Avg(RESPONSE_TIME, filter=f & answered),
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


def _front_door_table(
    slug: str, caption: str, label: str, rows: list[dict], chart: bool = False
) -> Table:
    total: dict[str, Any] | None = None
    if rows:
        total = {
            "label": "Total",
            "items": column_sum(rows, "items"),
            "answered": column_sum(rows, "answered"),
            "in_time": column_sum(rows, "in_time"),
        }
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
    metrics = _front_door_metrics(scope)

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
        for key, agg in _front_door_metrics(scope, Q(types_text__contains=f'"{value}"')).items():
            type_aggregates[f"{value}__{key}"] = agg
    type_totals = typed.aggregate(**type_aggregates)
    type_rows = []
    for value, label in EnquiryType.choices:
        values = {
            key: type_totals[f"{value}__{key}"] for key in ("items", "answered", "in_time", "avg")
        }
        if values["items"]:
            type_rows.append(_front_door_row(str(label), values))

    by_area = _area_lookup(
        items.annotate(row=scope.area_key("enquiry__area")).values("row")
        .annotate(**metrics).order_by(),
        "row",
    )
    other_names = (
        scope.other_area_names(items, "enquiry__area") if OTHER in by_area else []
    )
    area_rows = [
        {**_front_door_row(name, by_area[key]), DETAILS: other_names if key == OTHER else []}
        for key, name in scope.area_rows()
        if key in by_area
    ]
    by_partner = (
        items.values(partner_name=F("partner__name")).annotate(**metrics).order_by("partner_name")
    )
    partner_rows = [_front_door_row(row["partner_name"], row) for row in by_partner]

    type_table = _front_door_table(
        "front-door-types", "Enquiries by type", "Type of enquiry", type_rows, True
    )
    type_table.total = None
    type_table.notes = [
        "An enquiry can ask about several things, so it can count under more than one type."
    ]
    tables = [
        _front_door_table(
            "front-door-entry", "Enquiries by entry point", "Entry point", entry_rows
        ),
        type_table,
        _front_door_table("front-door-areas", "Enquiries by area", "Area", area_rows, True),
        _front_door_table(
            "front-door-partners",
            "Enquiries by the partner they were routed to",
            "Partner",
            partner_rows,
        ),
        conversion_table(scope),
    ]
    for table in tables[:4]:
        table.notes.append(
            "Each partner's part of an enquiry counts once. The deadline is "
            "the partner's response deadline; time to first response runs "
            "from routing to the first recorded contact with the employer."
        )
    return tables


def conversion_table(scope: ReportScope) -> Table:
    enquiries = Enquiry.objects.filter(pk__in=front_door_items(scope).values("enquiry")).annotate(
        has_account=Exists(EmployerMembership.objects.filter(employer=OuterRef("employer"))),
        has_live=Exists(Opportunity.objects.filter(
            employer=OuterRef("employer"), approved_at__isnull=False,
            approved_at__gte=OuterRef("submitted_at"), approved_at__lt=scope.recorded_before,
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
        chart=Chart(
            "bar", "step", [("Enquiries", "count")], "From enquiry to live opportunity", "enquiries"
        ),
    )
