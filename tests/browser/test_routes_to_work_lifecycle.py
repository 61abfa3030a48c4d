"""Issue 18, Routes to Work (Tees Valley), through the UI, across every role: an employer offers a
vacancy; a coordinator approves it and it goes live; a key worker opens a job-ready
participant's matches, reads why they fit, and proposes them (the match then reads "Proposed
on …"); a flexible-fund travel pass to get to the interview is approved at once and paid on a
single-use card (test mode); the employer reads the anonymised profile, books an interview and
offers the job; the key worker records the acceptance and the start; the 4, 13 and 26-week
checks are confirmed through the employer's signed link (time moved with time-machine); both
incentive stages fall due, one finance officer proposes the payment run and the other approves
it, the transfers happen in the Stripe stand-in and the webhook marks them paid; the Routes to
Work outcome report counts the start and the sustained job in Stockton-on-Tees, and the money
report shows the bus pass spend and the incentive paid. Every page is checked with axe-core."""

import datetime
import json
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.test import Client

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.participants.models import ActionKind, Readiness
from brokerage.payments.incentives import services as incentives
from brokerage.payments.models import (
    FundRequest,
    FundRequestStatus,
    IncentivePayment,
    PaymentStatus,
    StripeAccount,
)
from brokerage.pipeline.models import CheckpointStatus, Proposal, ProposalStatus
from brokerage.pipeline.services.notices import checkpoint_notices_send
from brokerage.reference.choices import Barrier, Sector
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible, link_from_email
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.participants import ActionItemFactory, ParticipantFactory, tees_programme
from tests.factories.payments import FundBudgetFactory
from tests.factories.pipeline import standard_rules
from tests.factories.reference import UserFactory
from tests.payments.conftest import _stripe_stub_server, stripe_stub  # noqa: F401 (fixtures)
from tests.payments.incentive_helpers import scheme_create
from tests.payments.stub import event_payload, sign

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY = datetime.date(2027, 1, 11)
START = datetime.date(2027, 2, 1)  # the vacancy's start date, and the day the person starts


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


def table_cell(page, table: str, row: str, column: str) -> str:
    """The text of ``column`` in the row headed ``row`` of the report table ``#table-<table>``."""
    headers = [h.strip() for h in page.locator(f"#table-{table} thead th").all_inner_texts()]
    cells = page.locator(f"#table-{table} tbody tr").filter(
        has=page.get_by_role("rowheader", name=row, exact=True)
    ).first.locator("th, td").all_inner_texts()
    return cells[headers.index(column)].strip()


