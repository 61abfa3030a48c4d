"""Report 5, money: flexible fund spend against budget, by category, area and month; employer
incentives paid; cost per start and per sustained job. Spend is read from the ledger."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, DateField, Q, QuerySet, Sum
from django.db.models.functions import Cast, Coalesce, TruncMonth

from brokerage.payments.models import (
    FundBudget,
    FundCategory,
    FundRequest,
    IncentivePayment,
    LedgerEntry,
    LedgerKind,
)
from brokerage.reference.models import Area, Measure
from brokerage.reporting.reports.outcomes import outcome_totals_for
from brokerage.reporting.selectors import OTHER, UK, UNKNOWN, ReportScope
from brokerage.reporting.tables import (
    DETAILS,
    PENCE,
    PERCENT,
    TEXT,
    Chart,
    Column,
    Table,
    column_sum,
    month_range,
    share,
)

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


def fund_requests(scope: ReportScope) -> QuerySet[FundRequest]:
    """The programme's fund requests, each in the area the person lived in when it was made
    (their current area only for requests made before that was kept)."""
    return FundRequest.objects.annotate(
        area_then=Coalesce("area", "participant__area")
    ).filter(scope.area_q("area_then"), budget__programme=scope.programme)


def _request_ids(records: QuerySet) -> QuerySet:
    """The records' ids as text, as the ledger stores its entries' sources."""
    return records.annotate(source=Cast("pk", CharField())).values("source")


def fund_ledger(
    scope: ReportScope, requests: QuerySet[FundRequest] | None = None
) -> QuerySet[LedgerEntry]:
    """Ledger entries (card purchases, transfers, refunds, reversals) of the scope's fund
    requests."""
    return LedgerEntry.objects.filter(
        kind__in=FUND_KINDS,
        source_type=FUND_SOURCE,
        source_id__in=_request_ids(requests if requests is not None else fund_requests(scope)),
        created_at__gte=scope.starts_at,
        created_at__lt=min(scope.ends_before, scope.recorded_before),
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
        created_at__lt=min(scope.ends_before, scope.recorded_before),
    )


@dataclass(frozen=True)
class _RequestSpend:
    budget: int
    category: str
    area: int | None  # the area the person lived in when the request was made
    spent: int


def _spend_by_request(
    scope: ReportScope, requests: QuerySet[FundRequest], ledger: QuerySet[LedgerEntry]
) -> list[_RequestSpend]:
    """What the ledger records for each of the scope's fund requests in the period (one
    grouped query), with the request's budget, category and area (one more): the budget,
    category and area tables and the total add these up, so they always agree."""
    spent = {
        row["source_id"]: row["spent"]
        for row in ledger.values("source_id").annotate(spent=Sum("amount_pence")).order_by()
    }
    return [
        _RequestSpend(budget, category, area if area is not None else current, spent[str(pk)])
        for pk, budget, category, area, current in requests.values_list(
            "pk", "budget", "category", "area", "participant__area"
        ).order_by()
        if str(pk) in spent
    ]


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


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
    by_month = {
        _as_date(row["month"]): {
            "paid": row["paid"],
            "recovered": -row["recovered"],
            "net": row["paid"] + row["recovered"],
        }
        for row in months
    }
    empty = {"paid": 0, "recovered": 0, "net": 0}
    rows = (
        [{"month": m, **by_month.pop(m, empty)} for m in month_range(scope)]
        + [{"month": m, **v} for m, v in sorted(by_month.items())]
        if by_month
        else []
    )
    total: dict[str, Any] | None = (
        {"month": "Total", **{k: column_sum(rows, k) for k in ("paid", "recovered", "net")}}
        if rows
        else None
    )
    table = Table(
        slug="money-incentives",
        caption="Employer incentives paid by month",
        columns=[
            Column("month", "Month", TEXT),
            Column("paid", "Paid to employers", PENCE),
            Column("recovered", "Clawed back", PENCE),
            Column("net", "Net", PENCE),
        ],
        rows=rows,
        total=total,
        chart=Chart(
            "line", "month", [("Net", "net")], "Employer incentives paid by month", "pounds"
        ),
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
    spend = _spend_by_request(scope, requests, ledger)
    spent_by_budget: dict[int, int] = {}
    for request in spend:
        spent_by_budget[request.budget] = spent_by_budget.get(request.budget, 0) + request.spent
    budget_rows = []
    for budget in budgets:
        spent = spent_by_budget.get(budget.pk, 0)
        budget_rows.append({
            "budget": f"{budget.area.name if budget.area else 'All areas'}, "
                      f"{budget.starts_on:%-d %b %Y} to {budget.ends_on:%-d %b %Y}",
            "amount": budget.amount_pence, "committed": budget.committed_pence, "spent": spent,
            "remaining": budget.amount_pence - budget.committed_pence,
            "share": share(spent, budget.amount_pence),
        })
    budget_total: dict[str, Any] | None = None
    if budget_rows:
        budget_total = {"budget": "Total", **{k: column_sum(budget_rows, k) for k in
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
        notes=[
            "Spent is what the ledger records leaving the programme (card "
            "purchases and supplier payments, less refunds and reversals) in the "
            "period. With an area chosen, budgets for all areas are shown in full."
        ],
        chart=Chart(
            "bar",
            "budget",
            [("Budget", "amount"), ("Spent", "spent")],
            "Flexible fund budget and spend",
            "pounds",
        ),
        empty_message="No flexible fund budget covers this period.",
    )

    by_category: dict[str, int] = dict.fromkeys((value for value, _ in FundCategory.choices), 0)
    for request in spend:
        by_category[request.category] = by_category.get(request.category, 0) + request.spent
    category_rows = [{"category": str(label), "spent": by_category[value]}
                     for value, label in FundCategory.choices if by_category[value]]
    category_table = Table(
        slug="money-categories",
        caption="Flexible fund spend by category",
        columns=[Column("category", "Category", TEXT), Column("spent", "Spent", PENCE)],
        rows=category_rows,
        total={"category": "Total", "spent": column_sum(category_rows, "spent")}
        if category_rows
        else None,
        chart=Chart(
            "bar", "category", [("Spent", "spent")], "Flexible fund spend by category", "pounds"
        ),
        empty_message="No flexible fund money has been spent in this period.",
    )

    area_ids = set(scope.area_ids)
    by_area: dict[str, int] = {f"a{key}": 0 for key, _ in scope.area_rows()}
    other_ids: set[int] = set()
    for request in spend:
        area = request.area
        key = UNKNOWN if area is None else area if area in area_ids else OTHER
        if area is not None and key == OTHER and request.spent:
            other_ids.add(area)
        by_area[f"a{key}"] = by_area.get(f"a{key}", 0) + request.spent
    other_names = (
        list(Area.objects.filter(pk__in=other_ids).order_by("name").values_list("name", flat=True))
        if by_area.get(f"a{OTHER}") and not scope.restricted else []
    )
    area_rows = [
        {"area": name, "spent": by_area[f"a{key}"], DETAILS: other_names if key == OTHER else []}
        for key, name in scope.area_rows()
        if key not in (OTHER, UNKNOWN) or by_area[f"a{key}"]
    ]
    area_table = Table(
        slug="money-areas",
        caption="Flexible fund spend by area",
        columns=[Column("area", "Area", TEXT), Column("spent", "Spent", PENCE)],
        rows=area_rows,
        total={"area": "Total", "spent": column_sum(area_rows, "spent")} if area_rows else None,
        notes=["A request counts in the area its participant lived in when it was made, "
               "however they moved afterwards; people living "
               "outside the programme’s areas count under ‘Other areas’, so the total is all "
               "the spend, as in the budget, category and month tables."],
    )

    months = (
        ledger.annotate(month=_month_of("created_at")).values("month")
        .annotate(spent=Sum("amount_pence")).order_by("month")
    )
    spent_by_month = {_as_date(row["month"]): row["spent"] for row in months}
    month_rows = [
        {"month": month, "spent": spent_by_month.pop(month, 0)} for month in month_range(scope)
    ]
    month_rows += [{"month": m, "spent": v} for m, v in sorted(spent_by_month.items())]
    if not any(row["spent"] for row in month_rows):
        month_rows = []
    month_table = Table(
        slug="money-months",
        caption="Flexible fund spend by month",
        columns=[Column("month", "Month", TEXT), Column("spent", "Spent", PENCE)],
        rows=month_rows,
        total={"month": "Total", "spent": column_sum(month_rows, "spent")} if month_rows else None,
        chart=Chart(
            "line", "month", [("Spent", "spent")], "Flexible fund spend by month", "pounds"
        ),
        empty_message="No flexible fund money has been spent in this period.",
    )

    incentive_table, incentives_net = _incentive_table(scope)
    totals = outcome_totals if outcome_totals is not None else outcome_totals_for(scope)
    spent_total = sum(request.spent for request in spend) + incentives_net
    starts = (totals.get(Measure.STARTS, 0) or 0) + (totals.get(Measure.PLACEMENTS, 0) or 0)
    sustained = totals.get(Measure.SUSTAINED_26W, 0) or 0
    cost_table = Table(
        slug="money-cost",
        caption="Cost per start and per sustained job",
        columns=[
            Column("measure", "Measure", TEXT),
            Column("people", "People"),
            Column("spent", "Spent in the period", PENCE),
            Column("cost", "Cost each", PENCE),
        ],
        rows=[
            {
                "measure": "Starts (jobs and placements)",
                "people": starts,
                "spent": spent_total,
                "cost": round(spent_total / starts) if starts else None,
            },
            {
                "measure": "Jobs sustained 26 weeks",
                "people": sustained,
                "spent": spent_total,
                "cost": round(spent_total / sustained) if sustained else None,
            },
        ],
        notes=[
            "Flexible fund spend and employer incentives (net of clawbacks) "
            "in the period, divided by the people counted in the period."
        ],
    )
    return [budget_table, category_table, area_table, month_table, incentive_table, cost_table]
