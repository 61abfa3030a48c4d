"""E2/E3: an employer registers an opportunity, previews and submits it; a coordinator refers
one answer back; the employer fixes it; the coordinator approves; key workers can see it.
Every page of the journey is checked with axe-core."""

import pytest

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import in_days
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _wage_rates():
    """The minimum wage rates the data migration loads (a flushed live-server database may not
    hold them, depending on which transactional test ran before)."""
    from importlib import import_module

    from django.apps import apps

    import_module("brokerage.opportunities.migrations.0002_minimum_wage_rates").load(apps, None)


def fill_date(page, name, date):
    page.locator(f"#id_{name}_0").fill(str(date.day))
    page.locator(f"#id_{name}_1").fill(str(date.month))
    page.locator(f"#id_{name}_2").fill(str(date.year))


def test_employer_submits_coordinator_refers_back_then_approves(page, browser_login, live_server):
    member = EmployerMembershipFactory(employer__name="Tees Components Ltd", employer__postcode="TS18 2NT")
    coordinator = UserFactory(role=Role.COORDINATOR)
    key_worker = UserFactory(role=Role.KEY_WORKER)

    # The employer registers a vacancy.
    browser_login(member.user)
    page.goto(f"{live_server.url}/employer/opportunities/")
    assert_accessible(page, context="employer opportunities (empty)")
    page.get_by_role("link", name="Register an opportunity").click()
    assert_accessible(page, context="choose type")
    page.get_by_label("Vacancy", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    assert_accessible(page, context="vacancy details")
    page.get_by_label("Title", exact=True).fill("CNC machine operator")
    page.get_by_label("Description").fill("Set up and run CNC lathes on day shifts.")
    page.get_by_label("Sector").select_option("manufacturing")
    page.get_by_label("Number of places").fill("2")
    page.get_by_label("Hours per week").fill("37.5")
    page.get_by_label("Pay, in pounds").fill("9.00")
    page.get_by_label("an hour").check()
    fill_date(page, "start_date", in_days(40))
    fill_date(page, "closing_date", in_days(20))
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_text("Pay must be at least").first.is_visible()
    assert_accessible(page, context="details with a minimum wage error")
    page.get_by_label("Pay, in pounds").fill("13.10")
    page.get_by_role("button", name="Continue").click()

    assert page.get_by_role("heading", name="Check your answers before submitting").is_visible()
    assert_accessible(page, context="check answers")
    page.get_by_role("link", name="Preview how key workers will see it").click()
    assert page.get_by_role("heading", name="CNC machine operator").is_visible()
    assert_accessible(page, context="preview")
    page.get_by_role("link", name="Back", exact=True).click()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_role("heading", name="Opportunity submitted").is_visible()
    assert_accessible(page, context="submitted")
    opportunity = Opportunity.objects.get()
    assert opportunity.status == OpportunityStatus.SUBMITTED

    # The coordinator refers back one answer.
    browser_login(coordinator)
    page.goto(f"{live_server.url}/opportunities/moderation/")
    assert_accessible(page, context="moderation queue")
    page.get_by_role("link", name="CNC machine operator").click()
    assert_accessible(page, context="moderation detail")
    page.get_by_role("link", name="Refer back with comments").click()
    assert_accessible(page, context="refer back")
    page.get_by_label("Comment on ‘Description’").fill("Say which shifts and whether training is given.")
    page.get_by_role("button", name="Refer back to the employer").click()
    assert page.get_by_role("heading", name="Opportunities to moderate").is_visible()

    # The employer sees the comment beside the answer, fixes it and submits again.
    browser_login(member.user)
    page.goto(f"{live_server.url}/employer/opportunities/{opportunity.pk}/")
    assert page.get_by_text("Say which shifts and whether training is given.").first.is_visible()
    assert_accessible(page, context="employer detail, referred back")
    page.get_by_role("link", name="Change answers").click()
    assert page.get_by_text("Say which shifts and whether training is given.").is_visible()
    assert_accessible(page, context="edit with a reviewer comment")
    page.get_by_label("Description").fill("Day shifts, 7am to 3pm. Full training on our lathes.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_role("heading", name="Opportunity submitted").is_visible()

    # The coordinator approves.
    browser_login(coordinator)
    page.goto(f"{live_server.url}/opportunities/moderation/{opportunity.pk}/")
    page.get_by_role("button", name="Approve and make live").click()
    page.get_by_role("button", name="Yes, approve and make live").click()  # a confirmation step
    assert page.get_by_text("is approved and live").is_visible()
    assert_accessible(page, context="queue after approval")

    # A key worker finds it in the staff listing.
    browser_login(key_worker)
    page.goto(f"{live_server.url}/opportunities/?postcode=TS18+1AA&within=10")
    assert page.get_by_role("link", name="CNC machine operator").is_visible()
    assert_accessible(page, context="staff listing")
    page.get_by_role("link", name="CNC machine operator").click()
    assert_accessible(page, context="staff detail")
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.LIVE
