"""Report 3, front door: enquiries by entry point, type, area and partner, response times, and
conversion to registered employers and live opportunities."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    TextField,
)
from django.db.models.functions import Cast

from brokerage.employers.models import EmployerMembership
from brokerage.enquiries.models import Enquiry, EnquiryItem, EnquiryType
from brokerage.opportunities.models import Opportunity
from brokerage.reference.models import Area
from brokerage.reporting.selectors import OTHER, UNKNOWN, ReportScope
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


def front_door_items(scope: ReportScope) -> QuerySet[EnquiryItem]:
    return EnquiryItem.objects.filter(
        scope.area_q("enquiry__area"),
        programme=scope.programme,
        routed_at__gte=scope.starts_at,
        routed_at__lt=min(scope.ends_before, scope.recorded_before),
    )


class ResponseSeconds(Func):
    """Seconds from routing to the first response, in the database's own arithmetic (a
    duration expression is a Python function call per row on SQLite)."""

    output_field = FloatField()

    # PostgreSQL: the seconds in the interval between the two.
    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "

    def __init__(self) -> None:
        super().__init__(F("first_response_at"), F("routed_at"))

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(", **extra_context,
        )


_METRICS = ("items", "answered", "in_time", "seconds")


def _front_door_groups(items: QuerySet[EnquiryItem], scope: ReportScope) -> list[dict]:
    """The scope's enquiry items counted in one grouped query, by everything a table splits
    them by (entry point, types, area, partner): each row has the enquiries, those responded
    to by the as-at date, those within the deadline and the seconds waited for the answered
    ones. The tables add these few rows up."""
    answered = Q(first_response_at__lt=scope.recorded_before)
    return list(
        items.values(
            partner_code=F("enquiry__source_partner_code"),
            campaign=F("enquiry__campaign"),
            entry_page=F("enquiry__entry_page"),
            area=F("enquiry__area"),
            partner_name=F("partner__name"),
            types_text=Cast("types", TextField()),
        )
        .annotate(
            items=Count("pk"),
            answered=Count("pk", filter=answered),
            in_time=Count("pk", filter=answered & Q(first_response_at__lte=F("deadline"))),
            seconds=Sum(ResponseSeconds(), filter=answered),
        )
        .order_by()
    )


def _entry_point(group: dict) -> str:
    if group["partner_code"]:
        return f"Partner link: {group['partner_code']}"
    if group["campaign"]:
        return f"Campaign: {group['campaign']}"
    if group["entry_page"]:
        return f"Page: {group['entry_page']}"
    return "Direct to the enquiry form"


def _add_up(groups, key) -> dict[Any, dict]:
    """{key(group): metrics summed over the groups}; ``key`` may return several keys."""
    totals: dict[Any, dict] = {}
    for group in groups:
        keys = key(group)
        for k in keys if isinstance(keys, (list, set, tuple)) else [keys]:
            total = totals.setdefault(k, dict.fromkeys(_METRICS, 0))
            for metric in _METRICS:
                total[metric] += group[metric] or 0
    return totals


def _front_door_row(label: str, values: dict) -> dict:
    seconds = values["seconds"] / values["answered"] if values["answered"] else None
    return {
        "label": label,
        "items": values["items"],
        "answered": values["answered"],
        "in_time": values["in_time"],
        "in_time_share": share(values["in_time"], values["items"]),
        "avg_hours": round(round(seconds, 3) / 3600, 1) if seconds is not None else None,
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
    groups = _front_door_groups(front_door_items(scope), scope)

    by_entry = _add_up(groups, _entry_point)
    entry_rows = sorted(
        (_front_door_row(label, values) for label, values in by_entry.items()),
        key=lambda row: (-row["items"], row["label"]),
    )

    by_type = _add_up(groups, lambda group: set(json.loads(group["types_text"] or "[]")))
    type_rows = [
        _front_door_row(str(label), by_type[value])
        for value, label in EnquiryType.choices
        if value in by_type and by_type[value]["items"]
    ]

    area_ids = set(scope.area_ids)

    def area_key(group: dict) -> int:
        area = group["area"]
        return UNKNOWN if area is None else area if area in area_ids else OTHER

    by_area = _add_up(groups, area_key)
    other_names = (
        list(
            Area.objects.filter(pk__in={g["area"] for g in groups if area_key(g) == OTHER})
            .order_by("name").values_list("name", flat=True)
        )
        if OTHER in by_area and not scope.restricted
        else []
    )
    area_rows = [
        {**_front_door_row(name, by_area[key]), DETAILS: other_names if key == OTHER else []}
        for key, name in scope.area_rows()
        if key in by_area
    ]
    by_partner = _add_up(groups, lambda group: group["partner_name"])
    partner_rows = [
        _front_door_row(name, by_partner[name])
        for name in sorted(by_partner, key=lambda name: (name is None, name or ""))
    ]

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
