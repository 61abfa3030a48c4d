"""Decisions come with reasons: picked from the list coordinators keep (DecisionReason) plus the
person's own words, and shown to the key worker (candidates) or the employer (opportunities)."""

import pytest
from django.urls import reverse

from brokerage.opportunities.models import OpportunityStatus
from brokerage.pipeline.models import DecisionContext, DecisionReason, ProposalStatus
from portal.accounts.roles import Role
from tests.factories.opportunities import OpportunityFactory
from tests.factories.reference import UserFactory
from tests.pipeline.conftest import advance

pytestmark = pytest.mark.django_db


def _reason(context, label):
    return DecisionReason.objects.get(context=context, label=label)


def test_the_reason_lists_are_there_from_the_start_for_each_decision():
    for context in DecisionContext.values:
        assert DecisionReason.objects.filter(context=context, active=True).exists()
    assert DecisionReason.objects.filter(needs_explanation=True).count() == len(DecisionContext.values)


def test_declining_with_reasons_and_words_is_shown_to_the_key_worker(login, proposal, employer_user,
                                                                      key_worker):
    url = reverse("pipeline:employer_decline", args=[proposal.pk])
    page = login(employer_user).get(url).content.decode()
    assert "Why are you declining this candidate?" in page and "Too far to travel" in page
    far = _reason(DecisionContext.CANDIDATE_DECLINED, "Too far to travel")
    hours = _reason(DecisionContext.CANDIDATE_DECLINED, "Cannot work the hours or shifts")
    response = login(employer_user).post(url, {"reasons": [far.pk, hours.pk],
                                               "reason": "Lives 20 miles away, no early bus"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    expected = "Cannot work the hours or shifts; Too far to travel. Lives 20 miles away, no early bus"
    assert proposal.status_reason == expected
    body = login(key_worker).get(reverse("pipeline:proposal", args=[proposal.pk])).content.decode()
    assert expected in body


@pytest.mark.parametrize("data, message", [
    ({}, "Enter a reason or select one from the list"),
    ({"other": True}, "Say what the other reason is"),
    ({"reasons": ["999999"]}, "Select a valid choice"),
])
def test_a_decline_without_a_usable_reason_is_refused_and_nothing_changes(
    login, proposal, employer_user, data, message
):
    if data.pop("other", False):
        data = {"reasons": [_reason(DecisionContext.CANDIDATE_DECLINED,
                                    "Another reason (explain below)").pk]}
    data = {"reason": "", **data}  # the form as a browser sends it, with the box left empty
    response = login(employer_user).post(reverse("pipeline:employer_decline", args=[proposal.pk]), data)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert message in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status != ProposalStatus.DECLINED


def test_a_reason_a_coordinator_switched_off_is_not_offered(login, proposal, employer_user):
    DecisionReason.objects.filter(label="Too far to travel").update(active=False)
    page = login(employer_user).get(reverse("pipeline:employer_decline", args=[proposal.pk]))
    assert "Too far to travel" not in page.content.decode()


def test_an_unsuccessful_interview_needs_a_reason_from_the_interview_list(
    login, proposal, employer_user, key_worker
):
    proposal = advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interviewed")
    url = reverse("pipeline:employer_decide", args=[proposal.pk])
    client = login(employer_user)
    assert "Another candidate was a better fit" in client.get(
        reverse("pipeline:employer_candidate", args=[proposal.pk])).content.decode()
    refused = client.post(url, {"action": "decline"})
    assert "Enter a reason or select one from the list" in refused.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.INTERVIEWED
    better = _reason(DecisionContext.INTERVIEW_OUTCOME, "Another candidate was a better fit")
    assert client.post(url, {"action": "decline", "reasons": [better.pk]}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.status_reason == "Another candidate was a better fit"


def test_a_rejected_opportunity_carries_the_picked_reason_to_the_employer(login):
    opportunity = OpportunityFactory(status=OpportunityStatus.SUBMITTED)
    coordinator = login(UserFactory(role=Role.COORDINATOR))
    url = reverse("opportunities:moderation_reject", args=[opportunity.pk])
    assert "Pay is below the minimum wage" in coordinator.get(url).content.decode()
    refused = coordinator.post(url, {"reason": ""})
    assert "Enter a reason or select one from the list" in refused.content.decode()
    low = _reason(DecisionContext.OPPORTUNITY_REJECTED, "Pay is below the minimum wage")
    assert coordinator.post(url, {"reasons": [low.pk], "reason": "£9 an hour for a 30 year old"}).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.REJECTED
    assert opportunity.rejection_reason == "Pay is below the minimum wage. £9 an hour for a 30 year old"


def test_referring_back_keeps_the_picked_reason_in_the_note(login):
    opportunity = OpportunityFactory(status=OpportunityStatus.SUBMITTED)
    coordinator = login(UserFactory(role=Role.COORDINATOR))
    url = reverse("opportunities:moderation_refer_back", args=[opportunity.pk])
    dates = _reason(DecisionContext.OPPORTUNITY_REFERRED_BACK, "Dates need changing")
    response = coordinator.post(url, {"comment_title": "Use a plainer title", "reasons": [dates.pk]})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.REFERRED_BACK
    assert opportunity.events.order_by("-pk").first().note == "Dates need changing"
