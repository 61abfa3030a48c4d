"""The pages people use most, on a phone: nothing runs off the side of the screen (wide tables
scroll inside their own box) and axe-core finds nothing, at 375 pixels wide."""

import io

import pytest
from django.core.cache import cache
from django.utils import timezone

from brokerage.opportunities.models import OpportunityStatus
from brokerage.retention.models import RetentionRun
from search.models import ArchivedMatch
from tests.browser.helpers import assert_accessible, job_ready_person_and_two_jobs, sign_in
from tests.factories.opportunities import OpportunityFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _fits_the_screen(page, what: str) -> None:
    assert_accessible(page, context=f"{what} on a phone")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{what}: the page is {overflow}px wider than a 375px phone screen"


def test_public_and_key_worker_pages_fit_a_phone(phone, live_server):
    from cms import demo

    demo.load(io.StringIO())
    cache.clear()
    person, labourer, _ = job_ready_person_and_two_jobs()
    ArchivedMatch.objects.create(participant=person, opportunity=labourer, archived_by=person.key_worker,
                                 reason="Already applied there")
    page = phone.new_page()

    for path, what in [("/", "home page"), ("/employers/enquire/", "enquiry form"),
                       ("/opportunities/", "opportunity listing"), ("/accounts/login/", "sign in")]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)

    assert page.goto("/no-such-page/").status == 404
    _fits_the_screen(page, "page not found")

    sign_in(phone, live_server, person.key_worker)
    for path, what in [
        ("/caseload/", "caseload"),
        (f"/participants/{person.reference}/", "participant record"),
        (f"/participants/{person.reference}/details/", "personal details"),
        (f"/participants/{person.reference}/matches/", "matches"),
        (f"/participants/{person.reference}/matches/archived/", "archived matches"),
        (f"/opportunities/{labourer.pk}/candidates/", "candidates"),
        ("/search/?q=Lee", "staff search"),
    ]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)
    page.goto(f"/participants/{person.reference}/matches/")
    assert "Shop assistant" in page.locator(".govuk-summary-card").first.inner_text()
    assert page.goto("/employer/").status == 403
    _fits_the_screen(page, "no access")


def test_employer_and_coordinator_pages_fit_a_phone(phone, live_server):
    from portal.accounts.roles import Role
    from tests.factories.employers import EmployerMembershipFactory
    from tests.factories.participants import tees_programme
    from tests.factories.reference import UserFactory

    membership = EmployerMembershipFactory(user=UserFactory(role=Role.EMPLOYER), role="admin")
    OpportunityFactory(employer=membership.employer, title="Warehouse operative", status=OpportunityStatus.LIVE)
    coordinator = UserFactory(role=Role.COORDINATOR)
    programme = tees_programme()
    coordinator.programmes.add(programme)
    RetentionRun.objects.create(participants_anonymised=3, enquiries_anonymised=1, finished_at=timezone.now())
    page = phone.new_page()

    sign_in(phone, live_server, membership.user)
    for path, what in [
        ("/employer/", "employer dashboard"),
        ("/employer/opportunities/", "employer opportunities"),
        ("/employer/candidates/", "employer candidates"),
        ("/employer/incentives/", "employer incentives"),
    ]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)

    phone.clear_cookies()
    sign_in(phone, live_server, coordinator)
    for path, what in [("/opportunities/moderation/", "moderation queue"), ("/reports/", "reports"),
                       (f"/reports/{programme.slug}/outcomes/", "outcomes report"),
                       (f"/reports/{programme.slug}/money/", "money report"), ("/partner/enquiries/", "enquiry inbox"),
                       ("/retention/", "retention schedule and runs")]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)


def test_money_pages_fit_a_phone(phone, live_server):
    from brokerage.payments.incentives import services as incentives
    from tests.payments.fund_helpers import fund_world, submit
    from tests.payments.incentive_helpers import checkpoint_met, days_ago, start_create, world

    w = world()
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    [claim] = incentives.incentive_claim_for_placement(placement=placement)
    checkpoint_met(placement, "job_starts_4w")
    run = incentives.payment_run_propose(actor=w.proposer)
    participant, key_worker, coordinator, _, _ = fund_world()
    submit(participant, coordinator, amount_pence=25_000)  # over the limit: waits for a coordinator
    page = phone.new_page()

    sign_in(phone, live_server, w.approver)
    for path, what in [("/payments/", "finance home"), ("/payments/runs/", "payment runs"),
                       (f"/payments/runs/{run.pk}/", "payment run"), ("/payments/incentives/", "incentive claims"),
                       (f"/payments/incentives/{claim.pk}/", "incentive claim"),
                       (f"/payments/incentives/employers/{w.employer.pk}/block/", "block an employer"),
                       ("/payments/reconciliation/", "reconciliation")]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)

    phone.clear_cookies()
    sign_in(phone, live_server, key_worker)
    for path, what in [
        ("/payments/fund/", "flexible fund"),
        (f"/participants/{participant.reference}/fund/", "fund for a participant"),
        (f"/participants/{participant.reference}/fund/request/", "fund request form"),
    ]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)

    phone.clear_cookies()
    sign_in(phone, live_server, coordinator)
    assert page.goto("/payments/fund/approvals/").ok
    _fits_the_screen(page, "fund approvals")


def test_pipeline_pages_fit_a_phone(phone, live_server):
    from brokerage.pipeline.services.placements import checkpoints_schedule
    from tests.factories.opportunities import OpportunityFactory as Opportunities
    from tests.factories.pipeline import ProposalFactory
    from tests.payments.incentive_helpers import days_ago, start_create, world

    w = world()
    placement = start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    checkpoints_schedule(placement=placement)
    proposal = ProposalFactory(opportunity=Opportunities(employer=w.employer, programme=w.programme, status="live"))
    page = phone.new_page()

    sign_in(phone, live_server, proposal.participant.key_worker)
    for path, what in [("/pipeline/", "pipeline"), (f"/pipeline/proposals/{proposal.pk}/", "proposal"),
                       (f"/participants/{proposal.participant.reference}/pipeline/", "participant's pipeline")]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)

    phone.clear_cookies()
    sign_in(phone, live_server, placement.participant.key_worker)
    assert page.goto(f"/pipeline/placements/{placement.pk}/").ok
    _fits_the_screen(page, "placement and its checkpoints")

    phone.clear_cookies()
    sign_in(phone, live_server, w.employer_user)
    for path, what in [("/employer/candidates/", "employer candidates"),
                       (f"/employer/candidates/{proposal.pk}/", "anonymised candidate")]:
        assert page.goto(path).ok, f"{what} ({path}) did not open"
        _fits_the_screen(page, what)
