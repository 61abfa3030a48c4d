"""Decisions come with reasons: picked from the list coordinators keep (DecisionReason) plus the
person's own words, and shown to the key worker (candidates) or the employer (opportunities)."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from brokerage.opportunities.models import OpportunityStatus
from brokerage.pipeline.models import (
    DecisionContext,
    DecisionReason,
    ProposalEvent,
    ProposalStatus,
)
from brokerage.pipeline.reasons import reasons_parse
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
    assert list(opportunity.events.get(to_status=OpportunityStatus.REJECTED).reasons.all()) == [low]


def test_referring_back_keeps_the_picked_reason_in_the_note(login):
    opportunity = OpportunityFactory(status=OpportunityStatus.SUBMITTED)
    coordinator = login(UserFactory(role=Role.COORDINATOR))
    url = reverse("opportunities:moderation_refer_back", args=[opportunity.pk])
    dates = _reason(DecisionContext.OPPORTUNITY_REFERRED_BACK, "Dates need changing")
    response = coordinator.post(url, {"comment_title": "Use a plainer title", "reasons": [dates.pk]})
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.REFERRED_BACK
    event = opportunity.events.order_by("-pk").first()
    assert event.note == "Dates need changing"
    assert list(event.reasons.all()) == [dates]


def test_opportunity_decisions_recorded_before_are_filled_from_their_note():
    opportunity = OpportunityFactory(status=OpportunityStatus.REJECTED)
    low = _reason(DecisionContext.OPPORTUNITY_REJECTED, "Pay is below the minimum wage")
    event = opportunity.events.create(from_status="submitted", to_status="rejected",
                                      note="Pay is below the minimum wage. £9 an hour")
    fill = importlib.import_module(
        "brokerage.opportunities.migrations.0006_opportunity_event_decision_reasons").fill
    fill(apps, None)
    assert list(event.reasons.all()) == [low]


# --- the picked reasons kept as data, and shown on the participant's record ------------------------


def _decline(login, proposal, employer_user, reasons, words):
    response = login(employer_user).post(
        reverse("pipeline:employer_decline", args=[proposal.pk]),
        {"reasons": [r.pk for r in reasons], "reason": words},
    )
    assert response.status_code == 302


def test_the_picked_reasons_are_kept_as_data_on_the_decision(login, proposal, employer_user):
    far = _reason(DecisionContext.CANDIDATE_DECLINED, "Too far to travel")
    hours = _reason(DecisionContext.CANDIDATE_DECLINED, "Cannot work the hours or shifts")
    _decline(login, proposal, employer_user, [far, hours], "No early bus")
    event = ProposalEvent.objects.get(proposal=proposal, to_status=ProposalStatus.DECLINED)
    assert set(event.reasons.all()) == {far, hours}
    # and can be counted: how often "too far to travel" was a reason to decline
    assert DecisionReason.objects.filter(
        proposal_events__to_status=ProposalStatus.DECLINED, label="Too far to travel"
    ).count() == 1


def test_an_interview_outcome_keeps_its_reason_as_data(login, proposal, employer_user, key_worker):
    proposal = advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interviewed")
    better = _reason(DecisionContext.INTERVIEW_OUTCOME, "Another candidate was a better fit")
    login(employer_user).post(reverse("pipeline:employer_decide", args=[proposal.pk]),
                              {"action": "decline", "reasons": [better.pk]})
    event = proposal.events.get(to_status=ProposalStatus.DECLINED)
    assert list(event.reasons.all()) == [better]


def test_words_alone_keep_no_reasons(login, proposal, employer_user):
    _decline(login, proposal, employer_user, [], "The role has been filled")
    assert not proposal.events.get(to_status=ProposalStatus.DECLINED).reasons.exists()


def test_the_participants_record_shows_the_reasons_and_words(login, proposal, employer_user,
                                                              key_worker, participant):
    far = _reason(DecisionContext.CANDIDATE_DECLINED, "Too far to travel")
    hours = _reason(DecisionContext.CANDIDATE_DECLINED, "Cannot work the hours or shifts")
    _decline(login, proposal, employer_user, [far, hours], "Lives 20 miles away, no early bus")
    url = reverse("pipeline:participant", args=[participant.reference])
    page = login(key_worker).get(url).content.decode()
    assert "Declined by employer" in page
    assert "<li>Too far to travel</li>" in page and "<li>Cannot work the hours or shifts</li>" in page
    assert "More detail:</strong> Lives 20 miles away, no early bus" in page
    # the labels are not repeated inside the words
    assert "Too far to travel. Lives" not in page
    other = login(UserFactory(role=Role.KEY_WORKER))
    assert other.get(url).status_code == 404


def test_the_participants_record_shows_no_reasons_for_an_open_proposal(login, proposal, key_worker,
                                                                       participant):
    page = login(key_worker).get(reverse("pipeline:participant", args=[participant.reference]))
    assert "More detail:" not in page.content.decode()
    assert "Reasons:" not in page.content.decode()


def test_reasons_parse_splits_labels_from_words():
    labels = ["Too far to travel", "Cannot work the hours or shifts"]
    assert reasons_parse("Cannot work the hours or shifts; Too far to travel. Bus", labels) == (
        ["Cannot work the hours or shifts", "Too far to travel"], "Bus")
    assert reasons_parse("Too far to travel", labels) == (["Too far to travel"], "")
    assert reasons_parse("Too far. Really", labels) == ([], "Too far. Really")
    assert reasons_parse("Too far to travel; and more", labels) == ([], "Too far to travel; and more")


def test_decisions_recorded_before_are_filled_from_their_text(proposal):
    far = _reason(DecisionContext.CANDIDATE_DECLINED, "Too far to travel")
    hours = _reason(DecisionContext.CANDIDATE_DECLINED, "Cannot work the hours or shifts")
    parsed = ProposalEvent.objects.create(
        proposal=proposal, from_status="with_employer", to_status="declined",
        reason="Cannot work the hours or shifts; Too far to travel. No early bus")
    words_only = ProposalEvent.objects.create(
        proposal=proposal, from_status="with_employer", to_status="declined",
        reason="Role filled")
    fill = importlib.import_module(
        "brokerage.pipeline.migrations.0009_fill_proposal_event_decision_reasons").fill
    fill(apps, None)
    assert set(parsed.reasons.all()) == {far, hours}
    assert not words_only.reasons.exists()
