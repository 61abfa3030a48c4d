"""K2 and K3: a key worker proposes a participant; the employer books an interview and makes an
offer; the key worker records the acceptance and the start; the 4-week checkpoint comes due and
the employer confirms it from the emailed link without signing in. axe-core on every page."""

import datetime
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone

from brokerage.pipeline.models import CheckpointStatus, Interview, OutcomeRecord, Proposal
from brokerage.pipeline.services.notices import checkpoint_notices_send
from brokerage.reference.choices import Sector
from portal.accounts.roles import Role
from tests.browser.helpers import assert_accessible, link_from_email
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import standard_rules
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_date(page, prefix: str, day: datetime.date) -> None:
    page.locator(f"#id_{prefix}_0").fill(str(day.day))
    page.locator(f"#id_{prefix}_1").fill(str(day.month))
    page.locator(f"#id_{prefix}_2").fill(str(day.year))


def test_propose_interview_offer_start_and_confirm_from_the_emailed_link(
    page, context, browser_login, live_server
):
    programme = tees_programme()
    standard_rules(programme)
    key_worker = UserFactory(role=Role.KEY_WORKER, first_name="Sam", last_name="Okafor")
    key_worker.programmes.add(programme)
    participant = ParticipantFactory(
        key_worker=key_worker, programme=programme, first_name="Jordan", last_name="Reed",
        email="jordan.reed@example.com", consent_employer_profile=True, skills=["forklift"],
        sector_interests=[Sector.MANUFACTURING],
    )
    employer = EmployerFactory(name="Tees Components Ltd")
    boss = EmployerMembershipFactory(employer=employer, user=UserFactory(
        role=Role.EMPLOYER, email="priya@teescomponents.co.uk")).user
    opportunity = OpportunityFactory(
        employer=employer, programme=programme, status="live", title="CNC machine operator"
    )

    # The key worker proposes Jordan, from the link a match page gives.
    browser_login(key_worker)
    page.goto(f"{live_server.url}/participants/{participant.reference}/propose/?opportunity={opportunity.pk}")
    assert_accessible(page, context="propose")
    page.get_by_role("button", name="Propose").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="propose with errors")
    page.get_by_label("Note for the employer").fill("Ran CNC lathes at college; keen to start.")
    page.get_by_label("The person agrees that their name and contact details").check()
    page.get_by_role("button", name="Propose").click()
    assert page.get_by_text("has been proposed for CNC machine operator").is_visible()
    assert_accessible(page, context="proposal (key worker)")
    proposal = Proposal.objects.get()

    # The employer sees an anonymised profile and books an interview.
    browser_login(boss)
    page.goto(f"{live_server.url}/employer/candidates/")
    assert_accessible(page, context="employer candidates")
    page.get_by_role("link", name=f"Candidate {participant.reference}").click()
    assert page.get_by_role("heading", name=f"Candidate {participant.reference}").is_visible()
    assert page.get_by_text("Jordan").count() == 0
    assert_accessible(page, context="anonymised candidate")
    page.get_by_role("link", name="Book an interview").click()
    assert_accessible(page, context="book interview")
    _fill_date(page, "date", timezone.localdate() + datetime.timedelta(days=2))
    page.get_by_label("Time").fill("10:30")
    page.get_by_label("Video call").check()
    page.get_by_label("Address or video link").fill("https://meet.example.org/tees")
    page.get_by_role("button", name="Book interview").click()
    assert page.get_by_text("Interview booked").first.is_visible()
    assert page.get_by_role("heading", name="Jordan Reed").is_visible()  # revealed, with consent
    assert_accessible(page, context="candidate with interview")
    # Before the interview its outcome cannot be recorded; a month passes and it has taken place.
    page.get_by_label("The interview took place").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Record what happened once it has taken place").first.is_visible()
    Interview.objects.filter(proposal=proposal).update(
        date=timezone.localdate() - datetime.timedelta(days=30)
    )
    page.goto(f"{live_server.url}/employer/candidates/{proposal.pk}/")
    page.get_by_label("The interview took place").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Offer the job").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Recorded: offered").is_visible()
    assert_accessible(page, context="candidate offered")

    # The key worker records the acceptance and the start, 28 days ago.
    browser_login(key_worker)
    page.goto(f"{live_server.url}/pipeline/proposals/{proposal.pk}/")
    page.get_by_label("They accepted the offer").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record the start").click()
    assert_accessible(page, context="record start")
    start = timezone.localdate() - datetime.timedelta(days=28)
    _fill_date(page, "start_date", start)
    page.get_by_label("Permanent").check()
    page.get_by_role("button", name="Record the start").click()
    if opportunity.start_date and start < opportunity.start_date:  # asked before it is recorded
        assert page.get_by_text("The start date is before the opportunity starts").first.is_visible()
        page.get_by_label("Yes, they started before the opportunity's start date").check()
        page.get_by_role("button", name="Record the start").click()
    assert page.get_by_text("Start recorded: 7 checkpoints scheduled").is_visible()
    assert_accessible(page, context="placement")

    # The beat task sends the employer a signed link on the due date.
    mail.outbox.clear()
    checkpoint_notices_send(today=timezone.localdate())
    message = next(
        m
        for m in mail.outbox
        if m.to == ["priya@teescomponents.co.uk"] and "/checkpoints/confirm/" in m.body
    )
    link = live_server.url + urlparse(link_from_email(message, "/checkpoints/confirm/")).path

    context.clear_cookies()  # no sign-in needed
    page.goto(link)
    assert page.get_by_role("heading", name="Does Jordan still work for you?").is_visible()
    assert_accessible(page, context="confirm from link")
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page, context="confirm from link with errors")
    page.get_by_label("If yes, how many hours a week").fill("37.5")
    page.get_by_role("button", name="Confirm").click()
    assert page.get_by_role("heading", name="Thank you").is_visible()
    assert_accessible(page, context="confirmed")

    checkpoint = proposal.placement.checkpoints.get(name="Job start sustained 4 weeks")
    assert checkpoint.status == CheckpointStatus.MET
    assert OutcomeRecord.objects.filter(kind="checkpoint_met", measure="job_starts_4w").count() == 1
    page.goto(link)
    assert page.get_by_role("heading", name="This has already been confirmed").is_visible()
    assert_accessible(page, context="used link")
