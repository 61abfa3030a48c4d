"""As-at reporting (issue 20, item 5): every report counts only what had been recorded by the
end of the as-at day, so a published table can be reproduced while the live one moves on."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from brokerage.opportunities.models import Opportunity
from brokerage.reference.models import Programme
from brokerage.reporting import reports, selectors
from brokerage.reporting.reports.strands import SAVED_VIEWS, strand_table
from tests.factories.opportunities import OpportunityFactory
from tests.factories.reference import UserFactory

SEED_TABLE = {  # seed 002, "correct as of 06 May 2011": strand -> (target, employers, opportunities)
    "Mentoring": (100, 51, 40),
    "Apprenticeships": (150, 28, 102),
    "Work experience": (150, 36, 56),
    "Work-based qualifications": (50, 6, 5),
    "Diploma support to schools": (50, 10, 37),
}


def test_every_report_counts_only_what_was_recorded_by_the_as_at_date(
    records, coordinator, programme
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for report in reports.REPORTS:
        if report.slug == "strands":
            continue
        today = selectors.report_scope(coordinator, programme)
        before = selectors.report_scope(coordinator, programme, as_at=yesterday)
        assert today.as_at_date == timezone.localdate()
        assert reports.report_tables(report.slug, today)
        assert reports.report_tables(report.slug, before) is not None
    # The records were all written today: as at yesterday, nothing had been recorded.
    before = selectors.report_scope(coordinator, programme, as_at=yesterday)
    summary = {r["measure"]: r["actual"] for r in reports.report_tables("outcomes", before)[0].rows}
    assert summary["Starts"] == 0
    today = selectors.report_scope(coordinator, programme)
    summary = {r["measure"]: r["actual"] for r in reports.report_tables("outcomes", today)[0].rows}
    assert summary["Starts"] == 8


def test_the_report_page_shows_and_checks_the_as_at_date(client, records, coordinator, programme):
    client.force_login(coordinator)
    url = reverse("reporting:report", args=[programme.slug, "outcomes"])
    page = client.get(url).content.decode()
    assert f"as at {timezone.localdate():%-d %B %Y}" in page
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.get(url, {"as_at_day": future.day, "as_at_month": future.month,
                                "as_at_year": future.year})
    assert "The ‘as at’ date must be today or in the past" in response.content.decode()


@pytest.mark.django_db
def test_plan_500_table_of_6_may_2011_is_a_saved_view_while_the_live_table_moves_on(client):
    from brokerage.opportunities import demo as opportunities_demo
    from brokerage.reference import demo as reference_demo

    out = io.StringIO()
    reference_demo.load(out)
    opportunities_demo.load(out)
    plan_500 = Programme.objects.get(name="Plan 500")
    coordinator = UserFactory(is_superuser=True)
    label, filters = SAVED_VIEWS[plan_500.slug][0]
    assert "6 May 2011" in label

    # Something new goes live today in the mentoring strand.
    mentoring = plan_500.strands.get(name="Mentoring")
    opportunity = OpportunityFactory(programme=plan_500, strand=mentoring, status="live",
                                     places=4)
    Opportunity.objects.filter(pk=opportunity.pk).update(approved_at=timezone.now())

    saved = strand_table(selectors.report_scope(coordinator, plan_500, **filters))
    got = {r["strand"]: (r["target"], r["employers"], r["created"]) for r in saved.rows}
    assert got == SEED_TABLE
    assert saved.total["created"] == 240
    live = strand_table(selectors.report_scope(coordinator, plan_500))
    assert next(r for r in live.rows if r["strand"] == "Mentoring")["created"] == 44

    client.force_login(coordinator)
    page = client.get(reverse("reporting:report", args=[plan_500.slug, "strands"])).content
    assert label in page.decode()
    saved_page = client.get(
        reverse("reporting:report", args=[plan_500.slug, "strands"]),
        {f"{name}_{part}": getattr(value, part) for name, value in filters.items()
         for part in ("day", "month", "year")},
    ).content.decode()
    assert "as at 6 May 2011" in saved_page
    assert ">102<" in saved_page  # apprenticeships created, as published
