"""Issue 21 items 4 and 5: an employer offers work experience for under-18s, uploading the risk
assessment and the employer's liability insurance certificate (a wrong file is refused first);
the key worker sees the safeguarding before proposing and downloads the certificate. The
apprenticeship form asks for the standard and the off-the-job training. Every page is checked
with axe-core."""

import pytest

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import in_days
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n% employer's liability certificate\n%%EOF\n"


def fill_date(page, name, date):
    page.locator(f"#id_{name}_0").fill(str(date.day))
    page.locator(f"#id_{name}_1").fill(str(date.month))
    page.locator(f"#id_{name}_2").fill(str(date.year))


def test_work_experience_evidence_is_uploaded_and_shown_to_the_key_worker(
    page, browser_login, live_server
):
    member = EmployerMembershipFactory(employer__name="Thornaby Freight Services Ltd")
    key_worker = UserFactory(role=Role.KEY_WORKER)

    browser_login(member.user)
    page.goto(f"{live_server.url}/employer/opportunities/new/apprenticeship/"
              f"?employer={member.employer.pk}")
    assert page.get_by_label("Apprenticeship standard").is_visible()
    assert page.get_by_label("Off-the-job training, hours per week").is_visible()
    assert_accessible(page, context="apprenticeship details")

    page.goto(f"{live_server.url}/employer/opportunities/new/work_experience/"
              f"?employer={member.employer.pk}")
    assert_accessible(page, context="work experience details")
    page.get_by_label("Title", exact=True).fill("Warehouse work experience")
    page.get_by_label("Description").fill("Two weeks in the warehouse, shadowing the team.")
    page.get_by_label("Sector").select_option("logistics")
    page.get_by_label("Postcode of the site").fill("TS17 6BL")
    page.get_by_label("Hours per week").fill("30")
    page.locator("#id_paid_1").check()
    page.get_by_label("How many weeks it lasts").fill("2")
    page.get_by_label("Youngest age (optional)").fill("16")
    fill_date(page, "start_date", in_days(40))
    fill_date(page, "closing_date", in_days(20))
    page.get_by_label("Name of the person who will supervise them").fill("Karen Whitfield")
    page.get_by_label("We hold employer's liability insurance").check()
    page.get_by_label("Risk assessment for the placement").set_input_files(
        files=[{"name": "risk.html", "mimeType": "text/html", "buffer": b"<html></html>"}]
    )
    page.get_by_label("Employer's liability insurance certificate").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_text("The risk assessment must be a PDF or Word document").first.is_visible()
    assert_accessible(page, context="work experience with a refused file")
    assert not Opportunity.objects.exists()

    page.get_by_label("Risk assessment for the placement").set_input_files(
        files=[{"name": "risk.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Employer's liability insurance certificate").set_input_files(
        files=[{"name": "certificate.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Check your answers before submitting").is_visible()
    assert_accessible(page, context="check answers")
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_role("heading", name="Opportunity submitted").is_visible()
    opportunity = Opportunity.objects.get()
    assert opportunity.risk_assessment and opportunity.insurance_certificate
    Opportunity.objects.filter(pk=opportunity.pk).update(status=OpportunityStatus.LIVE)

    browser_login(key_worker)
    page.goto(f"{live_server.url}/opportunities/{opportunity.pk}/")
    assert page.get_by_role("heading", name="Safeguarding and insurance").is_visible()
    assert page.locator("#safeguarding").get_by_text("Karen Whitfield").is_visible()
    assert_accessible(page, context="key worker's opportunity page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the insurance certificate").click()
    assert download.value.suggested_filename == (
        f"opportunity-{opportunity.pk}-insurance-certificate.pdf"
    )
