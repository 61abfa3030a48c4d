"""Issue 18, Plan 500 (Swindon), through the UI: an employer registers a work-experience
placement and a mentoring offer in their strands and volunteers as a mentor; a coordinator
approves both (with the confirmation step); a key worker records the mentee's choice of mentor;
the mentor and key worker log contact month by month (time moved with time-machine); the strand
table counts the employer and the places. Every page is checked with axe-core."""

import datetime

import pytest

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.pipeline.models import MentoringAgreement
from brokerage.reference.choices import Sector
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import AreaFactory, ProgrammeFactory, StrandFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _wage_rates():
    from importlib import import_module

    from django.apps import apps

    import_module("brokerage.opportunities.migrations.0002_minimum_wage_rates").load(apps, None)


def at(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC))


def fill_date(page, name, date):
    page.locator(f"#id_{name}_0").fill(str(date.day))
    page.locator(f"#id_{name}_1").fill(str(date.month))
    page.locator(f"#id_{name}_2").fill(str(date.year))


def register(page, live_server, *, kind, title, strand, fill):
    page.goto(f"{live_server.url}/employer/opportunities/")
    page.get_by_role("link", name="Register an opportunity").click()
    assert_accessible(page, context="choose type")
    page.get_by_label(kind, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, context=f"{kind} details")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Description").fill(f"{title}, offered through Plan 500.")
    page.get_by_label("Programme strand").select_option(label=f"Plan 500: {strand}")
    fill(page)
    page.get_by_role("button", name="Continue").click()
    if not page.get_by_role("heading", name="Check your answers before submitting").is_visible():
        pytest.fail(page.locator(".govuk-error-summary").inner_text())
    assert_accessible(page, context=f"{kind} check answers")
    assert page.get_by_text(f"Plan 500: {strand}", exact=True).is_visible()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_role("heading", name="Opportunity submitted").is_visible()
    assert_accessible(page, context=f"{kind} submitted")


def approve(page, live_server, title):
    page.goto(f"{live_server.url}/opportunities/moderation/")
    assert_accessible(page, context="moderation queue")
    page.get_by_role("link", name=title).click()
    assert_accessible(page, context=f"moderation detail: {title}")
    page.get_by_role("button", name="Approve and make live").click()
    assert page.get_by_role("heading", name=f"Approve ‘{title}’ and make it live?").is_visible()
    assert_accessible(page, context="approve confirmation")
    page.get_by_role("button", name="Yes, approve and make live").click()
    assert page.get_by_text(f"‘{title}’ is approved and live").is_visible()
    assert_accessible(page, context="queue after approval")


def strand_row(page, strand):
    return [c.strip() for c in page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=strand, exact=True)).locator("td").all_inner_texts()]


