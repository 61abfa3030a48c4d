"""Step order and state are checked by the services, whatever a page offers: an interview's
outcome not before its time, a start only after an accepted offer (and asked about before the
opportunity's own start), a proposal already made shown as such, "Change the interview" from the
current booking, and a confirmation before withdrawing or approving and making live."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brokerage.opportunities.models import Opportunity, OpportunityStatus
from brokerage.pipeline.models import Placement, Proposal, ProposalStatus
from brokerage.pipeline.services.placements import placement_start
from brokerage.pipeline.services.proposals import interview_book, proposal_transition
from portal.accounts.roles import Role
from portal.core.exceptions import IllegalTransition
from tests.factories.opportunities import OpportunityFactory
from tests.factories.reference import UserFactory
from tests.pipeline.conftest import advance

pytestmark = pytest.mark.django_db
S = ProposalStatus


def _book(proposal, employer_user, *, days=2, time=datetime.time(14, 30)):
    return interview_book(
        actor=employer_user, proposal=proposal, date=timezone.localdate() + datetime.timedelta(days=days),
        time=time, format="in_person", location="Unit 4, Teesside Park",
    )


@pytest.mark.parametrize("action", ["interviewed", "no_show"])
def test_an_interview_outcome_cannot_be_recorded_before_the_interview(
    proposal, employer_user, key_worker, action
):
    interview = _book(proposal, employer_user)
    for actor in (employer_user, key_worker):
        with pytest.raises(IllegalTransition) as refused:
            proposal_transition(actor=actor, proposal=proposal, action=action, reason="Did not come")
        assert f"The interview is on {interview.date.day} {interview.date:%B %Y} at 2:30pm" in str(
            refused.value
        )
    proposal.refresh_from_db()
    assert proposal.status == S.INTERVIEW_BOOKED

    # Once its time has passed, it can.
    interview.date = timezone.localdate() - datetime.timedelta(days=1)
    interview.save()
    proposal_transition(actor=employer_user, proposal=proposal, action=action, reason="Did not come")
    proposal.refresh_from_db()
    assert proposal.status == (S.INTERVIEWED if action == "interviewed" else S.NO_SHOW)


def test_the_employer_page_says_why_an_early_outcome_is_refused(login, proposal, employer_user):
    _book(proposal, employer_user)
    response = login(employer_user).post(
        reverse("pipeline:employer_decide", args=[proposal.pk]), {"action": "interviewed"}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in body
    assert "Record what happened once it has taken place" in body


def _start(proposal, key_worker, start_date, **extra):
    return placement_start(
        actor=key_worker, proposal=proposal, job_title="Warehouse operative", start_date=start_date,
        hours_per_week=Decimal("37.5"), contract_type="permanent", **extra,
    )


def test_a_start_needs_an_accepted_offer(proposal, key_worker, employer_user, rules):
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interviewed")
    with pytest.raises(IllegalTransition, match="cannot record a start on a candidate whose status is"):
        _start(proposal, key_worker, timezone.localdate(), confirm_before_opportunity_start=True)
    assert not Placement.objects.exists()


def test_a_start_before_the_opportunitys_start_is_asked_about_first(
    proposal, key_worker, employer_user, opportunity, rules
):
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="accepted")
    today = timezone.localdate()
    Opportunity.objects.filter(pk=opportunity.pk).update(start_date=today + datetime.timedelta(days=7))
    proposal.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        _start(proposal, key_worker, today)
    assert refused.value.error_dict["start_date"][0].code == "before_opportunity_start"
    assert not Placement.objects.exists()
    placement = _start(proposal, key_worker, today, confirm_before_opportunity_start=True)
    assert placement.start_date == today


def test_the_start_page_asks_for_confirmation_then_records_it(
    login, proposal, key_worker, employer_user, opportunity, rules
):
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="accepted")
    today = timezone.localdate()
    Opportunity.objects.filter(pk=opportunity.pk).update(start_date=today + datetime.timedelta(days=7))
    url = reverse("pipeline:placement_start", args=[proposal.pk])
    data = {"job_title": "Warehouse operative", "start_date_day": today.day,
            "start_date_month": today.month, "start_date_year": today.year,
            "hours_per_week": "37.5", "contract_type": "permanent"}
    client = login(key_worker)
    body = client.post(url, data).content.decode()
    assert "The start date is before the opportunity starts" in body
    assert "Yes, they started before the opportunity&#x27;s start date" in body
    assert not Placement.objects.exists()
    response = client.post(url, {**data, "confirm_before_opportunity_start": "on"})
    assert response.status_code == 302 and Placement.objects.count() == 1


def test_change_the_interview_starts_from_the_current_booking(login, proposal, employer_user):
    interview = _book(proposal, employer_user, days=5, time=datetime.time(9, 15))
    body = login(employer_user).get(
        reverse("pipeline:employer_interview", args=[proposal.pk])
    ).content.decode()
    assert "Change the interview" in body
    assert f'value="{interview.date.day}"' in body and f'value="{interview.date.year}"' in body
    assert 'value="09:15"' in body and "Unit 4, Teesside Park" in body


def test_a_proposal_already_made_is_shown_as_such_not_dropped(login, proposal, key_worker, participant,
                                                              opportunity):
    url = reverse("pipeline:propose", args=[participant.reference]) + f"?opportunity={opportunity.pk}"
    body = login(key_worker).get(url).content.decode()
    assert "Already proposed" in body
    assert f"Jordan Reed was proposed for {opportunity.title}" in body
    assert reverse("pipeline:proposal", args=[proposal.pk]) in body


def test_withdrawing_a_candidate_asks_for_confirmation(login, proposal, key_worker):
    url = reverse("pipeline:proposal_decide", args=[proposal.pk])
    client = login(key_worker)
    body = client.post(url, {"action": "withdraw", "reason": "Found other work"}).content.decode()
    assert "Withdraw Jordan Reed from Warehouse operative?" in body
    assert "Yes, withdraw the candidate" in body
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED
    response = client.post(url, {"action": "withdraw", "reason": "Found other work", "confirm": "yes"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.WITHDRAWN


def test_approve_and_make_live_asks_for_confirmation(login, employer, programme):
    opportunity = OpportunityFactory(employer=employer, programme=programme, status="submitted")
    coordinator = UserFactory(role=Role.COORDINATOR)
    coordinator.programmes.add(programme)
    url = reverse("opportunities:moderation_detail", args=[opportunity.pk])
    client = login(coordinator)
    body = client.post(url, {"action": "approve"}).content.decode()
    assert f"Approve ‘{opportunity.title}’ and make it live?" in body
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.SUBMITTED
    assert client.post(url, {"action": "approve", "confirm": "yes"}).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.LIVE
    assert Proposal.objects.count() == 0
