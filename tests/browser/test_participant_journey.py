"""K1: a key worker takes a referral through eligibility, consent, assessment and action plan
to job ready, checking every page with axe-core."""

import pytest

from brokerage.participants.models import Participant, Readiness, RuleKind
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.participants import EligibilityRuleFactory, tees_programme
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_referral_to_job_ready(page, browser_login, live_server):
    programme = tees_programme()
    EligibilityRuleFactory(programme=programme, kind=RuleKind.AGE, minimum=18, maximum=64)
    EligibilityRuleFactory(programme=programme, kind=RuleKind.RESIDENCE)
    worker = UserFactory(role=Role.KEY_WORKER, first_name="Aisha", last_name="Khan")
    worker.programmes.add(programme)
    browser_login(worker)

    page.goto("/caseload/")
    page.get_by_role("heading", name="Caseload").wait_for()
    assert page.get_by_text("You have nobody on your caseload yet").is_visible()
    assert_accessible(page, context="empty caseload")

    page.get_by_role("link", name="Take a referral").first.click()
    assert_accessible(page, context="referral form")
    page.get_by_role("button", name="Check eligibility and save").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="referral form with errors")

    page.get_by_label("Jobcentre Plus", exact=True).check()
    page.get_by_label("First name", exact=True).fill("Kayleigh")
    page.get_by_label("Last name", exact=True).fill("Dobson")
    page.locator("#id_date_of_birth_0").fill("14")
    page.locator("#id_date_of_birth_1").fill("2")
    page.locator("#id_date_of_birth_2").fill("1996")
    page.get_by_label("Postcode", exact=True).fill("ts19 7eu")
    page.get_by_label("National Insurance number (optional)", exact=True).fill("KE 12 34 02 B")
    page.get_by_label("Lone parent", exact=True).check()
    page.get_by_role("button", name="Check eligibility and save").click()

    page.get_by_role("heading", name="Eligibility for Routes to Work").wait_for()
    assert page.get_by_text("Lives in Stockton-on-Tees, one of the programme's areas").is_visible()
    assert_accessible(page, context="eligibility")
    page.get_by_role("link", name="Continue to consent").click()

    page.get_by_role("heading", name="Consent", exact=True).wait_for()
    assert_accessible(page, context="consent")
    page.get_by_label("Share an anonymised profile with employers", exact=True).check()
    page.get_by_label("In person, signed form", exact=True).check()
    page.get_by_role("button", name="Record consent").click()
    assert page.get_by_text("Consent recorded").first.is_visible()
    page.get_by_role("link", name="Continue to the assessment").click()

    page.get_by_role("heading", name="Assessment", exact=True).wait_for()
    assert_accessible(page, context="assessment")
    page.get_by_label("Childcare", exact=True).check()
    page.get_by_label("Skills", exact=True).fill("customer service, cash handling")
    page.get_by_label("Food hygiene certificate", exact=True).check()
    page.get_by_label("Retail", exact=True).check()
    page.get_by_label("Fewest hours a week", exact=True).fill("16")
    page.get_by_label("Most hours a week", exact=True).fill("25")
    page.get_by_label("How far can they travel (miles)?", exact=True).fill("5")
    page.get_by_label("Getting ready", exact=True).check()
    page.get_by_role("button", name="Save assessment").click()

    page.get_by_role("heading", name="Action plan").wait_for()
    assert_accessible(page, context="action plan")
    page.get_by_label("Barrier action", exact=True).check()
    page.get_by_label("Barrier it tackles (for barrier actions)", exact=True).select_option("childcare")
    page.get_by_label("What will be done, and by whom", exact=True).fill("Apply for a funded nursery place")
    page.locator("#id_due_on_0").fill("1")
    page.locator("#id_due_on_1").fill("6")
    page.locator("#id_due_on_2").fill("2030")
    page.get_by_role("button", name="Add to the plan").click()
    assert page.locator("td", has_text="Apply for a funded nursery place").first.is_visible()
    assert_accessible(page, context="action plan with an action")

    page.get_by_role("link", name="Update readiness for work").click()
    page.get_by_role("heading", name="Readiness for work").wait_for()
    assert_accessible(page, context="readiness")
    page.get_by_label("Job ready", exact=True).check()
    page.get_by_role("button", name="Save readiness").click()
    assert page.get_by_text("Kayleigh Dobson is now job ready").is_visible()
    assert_accessible(page, context="summary")

    # She has moved: the key worker corrects her postcode and phone.
    page.get_by_role("link", name="Change personal details").click()
    page.get_by_role("heading", name="Personal details").wait_for()
    assert_accessible(page, context="personal details")
    page.get_by_label("Postcode").fill("ZZ99 9ZZ")
    page.get_by_role("button", name="Save personal details").click()
    page.get_by_role("heading", name="There is a problem").wait_for()
    assert_accessible(page, context="personal details with an error")
    page.get_by_label("Postcode").fill("DL1 1AA")
    page.get_by_label("Phone number (optional)").fill("07700 900456")
    page.get_by_role("button", name="Save personal details").click()
    page.get_by_text("Personal details saved").wait_for()
    assert page.get_by_text("DL1 1AA").first.is_visible()

    participant = Participant.objects.get()
    assert (participant.postcode, participant.phone) == ("DL1 1AA", "07700 900456")
    assert participant.readiness == Readiness.JOB_READY and participant.readiness_changed_on
    assert participant.consent_employer_profile and participant.licences == ["food_hygiene"]

    page.goto("/caseload/")
    assert page.get_by_role("link", name="Kayleigh Dobson").is_visible()
    assert_accessible(page, context="caseload")