def test_plan_500_employer_strands_mentoring_and_strand_table(page, browser_login, live_server,
                                                             time_machine, tmp_path):
    at(time_machine, datetime.date(2027, 1, 11))
    swindon = AreaFactory(name="Swindon", region="South West", outcodes=["SN1", "SN2"])
    plan = ProgrammeFactory(name="Plan 500", slug="plan-500")
    StrandFactory(programme=plan, name="Work experience", slug="work-experience")
    StrandFactory(programme=plan, name="Mentoring", slug="mentoring")
    member = EmployerMembershipFactory(employer__name="Wiltshire Logistics Ltd",
                                       employer__postcode="SN1 2JG", employer__area=swindon,
                                       user__first_name="Priya", user__last_name="Shah")
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(plan)
    key_worker = UserFactory(role=Role.KEY_WORKER)
    key_worker.programmes.add(plan)
    mentee = ParticipantFactory(
        key_worker=key_worker, programme=plan, first_name="Kai", last_name="Morgan",
        email="kai.morgan@example.com", postcode="SN1 2JG", consent_employer_profile=True,
        sector_interests=[Sector.LOGISTICS],
    )
    risk = tmp_path / "risk-assessment.pdf"
    risk.write_bytes(PDF)
    insurance = tmp_path / "insurance.pdf"
    insurance.write_bytes(PDF)

    # The Coordinator's strand table starts empty.
    browser_login(coordinator)
    page.goto(f"{live_server.url}/opportunities/strands/plan-500/")
    assert_accessible(page, context="strand table (empty)")
    assert strand_row(page, "Work experience")[1:3] == ["0", "0"]
    assert page.locator("#distinct-employers").inner_text() == "0 different employers"

    # The employer registers a work-experience placement; without the safeguarding answers it is refused.
    browser_login(member.user)

    def work_experience(page):
        page.get_by_label("Number of places").fill("3")
        page.get_by_label("Hours per week").fill("30")
        page.get_by_label("How many weeks it lasts").fill("2")
        page.get_by_label("No", exact=True).first.check()
        fill_date(page, "start_date", datetime.date(2027, 3, 1))
        fill_date(page, "closing_date", datetime.date(2027, 2, 15))
        page.get_by_role("button", name="Continue").click()
        assert page.get_by_text("There is a problem").is_visible()
        assert page.get_by_text("Enter the name of the person who will supervise").first.is_visible()
        assert page.get_by_text("Confirm you hold employer's liability insurance").first.is_visible()
        assert_accessible(page, context="work experience without safeguarding answers")
        assert not Opportunity.objects.exists()
        page.get_by_label("Name of the person who will supervise them").fill("Dan Price")
        page.get_by_label("Risk assessment for the placement").set_input_files(str(risk))
        page.get_by_label("We hold employer's liability insurance").check()
        page.get_by_label("Employer's liability insurance certificate").set_input_files(str(insurance))

    register(page, live_server, kind="Work experience", title="Warehouse work experience",
             strand="Work experience", fill=work_experience)

    def mentoring_offer(page):
        page.get_by_label("Number of people you can mentor").fill("2")
        page.get_by_label("How many weeks it lasts").fill("26")
        fill_date(page, "start_date", datetime.date(2027, 1, 18))
        page.get_by_label("Rolling: no closing date").check()

    register(page, live_server, kind="Mentoring offer", title="Mentoring in logistics",
             strand="Mentoring", fill=mentoring_offer)

    # The employer volunteers as a trained mentor.
    page.goto(f"{live_server.url}/employer/mentoring/")
    assert_accessible(page, context="volunteer as a mentor")
    page.get_by_label("Logistics").check()
    page.get_by_label("About you").fill("Warehouse manager; I recruit every month.")
    fill_date(page, "trained_on", datetime.date(2027, 1, 5))
    page.get_by_role("button", name="Volunteer").click()
    assert page.get_by_text("Your mentor profile has been saved").is_visible()
    assert_accessible(page, context="mentor profile saved")

    # The coordinator approves both after the confirmation step.
    browser_login(coordinator)
    approve(page, live_server, "Warehouse work experience")
    approve(page, live_server, "Mentoring in logistics")
    assert set(Opportunity.objects.values_list("status", flat=True)) == {OpportunityStatus.LIVE}

    # The key worker records the mentee's choice of mentor and what was agreed.
    browser_login(key_worker)
    page.goto(f"{live_server.url}/pipeline/mentors/")
    assert page.get_by_text("Priya Shah").first.is_visible()
    assert_accessible(page, context="mentors")
    page.goto(f"{live_server.url}/participants/{mentee.reference}/mentoring/")
    assert page.get_by_role("heading", name="Priya Shah, Wiltshire Logistics Ltd").is_visible()
    assert_accessible(page, context="choose a mentor")
    page.get_by_role("link", name="Choose Priya Shah").click()
    assert_accessible(page, context="mentoring agreement form")
    page.get_by_label("How you will keep in touch").fill("Meet in person")
    page.get_by_label("Where you will meet").fill("Swindon Central Library")
    page.get_by_label("How often").fill("Once a month")
    page.get_by_label("What the mentoring will cover").fill("CV and interviews")
    page.get_by_label("What it will not cover").fill("Money or housing advice")
    fill_date(page, "starts_on", datetime.date(2027, 1, 18))
    fill_date(page, "ends_on", datetime.date(2027, 9, 18))  # more than 6 months: refused
    page.get_by_role("button", name="Record agreement").click()
    assert page.get_by_text("up to 6 months").first.is_visible()
    assert not MentoringAgreement.objects.exists()
    assert_accessible(page, context="agreement too long")
    fill_date(page, "ends_on", datetime.date(2027, 7, 18))
    page.get_by_role("button", name="Record agreement").click()
    assert page.get_by_text("Mentoring agreement recorded with Priya Shah").is_visible()
    assert page.get_by_role("heading", name="Priya Shah mentoring Kai Morgan").is_visible()
    assert page.get_by_text("No contact logged yet").is_visible()
    assert_accessible(page, context="agreement recorded")
    agreement = MentoringAgreement.objects.get()

    def log(page, day, method, summary):
        fill_date(page, "happened_on", day)
        page.get_by_label("How", exact=True).select_option(label=method)
        page.get_by_label("What you talked about").fill(summary)
        page.get_by_role("button", name="Log contact").click()
        assert page.get_by_text("Contact recorded").is_visible()

    # Month one: the mentor logs the first meeting.
    at(time_machine, datetime.date(2027, 1, 25))
    browser_login(agreement.mentor.user)
    page.goto(f"{live_server.url}/employer/mentoring/")
    page.get_by_role("link", name="Kai Morgan").click()
    assert page.get_by_text("kai.morgan@example.com").is_visible()  # the mentor sees how to reach them
    log(page, datetime.date(2027, 1, 20), "In person", "CV review")
    assert_accessible(page, context="first contact")

    # Two months on, February was missed: the agreement says so; the key worker logs March.
    at(time_machine, datetime.date(2027, 3, 10))
    browser_login(key_worker)
    page.goto(f"{live_server.url}/mentoring/{agreement.pk}/")
    assert page.get_by_text("No contact logged in February 2027").is_visible()
    assert not page.get_by_text("kai.morgan@example.com").is_visible()
    log(page, datetime.date(2027, 3, 3), "Phone", "Mock interview")
    assert page.get_by_text("3 March 2027").is_visible() and page.get_by_text("Mock interview").is_visible()
    assert_accessible(page, context="second contact")
    assert agreement.contacts.count() == 2

    # Another employer cannot open the agreement.
    browser_login(EmployerMembershipFactory().user)
    response = page.goto(f"{live_server.url}/mentoring/{agreement.pk}/")
    assert response.status == 404

    # The strand table counts the employer in both strands and the places that went live.
    browser_login(coordinator)
    page.goto(f"{live_server.url}/opportunities/strands/")
    assert_accessible(page, context="strand reports")
    page.get_by_role("link", name="Plan 500").first.click()
    assert page.get_by_role("heading", name="Plan 500: strands and targets").is_visible()
    assert_accessible(page, context="strand table")
    assert strand_row(page, "Work experience")[1:4] == ["1", "3", "3"]
    assert strand_row(page, "Mentoring")[1:4] == ["1", "2", "2"]
    assert page.locator("#distinct-employers").inner_text() == "1 different employer"

    # The reporting strand table reads the same records.
    page.goto(f"{live_server.url}/reports/plan-500/strands/")
    assert_accessible(page, context="reporting strand table")
    assert strand_row(page, "Work experience")[1:3] == ["1", "3"]
    assert strand_row(page, "Mentoring")[1:3] == ["1", "2"]
    assert page.get_by_text("Distinct employers: 1.").is_visible()
