"""R1: a coordinator opens the outcome report, reads the chart and its table, filters by area,
downloads a table, and opens the printable page. Every page is checked with axe-core."""

import csv
import datetime
import io

import pytest

from brokerage.reporting.fixtures import OutcomeCounts, outcomes_bulk_create
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_reads_filters_and_exports_the_outcome_report(page, browser_login, live_server):
    north, south = AreaFactory(name="Northtown"), AreaFactory(name="Southville")
    programme = ProgrammeFactory(name="Test Programme", slug="test-programme", areas=[north, south],
                                 start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2026, 3, 31))
    for prefix, area, starts in (("N", north, 6), ("S", south, 3)):
        outcomes_bulk_create(programme=programme, area=area, prefix=prefix,
                             counts=OutcomeCounts(starts=starts, four_weeks=2, sustained_26w=1),
                             first_start=datetime.date(2025, 6, 2), spread_days=30)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    browser_login(coordinator)

    page.goto(f"{live_server.url}/reports/")
    assert_accessible(page, context="reports index")
    page.get_by_role("link", name="Targets and outcomes for Test Programme").click()

    assert page.get_by_role("heading", name="Targets and outcomes", level=1).is_visible()
    chart = page.get_by_role("img", name="Targets and actuals by measure")
    assert chart.is_visible()
    starts_row = page.locator("#table-outcomes tr", has_text="Starts").first
    assert "9" in starts_row.inner_text()
    assert_accessible(page, context="outcome report")

    page.get_by_text("Change the period or area").click()
    page.get_by_label("Area", exact=True).select_option(label="Southville")
    page.get_by_role("button", name="Show the report").click()
    assert "Southville" in page.locator("#report-scope").inner_text()
    assert "3" in page.locator("#table-outcomes tr", has_text="Starts").first.inner_text()
    assert_accessible(page, context="outcome report for one area")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV of targets against actuals", exact=True).click()
    path = download_info.value.path()
    rows = list(csv.reader(io.StringIO(open(path, encoding="utf-8").read())))
    assert ["Area: Southville"] in rows
    starts = next(row for row in rows if row and row[0] == "Starts")
    assert "3" in starts, starts

    page.get_by_role("link", name="Printable version of this report").click()
    assert page.get_by_role("img", name="Targets and actuals by measure").is_visible()
    assert_accessible(page, context="printable outcome report")
