"""E2 (part) and duplicate review: an employer creates its organisation and invites a colleague;
a coordinator reviews a suspected duplicate and merges it. Every page is checked with axe-core."""

import pytest

from brokerage.employers.models import Employer, EmployerInvitation
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.employers import EmployerFactory, InteractionFactory
from tests.factories.reference import AreaFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_employer_creates_organisation_and_invites_a_colleague(page, browser_login, live_server):
    AreaFactory(name="Stockton-on-Tees", outcodes=["TS18"])
    user = UserFactory(role=Role.EMPLOYER, email="priya@teescomponents.co.uk")
    browser_login(user)

    page.goto(f"{live_server.url}/employer/")
    assert_accessible(page, context="employer dashboard, no organisation")
    page.get_by_role("button", name="Create your organisation").click()

    page.get_by_label("Organisation name").fill("Tees Components Ltd")
    page.get_by_label("Postcode of your main site").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Create organisation").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="create organisation with errors")
    assert not Employer.objects.exists()

    page.get_by_label("Postcode of your main site").fill("TS18 2NT")
    page.get_by_label("Sector").select_option("manufacturing")
    page.get_by_label("50 to 249 employees").check()
    page.get_by_role("button", name="Create organisation").click()
    assert page.get_by_text("Tees Components Ltd has been created").is_visible()
    assert_accessible(page, context="organisation page")

    page.get_by_role("link", name="Manage people and invite colleagues").click()
    assert_accessible(page, context="members page")
    page.get_by_label("Email address").fill("sam@teescomponents.co.uk")
    page.get_by_role("button", name="Send invitation").click()
    assert page.get_by_text("We have emailed an invitation to sam@teescomponents.co.uk").is_visible()
    assert EmployerInvitation.objects.filter(email="sam@teescomponents.co.uk").exists()
    assert_accessible(page, context="members page with an invitation")


def test_coordinator_reviews_and_merges_a_suspected_duplicate(page, browser_login, live_server):
    area = AreaFactory(name="Stockton-on-Tees", outcodes=["TS20"])
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.set([ProgrammeFactory(name="Routes to Work", areas=[area])])
    keep = EmployerFactory(name="Teesdale Care Homes Limited", companies_house_number="07654321",
                           postcode="TS20 1AB", area=area)
    away = EmployerFactory(name="Teesdale Care Homes Ltd.", companies_house_number="07654321",
                           postcode="TS20 1AB", area=area)
    InteractionFactory(employer=away, summary="Asked about care assistant apprenticeships.")
    browser_login(coordinator)

    page.goto(f"{live_server.url}/staff/employers/")
    assert_accessible(page, context="staff employer list")
    page.get_by_role("link", name="Suspected duplicates").click()
    assert page.get_by_text("Same Companies House number").first.is_visible()
    assert_accessible(page, context="duplicates list")
    page.get_by_role("link", name="Review").first.click()
    assert page.get_by_role("heading", name="Check before you merge").is_visible()
    assert_accessible(page, context="merge preview")
    page.get_by_role("button", name="Merge records").click()
    assert page.get_by_text("has been merged into").is_visible()
    assert page.get_by_text("Asked about care assistant apprenticeships.").is_visible()
    assert_accessible(page, context="employer detail after merge")
    away.refresh_from_db()
    assert away.merged_into_id == keep.pk
