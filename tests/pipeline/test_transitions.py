"""Proposal statuses: the legal path, refusals, who may act, reasons, pledges and places."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.opportunities.models import InterviewPledge, PledgeInterview
from brokerage.pipeline.models import Proposal, ProposalStatus
from brokerage.pipeline.services.proposals import (
    _count_pledge_interview,
    identity_revealed,
    interview_book,
    proposal_create,
    proposal_open,
    proposal_transition,
)
from portal.accounts.roles import Role
from portal.core.exceptions import IllegalTransition
from tests.factories.opportunities import OpportunityFactory
from tests.factories.reference import UserFactory
from tests.pipeline.conftest import advance

S = ProposalStatus


def test_happy_path_records_who_and_when_for_every_step(proposal, key_worker, employer_user):
    proposal_open(actor=employer_user, proposal=proposal)
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="accepted")
    events = list(proposal.events.values_list("to_status", "actor_id"))
    assert events == [
        (S.PROPOSED, key_worker.pk),
        (S.WITH_EMPLOYER, employer_user.pk),
        (S.INTERVIEW_BOOKED, employer_user.pk),
        (S.INTERVIEWED, employer_user.pk),
        (S.OFFERED, employer_user.pk),
        (S.ACCEPTED, key_worker.pk),
    ]
    assert (
        AuditEvent.objects.filter(
            action__startswith="pipeline.", object_id=str(proposal.pk)
        ).count()
        >= 6
    )


def test_illegal_transitions_are_refused_with_a_readable_message(
    proposal, key_worker, employer_user
):
    with pytest.raises(
        IllegalTransition, match="cannot make an offer on a candidate whose status is ‘proposed’"
    ):
        proposal_transition(actor=employer_user, proposal=proposal, action="offer")
    with pytest.raises(IllegalTransition):
        proposal_transition(actor=key_worker, proposal=proposal, action="accept")
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_each_side_may_only_take_its_own_steps(proposal, key_worker, employer_user):
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interviewed")
    with pytest.raises(ValidationError, match="cannot make an offer"):
        proposal_transition(actor=key_worker, proposal=proposal, action="offer")
    proposal_transition(actor=employer_user, proposal=proposal, action="offer")
    with pytest.raises(ValidationError, match="cannot record acceptance"):
        proposal_transition(actor=employer_user, proposal=proposal, action="accept")
    stranger = UserFactory(role=Role.EMPLOYER)
    with pytest.raises(ValidationError):
        proposal_transition(actor=stranger, proposal=proposal, action="refuse_offer", reason="x")


@pytest.mark.parametrize(
    "action,actor_name", [("decline", "employer_user"), ("withdraw", "key_worker")]
)
def test_declining_or_withdrawing_needs_a_reason(proposal, request, action, actor_name):
    actor = request.getfixturevalue(actor_name)
    with pytest.raises(ValidationError) as exc:
        proposal_transition(actor=actor, proposal=proposal, action=action, reason="  ")
    assert exc.value.message_dict == {"reason": ["Enter a reason"]}
    proposal_transition(
        actor=actor, proposal=proposal, action=action, reason="Role filled internally"
    )
    proposal.refresh_from_db()
    assert proposal.status_reason == "Role filled internally"
    assert proposal.events.last().reason == "Role filled internally"


def test_no_show_and_offer_refused_end_the_proposal(
    proposal, key_worker, employer_user, participant, opportunity
):
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interview_booked")
    proposal_transition(
        actor=key_worker, proposal=proposal, action="no_show", reason="Bus cancelled"
    )
    proposal.refresh_from_db()
    assert proposal.status == S.NO_SHOW and not proposal.is_open
    with pytest.raises(IllegalTransition):
        proposal_transition(actor=employer_user, proposal=proposal, action="interviewed")
    # A closed proposal does not block proposing them again.
    again = proposal_create(
        actor=key_worker,
        participant=participant,
        opportunity=opportunity,
        note="Rebooked",
        share_details_at_interview=False,
    )
    assert again.status == S.PROPOSED


def test_proposing_needs_consent_a_live_opportunity_and_no_open_proposal(
    key_worker, participant, opportunity, proposal
):
    with pytest.raises(ValidationError, match="already been proposed"):
        proposal_create(
            actor=key_worker,
            participant=participant,
            opportunity=opportunity,
            note="Again",
            share_details_at_interview=True,
        )
    draft = OpportunityFactory(employer=opportunity.employer, status="draft")
    with pytest.raises(ValidationError, match="live opportunities"):
        proposal_create(
            actor=key_worker,
            participant=participant,
            opportunity=draft,
            note="x",
            share_details_at_interview=True,
        )
    participant.consent_employer_profile = False
    participant.save()
    other = OpportunityFactory(employer=opportunity.employer, status="live")
    with pytest.raises(ValidationError, match="has not agreed"):
        proposal_create(
            actor=key_worker,
            participant=participant,
            opportunity=other,
            note="x",
            share_details_at_interview=True,
        )
    assert Proposal.objects.count() == 1


def test_another_key_worker_cannot_propose_someone_they_do_not_hold(
    participant, opportunity, programme
):
    other = UserFactory(role=Role.KEY_WORKER)
    with pytest.raises(ValidationError, match="cannot act for this participant"):
        proposal_create(
            actor=other,
            participant=participant,
            opportunity=opportunity,
            note="x",
            share_details_at_interview=True,
        )


def test_interviews_count_toward_the_pledge_once(
    proposal, key_worker, employer_user, opportunity, programme
):
    today = timezone.localdate()
    pledge = InterviewPledge.objects.create(
        employer=opportunity.employer,
        programme=programme,
        interviews_pledged=5,
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=300),
    )
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interviewed")
    assert PledgeInterview.objects.filter(pledge=pledge).count() == 1
    _count_pledge_interview(proposal)  # a retry changes nothing
    assert PledgeInterview.objects.filter(pledge=pledge).count() == 1


def test_interview_dates_in_the_past_are_refused(proposal, employer_user):
    with pytest.raises(ValidationError) as exc:
        interview_book(
            actor=employer_user,
            proposal=proposal,
            date=timezone.localdate() - datetime.timedelta(days=1),
            time=datetime.time(9, 30),
            format="video",
            location="",
        )
    assert set(exc.value.message_dict) == {"date", "location"}
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED and not proposal.interviews.exists()


def test_identity_is_revealed_only_once_an_interview_is_booked_and_consent_allows(
    proposal, key_worker, employer_user, participant
):
    assert not identity_revealed(proposal)
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interview_booked")
    assert identity_revealed(proposal)
    participant.consent_employer_profile = False  # consent withdrawn
    participant.save()
    proposal.refresh_from_db()
    assert not identity_revealed(proposal)


def test_identity_stays_hidden_if_the_person_did_not_agree(proposal, key_worker, employer_user):
    Proposal.objects.filter(pk=proposal.pk).update(share_details_at_interview=False)
    proposal.refresh_from_db()
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interview_booked")
    assert not identity_revealed(proposal)


def test_start_fills_a_place_on_the_opportunity(started, opportunity):
    opportunity.refresh_from_db()
    assert opportunity.places_filled == 1
    assert started.proposal.status == S.STARTED