def test_routes_to_work_vacancy_to_sustained_job_paid_and_reported(
    page, context, browser_login, live_server, time_machine, stripe_stub  # noqa: F811
):
    at(time_machine, MONDAY)
    programme = tees_programme()  # Routes to Work, Stockton-on-Tees (TS18, TS19, TS20)
    stockton = programme.areas.get()
    standard_rules(programme)  # 4, 13 and 26-week checks, 3/6/9/12-month reviews
    scheme_create(programme)  # the employer incentive: half after 4 weeks, half after 26
    FundBudgetFactory(programme=programme, amount_pence=500_000)
    employer = EmployerFactory(name="Tees Components Ltd", verified=True, postcode="TS18 2NT",
                               area=stockton)
    boss = EmployerMembershipFactory(
        employer=employer, role="admin",
        user=UserFactory(role=Role.EMPLOYER, email="priya@teescomponents.co.uk"),
    ).user
    account = stripe_stub.add_account(payouts_enabled=True, details_submitted=True,
                                      charges_enabled=True)
    StripeAccount.objects.create(employer=employer, account_id=account["id"],
                                 payouts_enabled=True, details_submitted=True, charges_enabled=True)
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    key_worker = UserFactory(role=Role.KEY_WORKER, first_name="Sam", last_name="Okafor")
    key_worker.programmes.add(programme)
    first_finance = UserFactory(role=Role.FINANCE_OFFICER, email="finance@example.org")
    second_finance = UserFactory(role=Role.FINANCE_OFFICER, email="finance2@example.org")
    jordan = ParticipantFactory(
        programme=programme, key_worker=key_worker, first_name="Jordan", last_name="Reed",
        email="jordan.reed@example.com", phone="07700 900123", postcode="TS18 1AA",
        latitude=54.557901, longitude=-1.317546, date_of_birth=datetime.date(1990, 5, 17),
        readiness=Readiness.JOB_READY, consent_employer_profile=True, assessed_on=MONDAY,
        max_travel_miles=15, hours_min=20, hours_max=40, skills=["forklift"],
        sector_interests=[Sector.MANUFACTURING],
    )
    ActionItemFactory(participant=jordan, kind=ActionKind.BARRIER, barrier=Barrier.TRANSPORT,
                      description="Get to the interview in Stockton by bus")

    # The employer offers a vacancy.
    browser_login(boss)
    page.goto(f"{live_server.url}/employer/opportunities/")
    page.get_by_role("link", name="Register an opportunity").click()
    page.get_by_label("Vacancy", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, context="vacancy details")
    page.get_by_label("Title", exact=True).fill("CNC machine operator")
    page.get_by_label("Description").fill("Set up and run CNC lathes on day shifts.")
    page.get_by_label("Sector").select_option("manufacturing")
    page.get_by_label("Number of places").fill("2")
    page.get_by_label("Hours per week").fill("37.5")
    page.get_by_label("Pay, in pounds").fill("13.10")
    page.get_by_label("an hour").check()
    fill_date(page, "start_date", START)
    fill_date(page, "closing_date", datetime.date(2027, 1, 25))
    page.get_by_role("button", name="Continue").click()
    if not page.get_by_role("heading", name="Check your answers before submitting").is_visible():
        pytest.fail(page.locator(".govuk-error-summary").inner_text())
    assert_accessible(page, context="check answers")
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_role("heading", name="Opportunity submitted").is_visible()
    assert_accessible(page, context="submitted")

    # The coordinator approves it (after the confirmation step): it goes live.
    browser_login(coordinator)
    page.goto(f"{live_server.url}/opportunities/moderation/")
    assert_accessible(page, context="moderation queue")
    page.get_by_role("link", name="CNC machine operator").click()
    page.get_by_role("button", name="Approve and make live").click()
    assert_accessible(page, context="approve confirmation")
    page.get_by_role("button", name="Yes, approve and make live").click()
    assert page.get_by_text("‘CNC machine operator’ is approved and live").is_visible()
    opportunity = Opportunity.objects.get()
    assert opportunity.status == OpportunityStatus.LIVE

    # The key worker opens Jordan's matches, reads why the vacancy fits and proposes them.
    browser_login(key_worker)
    page.goto(f"{live_server.url}/participants/{jordan.reference}/matches/")
    card = page.locator(".govuk-summary-card").filter(has_text="CNC machine operator")
    assert "wants manufacturing" in card.inner_text()
    assert_accessible(page, context="matches")
    card.get_by_role("link", name="Propose Jordan Reed for CNC machine operator").click()
    assert_accessible(page, context="propose")
    page.get_by_label("Note for the employer").fill("Ran CNC lathes at college; call 07700 900123.")
    page.get_by_label("The person agrees that their name and contact details").check()
    page.get_by_role("button", name="Propose").click()
    assert page.get_by_text("There is a problem").is_visible()  # the phone number would unmask them
    assert not Proposal.objects.exists()
    assert_accessible(page, context="propose with a phone number in the note")
    page.get_by_label("Note for the employer").fill("Ran CNC lathes at college; keen to start.")
    page.get_by_role("button", name="Propose").click()
    assert page.get_by_text("has been proposed for CNC machine operator").is_visible()
    assert_accessible(page, context="proposal (key worker)")
    proposal = Proposal.objects.get()
    page.goto(f"{live_server.url}/participants/{jordan.reference}/matches/")
    card = page.locator(".govuk-summary-card").filter(has_text="CNC machine operator")
    assert "Proposed on 11 January 2027" in card.inner_text()
    assert card.get_by_role("link", name="Propose Jordan Reed for CNC machine operator").count() == 0

    # A bus pass to get to the interview: within the limit, approved at once, paid on a card.
    page.goto(f"{live_server.url}/participants/{jordan.reference}/fund/")
    page.get_by_role("link", name="Request money from the fund").click()
    page.get_by_label("Travel", exact=True).check()
    page.get_by_label("Describe what you will buy").fill("Four-week bus pass to get to the interview")
    page.get_by_label("Amount").fill("£45.00")
    page.get_by_label("Which barrier to work does this remove?").select_option("transport")
    page.get_by_label("Why is this not available from another service or fund?").fill(
        "Not eligible for the Jobcentre's Flexible Support Fund"
    )
    page.get_by_label("Single-use virtual card for the key worker").check()
    page.get_by_role("button", name="Continue").click()
    assert_accessible(page, context="check the fund request")
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("heading", name="Virtual card issued").wait_for()
    fund_request = FundRequest.objects.get()
    assert fund_request.status == FundRequestStatus.PAID and fund_request.amount_pence == 4_500
    assert page.get_by_text(f"Card ending {fund_request.card_last4}, for up to £45.00").is_visible()
    assert len(stripe_stub.cards) == 1
    assert_accessible(page, context="card issued")

    # Jordan buys the bus pass with the card; Stripe (test mode) tells the portal by webhook.
    stripe_stub.purchase(card_id=fund_request.card_id, amount_pence=4_500,
                         merchant_name="Arriva North East")
    for event in stripe_stub.events:
        if event["type"].startswith(("issuing_authorization.", "issuing_transaction.")):
            payload = json.dumps(event).encode()
            response = Client().post("/stripe/webhook/", data=payload,
                                     content_type="application/json",
                                     HTTP_STRIPE_SIGNATURE=sign(payload))
            assert response.status_code == 200
    page.reload()
    assert page.get_by_text("Spent so far: £45.00.").is_visible()
    assert_accessible(page, context="card spent")

    # The employer reads the anonymised profile and books an interview for Thursday.
    browser_login(boss)
    page.goto(f"{live_server.url}/employer/candidates/")
    assert_accessible(page, context="employer candidates")
    page.get_by_role("link", name=f"Candidate {jordan.reference}").click()
    assert page.get_by_role("heading", name=f"Candidate {jordan.reference}").is_visible()
    html = page.content()
    assert "Jordan" not in html and "Reed" not in html and "07700" not in html
    assert_accessible(page, context="anonymised candidate")
    page.get_by_role("link", name="Book an interview").click()
    fill_date(page, "date", datetime.date(2027, 1, 14))
    page.get_by_label("Time").fill("10:30")
    page.get_by_label("Video call").check()
    page.get_by_label("Address or video link").fill("https://meet.example.org/tees")
    page.get_by_role("button", name="Book interview").click()
    assert page.get_by_text("Interview booked").first.is_visible()
    assert page.get_by_role("heading", name="Jordan Reed").is_visible()  # revealed, with consent
    assert_accessible(page, context="candidate with interview")

    # The interview takes place; the employer offers the job.
    at(time_machine, datetime.date(2027, 1, 15))
    browser_login(boss)
    page.goto(f"{live_server.url}/employer/candidates/{proposal.pk}/")
    page.get_by_label("The interview took place").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Offer the job").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Recorded: offered").is_visible()
    assert_accessible(page, context="candidate offered")

    # Jordan accepts; on the vacancy's start date the key worker records the start.
    browser_login(key_worker)
    page.goto(f"{live_server.url}/pipeline/proposals/{proposal.pk}/")
    page.get_by_label("They accepted the offer").check()
    page.get_by_role("button", name="Save").click()
    at(time_machine, START)
    browser_login(key_worker)
    page.goto(f"{live_server.url}/pipeline/proposals/{proposal.pk}/")
    page.get_by_role("link", name="Record the start").click()
    assert_accessible(page, context="record start")
    fill_date(page, "start_date", START)
    page.get_by_label("Permanent").check()
    page.get_by_role("button", name="Record the start").click()
    assert page.get_by_text("Start recorded: 7 checkpoints scheduled").is_visible()
    assert_accessible(page, context="placement")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.STARTED

    # The 4, 13 and 26-week checks: on each due date the employer is emailed a signed link and
    # confirms Jordan still works there, without signing in.
    for name, days in (("Job start sustained 4 weeks", 28), ("Sustained 13 weeks", 91),
                       ("Sustained 26 weeks", 182)):
        due = START + datetime.timedelta(days=days)
        at(time_machine, due)
        mail.outbox.clear()
        checkpoint_notices_send(today=due)
        message = next(m for m in mail.outbox if m.to == ["priya@teescomponents.co.uk"]
                       and "/checkpoints/confirm/" in m.body and f"({name.lower()})" in m.body)
        link = live_server.url + urlparse(link_from_email(message, "/checkpoints/confirm/")).path
        context.clear_cookies()
        page.goto(link)
        assert page.get_by_role("heading", name="Does Jordan still work for you?").is_visible()
        assert_accessible(page, context=f"confirm {name}")
        page.get_by_role("radio", name="Yes", exact=True).check()
        page.get_by_label("If yes, how many hours a week").fill("37.5")
        page.get_by_role("button", name="Confirm").click()
        assert page.get_by_role("heading", name="Thank you").is_visible()
        assert proposal.placement.checkpoints.get(name=name).status == CheckpointStatus.MET

    # Both incentive stages are due (Jordan was 36 at the start: £1,500, half at each stage).
    incentives.incentive_claims_sync()  # the beat tasks
    incentives.incentive_payments_check_due()
    due = IncentivePayment.objects.filter(status=PaymentStatus.DUE, blocking_check="")
    assert sorted(due.values_list("amount_pence", flat=True)) == [75_000, 75_000]

    # One finance officer proposes the run; they may not approve it themselves.
    browser_login(first_finance)
    page.goto(f"{live_server.url}/payments/runs/")
    assert_accessible(page, context="payment runs")
    page.get_by_role("button", name="Propose a payment run").click()
    assert page.get_by_text(
        "You proposed this run, so another finance officer must approve it."
    ).is_visible()
    assert_accessible(page, context="run as its proposer")
    run_url = page.url

    # The other approves it; Stripe (test mode) makes one transfer per stage.
    context.clear_cookies()
    browser_login(second_finance)
    page.goto(run_url)
    assert page.get_by_text("Tees Components Ltd: £1,500.00").is_visible()
    page.get_by_role("button", name="Approve and pay £1,500.00").click()
    page.get_by_text("approved. The payments are being sent through Stripe.").wait_for()
    assert_accessible(page, context="run approved")
    assert len(stripe_stub.transfers) == 2
    for payment in IncentivePayment.objects.all():
        payload = event_payload("transfer.paid", stripe_stub.transfers[payment.transfer_id])
        response = Client().post("/stripe/webhook/", data=payload, content_type="application/json",
                                 HTTP_STRIPE_SIGNATURE=sign(payload))
        assert response.status_code == 200
    assert set(IncentivePayment.objects.values_list("status", flat=True)) == {PaymentStatus.PAID}

    # The employer sees both stages paid.
    context.clear_cookies()
    browser_login(boss)
    page.goto(f"{live_server.url}/employer/incentives/")
    assert page.get_by_text("Paid", exact=True).count() == 2
    paid_stages = page.locator("tbody tr").filter(has_text="£750.00").filter(has_text="Paid")
    assert paid_stages.count() == 2
    assert "total £1,500.00" in page.locator("main").inner_text()
    assert_accessible(page, context="employer incentives paid")

    # The Routes to Work outcome report counts the start and the sustained job in Stockton.
    context.clear_cookies()
    browser_login(coordinator)
    page.goto(f"{live_server.url}/reports/")
    assert_accessible(page, context="reports index")
    page.get_by_role("link", name="Targets and outcomes for Routes to Work").click()
    assert_accessible(page, context="Routes to Work outcome report")
    actual = "Actual (different people)"
    assert table_cell(page, "outcomes", "Starts", actual) == "1"
    assert table_cell(page, "outcomes", "Job starts sustained 4 weeks", actual) == "1"
    assert table_cell(page, "outcomes", "Sustained 13 weeks", actual) == "1"
    assert table_cell(page, "outcomes", "Sustained 26 weeks", actual) == "1"
    assert table_cell(page, "outcomes-by-month", "February 2027", "Starts") == "1"
    page.get_by_text("Change the period or area").click()
    page.get_by_label("Area", exact=True).select_option(label="Stockton-on-Tees")
    page.get_by_role("button", name="Show the report").click()
    assert "Stockton-on-Tees" in page.locator("#report-scope").inner_text()
    assert table_cell(page, "outcomes", "Starts", actual) == "1"
    assert table_cell(page, "outcomes", "Sustained 26 weeks", actual) == "1"
    assert_accessible(page, context="Routes to Work outcome report for Stockton-on-Tees")

    # The money report shows the bus pass as travel spend in Stockton-on-Tees in January, and
    # the £1,500.00 incentive (both £750.00 stages, paid in one run) in August.
    page.goto(f"{live_server.url}/reports/")
    page.get_by_role("link", name="Money for Routes to Work").click()
    assert page.get_by_role("heading", name="Flexible fund spend by category").is_visible()
    assert table_cell(page, "money-categories", "Travel", "Spent") == "£45.00"
    assert table_cell(page, "money-categories", "Total", "Spent") == "£45.00"
    assert table_cell(page, "money-areas", "Stockton-on-Tees", "Spent") == "£45.00"
    assert table_cell(page, "money-months", "January 2027", "Spent") == "£45.00"
    assert table_cell(page, "money-incentives", "August 2027", "Paid to employers") == "£1,500.00"
    assert table_cell(page, "money-incentives", "Total", "Net") == "£1,500.00"
    assert table_cell(page, "money-cost", "Starts (jobs and placements)", "Spent in the period") == (
        "£1,545.00"
    )
    assert table_cell(page, "money-cost", "Jobs sustained 26 weeks", "Cost each") == "£1,545.00"
    assert_accessible(page, context="Routes to Work money report")
    assert Decimal(proposal.placement.hours_per_week) == Decimal("37.5")
