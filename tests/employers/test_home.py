"""The employer's home (/employer/): a task list of what needs doing, with links to do it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from brokerage.opportunities.models import InterviewPledge, PledgeInterview
from brokerage.pipeline.models import Checkpoint, Interview, ProposalStatus
from portal.accounts.roles import Role
from tests.factories.employers import EmployerFactory, EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.participants import ParticipantFactory, tees_programme
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import UserFactory
from tests.payments.incentive_helpers import days_ago, start_create, world

pytestmark = pytest.mark.django_db

HOME = "/employer/"


def _member(employer=None, role="admin"):
    return EmployerMembershipFactory(
        employer=employer or EmployerFactory(name="Norton Bakery Ltd"),
        user=UserFactory(role=Role.EMPLOYER), role=role,
    )


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_the_home_is_the_employer_dashboard():
    assert reverse("employers:dashboard") == HOME


def test_a_new_organisation_is_told_what_to_do_first(client):
    membership = _member()
    body = _home(client, membership.user)
    assert "Norton Bakery Ltd" in body
    assert "What to do first" in body
    assert reverse("opportunities:employer_new") in body
    assert "No candidates are waiting" in body
    # the payout account is part of the task list, with the Stripe set-up for an admin
    assert "Not set up" in body
    assert reverse("payments:employer_payouts_start", args=[membership.employer.pk]) in body


def test_the_home_links_to_the_email_preferences(client):
    body = _home(client, _member().user)
    assert reverse("messaging:preferences") in body
    assert "Choose which emails you get" in body


def test_a_member_who_is_not_an_admin_is_not_offered_the_stripe_set_up(client):
    membership = _member(role="member")
    body = _home(client, membership.user)
    assert reverse("payments:employer_payouts_start", args=[membership.employer.pk]) not in body
    assert "Only an admin of Norton Bakery Ltd can set up" in body


def test_a_due_incentive_without_a_payout_account_says_what_is_missing(client):
    w = world(ready=None)  # no payout account
    start_create(programme=w.programme, employer=w.employer, start_date=days_ago(40))
    from brokerage.payments.incentives import services as incentives

    placement = w.employer.placements.get()
    incentives.incentive_claim_for_placement(placement=placement)
    body = _home(client, w.employer_user)
    assert "What to do first" not in body
    assert "Action needed" in body
    assert "2 payments held: no payout account" in body
    assert "What is missing: no payout account" in body
    assert "Add bank details to get paid" in body
    assert "£750.00" in body  # half of the £1,500 for someone aged 25 or over
    assert reverse("payments:employer_incentives") in body
    assert reverse("payments:employer_payouts_start", args=[w.employer.pk]) in body


def test_a_ready_payout_account_shows_ready_and_no_stripe_button(client):
    w = world()
    body = _home(client, w.employer_user)
    assert "Your payout account is ready" in body
    assert reverse("payments:employer_payouts_start", args=[w.employer.pk]) not in body


def test_candidates_interviews_checks_opportunities_and_pledges_link_to_where_they_are_done(client):
    membership = _member()
    employer, programme = membership.employer, tees_programme()
    opportunity = OpportunityFactory(employer=employer, programme=programme, status="live",
                                     title="Bakery assistant")
    OpportunityFactory(employer=employer, programme=programme, status="draft")
    new = ProposalFactory(opportunity=opportunity, status=ProposalStatus.WITH_EMPLOYER,
                          participant=ParticipantFactory(programme=programme))
    booked = ProposalFactory(opportunity=opportunity, status=ProposalStatus.INTERVIEW_BOOKED,
                             participant=ParticipantFactory(programme=programme))
    Interview.objects.create(proposal=booked, date=days_ago(1), time=datetime.time(10),
                             format="in_person")
    placement = start_create(programme=programme, employer=employer, start_date=days_ago(30))
    checkpoint = Checkpoint.objects.create(
        placement=placement, name="4 weeks in work", kind="sustainment", due_on=days_ago(2),
        remind_on=days_ago(5), missed_after=timezone.localdate() + datetime.timedelta(days=20),
    )
    pledge = InterviewPledge.objects.create(
        employer=employer, programme=programme, interviews_pledged=4,
        period_start=days_ago(60), period_end=timezone.localdate() + datetime.timedelta(days=60),
    )
    PledgeInterview.objects.create(pledge=pledge, reference="a", interviewed_on=days_ago(3))

    body = _home(client, membership.user)
    assert "1 to review" in body
    assert reverse("pipeline:employer_candidate", args=[new.pk]) in body
    assert f"interviewed on {days_ago(1):%-d %B %Y}" in body and "Tell us how it went" in body
    assert reverse("pipeline:employer_checkpoint", args=[checkpoint.pk]) in body
    assert "Check due" in body
    assert f"{reverse('opportunities:employer_list')}?status=live" in body
    assert f"{reverse('opportunities:employer_list')}?status=draft" in body
    assert "1 of 4 held (25%)" in body and "3 to go" in body


def test_nothing_of_another_organisation_shows(client):
    mine, theirs = _member(), _member(EmployerFactory(name="Other Works Ltd"))
    programme = tees_programme()
    opportunity = OpportunityFactory(employer=theirs.employer, programme=programme, status="live",
                                     title="Secret job")
    ProposalFactory(opportunity=opportunity, status=ProposalStatus.WITH_EMPLOYER,
                    participant=ParticipantFactory(programme=programme))
    body = _home(client, mine.user)
    assert "Other Works" not in body and "Secret job" not in body
    assert "None waiting" in body


@pytest.mark.parametrize("role", [Role.KEY_WORKER, Role.PARTNER_STAFF, Role.FINANCE_OFFICER])
def test_only_employers_have_the_home(client, role):
    client.force_login(UserFactory(role=role))
    assert client.get(HOME).status_code == 403


def test_the_home_reads_the_same_number_of_queries_for_more_rows(client):
    def build(rows):
        membership = _member(EmployerFactory())
        programme = tees_programme()
        opportunity = OpportunityFactory(employer=membership.employer, programme=programme,
                                         status="live")
        for _ in range(rows):
            ProposalFactory(opportunity=opportunity, status=ProposalStatus.WITH_EMPLOYER,
                            participant=ParticipantFactory(programme=programme))
            booked = ProposalFactory(opportunity=opportunity,
                                     status=ProposalStatus.INTERVIEW_BOOKED,
                                     participant=ParticipantFactory(programme=programme))
            Interview.objects.create(proposal=booked, date=days_ago(1),
                                     time=datetime.time(10), format="in_person")
            ProposalFactory(opportunity=opportunity, status=ProposalStatus.OFFERED,
                            participant=ParticipantFactory(programme=programme))
        return membership.user

    counts = []
    for rows in (3, 15):
        user = build(rows)
        client.force_login(user)
        client.get(HOME)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_brand_new_employer_without_an_organisation_is_told_what_to_do_first(client):
    user = UserFactory(role=Role.EMPLOYER, email="new@nowhere-yet.example")
    client.force_login(user)
    body = client.get(HOME).content.decode()
    assert "What to do first" in body
    assert reverse("employers:organisation_create") in body
    assert "Offer an opportunity" in body and "Set up the payout account" in body
    assert "Cannot start yet" in body  # they need an organisation first


def test_incentives_and_the_payout_account_are_in_the_employer_navigation(client):
    body = _home(client, _member().user)
    nav = body.split('class="govuk-service-navigation__list"', 1)[-1].split("</ul>", 1)[0]
    assert reverse("payments:employer_incentives") in nav
    assert reverse("payments:employer_payouts") in nav


def test_what_partners_did_for_the_employer_is_listed_with_their_name(client):
    from brokerage.audit.services import audit_event_record
    from tests.factories.reference import PartnerFactory

    membership = _member()
    partner = PartnerFactory(name="Stockton Works")
    staff = UserFactory(role=Role.PARTNER_STAFF, partner=partner, first_name="Priya",
                        last_name="Shah")
    audit_event_record(actor=staff, action="employers.edit", obj=membership.employer,
                       summary="Updated the address of Norton Bakery Ltd")
    body = _home(client, membership.user)
    assert "Updated the address of Norton Bakery Ltd" in body
    assert "Stockton Works" in body
    assert reverse("employers:activity", args=[membership.employer.pk]) in body


def test_after_the_interview_and_after_offered_the_employer_sees_the_next_step(client):
    membership = _member()
    programme = tees_programme()
    opportunity = OpportunityFactory(employer=membership.employer, programme=programme,
                                     status="live", title="Bakery assistant")

    def proposal(status):
        return ProposalFactory(opportunity=opportunity, status=status,
                               participant=ParticipantFactory(programme=programme))

    interviewed = proposal(ProposalStatus.INTERVIEWED)
    offered, accepted = proposal(ProposalStatus.OFFERED), proposal(ProposalStatus.ACCEPTED)
    body = _home(client, membership.user)
    assert "1 outcome to record" in body
    assert reverse("pipeline:employer_candidate", args=[interviewed.pk]) in body
    assert "Next: offer the job or decline" in body
    assert "Jobs offered" in body
    assert reverse("pipeline:employer_candidate", args=[offered.pk]) in body
    assert "the candidate answers through their key worker" in body
    assert reverse("pipeline:employer_candidate", args=[accepted.pk]) in body
    assert "Next: agree a start date with their key worker" in body
