"""Report 5, money: flexible fund spend against budget, by category, area and month; employer
incentives paid; cost per start and per sustained job. Spend is read from the ledger."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, DateField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncMonth

from brokerage.payments.models import (
    FundBudget,
    FundCategory,
    FundRequest,
    IncentivePayment,
    LedgerEntry,
    LedgerKind,
)
from brokerage.reference.models import Measure
from brokerage.reporting.reports.outcomes import outcome_totals_for
from brokerage.reporting.selectors import UK, ReportScope
from brokerage.reporting.tables import PENCE, PERCENT, TEXT, Chart, Column, Table, column_sum, share

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
    return FundRequest.objects.filter(
        scope.area_q("participant__area"), budget__programme=scope.programme
    )


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
    rows = [
        {
            "month": row["month"],
            "paid": row["paid"],
            "recovered": -row["recovered"],
            "net": row["paid"] + row["recovered"],
        }
        for row in months
    ]
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
    spent_by_budget = ledger.aggregate(**{
        f"b{budget.pk}": Sum("amount_pence", default=0,
                             filter=Q(source_id__in=_request_ids(requests.filter(budget=budget))))
        for budget in budgets
    }) if budgets else {}
    budget_rows = []
    for budget in budgets:
        spent = spent_by_budget[f"b{budget.pk}"]
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

    by_category = ledger.aggregate(
        **{
            value: Sum(
                "amount_pence",
                default=0,
                filter=Q(source_id__in=_request_ids(requests.filter(category=value))),
            )
            for value, _ in FundCategory.choices
        }
    )
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

    by_area = ledger.aggregate(
        **{
            f"a{area_id or 0}": Sum(
                "amount_pence",
                default=0,
                filter=Q(
                    source_id__in=_request_ids(
                        requests.filter(participant__area=area_id)
                        if area_id
                        else requests.filter(participant__area__isnull=True)
                    )
                ),
            )
            for area_id, _ in scope.area_rows()
        }
    )
    area_rows = [
        {"area": name, "spent": by_area[f"a{area_id or 0}"]}
        for area_id, name in scope.area_rows()
        if area_id is not None or by_area[f"a{area_id or 0}"]
    ]
    area_table = Table(
        slug="money-areas",
        caption="Flexible fund spend by area",
        columns=[Column("area", "Area", TEXT), Column("spent", "Spent", PENCE)],
        rows=area_rows,
        total={"area": "Total", "spent": column_sum(area_rows, "spent")} if area_rows else None,
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
        total={"month": "Total", "spent": column_sum(month_rows, "spent")} if month_rows else None,
        chart=Chart(
            "line", "month", [("Spent", "spent")], "Flexible fund spend by month", "pounds"
        ),
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
