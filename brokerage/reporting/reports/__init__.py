"""Reports: targets against actuals, funnel, front door, money and strands, from the records.

Every figure is an aggregate computed in the database (``values().annotate(...)`` or
``aggregate(...)``); Python only arranges the handful of result rows into tables. Every fact is
counted: people outside the programme's areas under "Other areas", none under "Area not known";
a total is the number of different people or facts in the filter, never typed in. Who counts
where is one rule (``brokerage.reporting.measures``). One module per report; who may see which
programme and area (the ``ReportScope`` every report takes) is ``brokerage.reporting.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from brokerage.reference.models import Programme
from brokerage.reporting.reports.front_door import front_door_tables
from brokerage.reporting.reports.funnel import funnel_tables
from brokerage.reporting.reports.money import money_tables
from brokerage.reporting.reports.outcomes import outcome_tables
from brokerage.reporting.reports.strands import strand_table
from brokerage.reporting.selectors import ReportScope
from brokerage.reporting.tables import Table


@dataclass(frozen=True)
class ReportKind:
    slug: str
    title: str
    summary: str


REPORTS = [
    ReportKind(
        "outcomes",
        "Targets and outcomes",
        "Starts, placements, sustained jobs and progressions against target, per area.",
    ),
    ReportKind(
        "funnel",
        "Pipeline funnel",
        "From referral to a sustained job, with drop-off at each stage.",
    ),
    ReportKind(
        "front-door",
        "Front door",
        "Enquiries by entry point, type, area and partner; response "
        "times; conversion to registered employers and live opportunities.",
    ),
    ReportKind(
        "money",
        "Money",
        "Flexible fund spend against budget; cost per start and per sustained job.",
    ),
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
        table = strand_table(scope)
        return [table] if table else []
    raise Http404("No such report")
