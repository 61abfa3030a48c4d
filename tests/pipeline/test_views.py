"""Pages: who sees what (404 for what you may not see), identity reveal, bad input."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from brokerage.pipeline.models import CheckpointStatus, Proposal, ProposalStatus
from brokerage.pipeline.services.links import checkpoint_link_create
from brokerage.pipeline.services.proposals import proposal_transition
from brokerage.pipeline.services.route_ways import route_way_completion_record
from portal.accounts.roles import Role
from portal.core.exceptions import IllegalTransition
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory
from tests.factories.pipeline import ProposalFactory
from tests.factories.reference import UserFactory
from tests.pipeline.conftest import advance


def test_employer_sees_only_candidates_proposed_to_its_own_opportunities(
    login, proposal, employer_user
):
    elsewhere = ProposalFactory()  # another employer's opportunity
    page = login(employer_user).get(reverse("pipeline:employer_candidates"))
    assert page.status_code == 200
    assert proposal.participant.reference in page.content.decode()
    assert elsewhere.participant.reference not in page.content.decode()
    assert (
        login(employer_user)
        .get(reverse("pipeline:employer_candidate", args=[elsewhere.pk]))
        .status_code
        == 404
    )


def test_other_employer_gets_404(login, proposal):
    other = EmployerMembershipFactory().user
    client = login(other)
    for name in ("employer_candidate", "employer_interview", "employer_decline"):
        assert client.get(reverse(f"pipeline:{name}", args=[proposal.pk])).status_code == 404
    assert (
        proposal.participant.reference
        not in client.get(reverse("pipeline:employer_candidates")).content.decode()
    )


def test_staff_and_anonymous_cannot_open_employer_pages(client, login, proposal, key_worker):
    url = reverse("pipeline:employer_candidates")
    assert client.get(url).status_code == 302  # to sign in
    assert login(key_worker).get(url).status_code == 403


def test_profile_is_anonymous_until_an_interview_is_booked(
    login, proposal, employer_user, key_worker
):
    client = login(employer_user)
    url = reverse("pipeline:employer_candidate", args=[proposal.pk])
    body = client.get(url).content.decode()
    assert "Candidate " + proposal.participant.reference in body
    assert "forklift" in body
    assert "Jordan" not in body and "Reed" not in body and "jordan.reed@example.com" not in body
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITH_EMPLOYER  # opening it moved it on
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interview_booked")
    body = client.get(url).content.decode()
    assert "Jordan Reed" in body and "jordan.reed@example.com" in body and "07700 900123" in body


def test_no_reveal_without_consent_to_share_details(login, proposal, employer_user, key_worker):
    Proposal.objects.filter(pk=proposal.pk).update(share_details_at_interview=False)
    proposal.refresh_from_db()
    advance(proposal, key_worker=key_worker, employer_user=employer_user, to="interview_booked")
    body = (
        login(employer_user)
        .get(reverse("pipeline:employer_candidate", args=[proposal.pk]))
        .content.decode()
    )
    assert "Jordan" not in body and "jordan.reed@example.com" not in body


def test_booking_an_interview_with_bad_input_shows_errors_and_saves_nothing(
    login, proposal, employer_user
):
    url = reverse("pipeline:employer_interview", args=[proposal.pk])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = login(employer_user).post(url, {
        "date_day": yesterday.day, "date_month": yesterday.month, "date_year": yesterday.year,
        "time": "25:99", "format": "in_person", "location": "",
    })
    body = response.content.decode()
    assert "There is a problem" in body and "Enter a time like 09:30 or 14:30" in body
    assert not proposal.interviews.exists()


def test_employer_books_an_interview(
    login, proposal, employer_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    day = timezone.localdate() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(employer_user).post(
            reverse("pipeline:employer_interview", args=[proposal.pk]),
            {
                "date_day": day.day,
                "date_month": day.month,
                "date_year": day.year,
                "time": "10:30",
                "format": "video",
                "location": "https://meet.example.org/abc",
                "adjustments": "",
            },
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.INTERVIEW_BOOKED
    assert mail.outbox[-1].to == [proposal.participant.key_worker.email]


def test_decline_needs_a_reason(login, proposal, employer_user):
    url = reverse("pipeline:employer_decline", args=[proposal.pk])
    body = login(employer_user).post(url, {"reason": ""}).content.decode()
    assert "Enter a reason" in body
    proposal.refresh_from_db()
    assert proposal.status != ProposalStatus.DECLINED
    assert login(employer_user).post(url, {"reason": "Needs a forklift licence"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED


def test_key_worker_proposes_from_a_match_link(
    login, key_worker, participant, opportunity, employer_user
):
    client = login(key_worker)
    url = (
        reverse("pipeline:propose", args=[participant.reference]) + f"?opportunity={opportunity.pk}"
    )
    page = client.get(url)
    assert page.status_code == 200 and f'value="{opportunity.pk}" selected' in page.content.decode()
    bad = client.post(url, {"opportunity": opportunity.pk, "note": ""})
    assert "Enter a note for the employer" in bad.content.decode()
    assert not Proposal.objects.exists()
    ok = client.post(
        url,
        {"opportunity": opportunity.pk, "note": "Great fit", "share_details_at_interview": "on"},
    )
    proposal = Proposal.objects.get()
    assert ok.url == reverse("pipeline:proposal", args=[proposal.pk])
    assert proposal.share_details_at_interview and proposal.proposed_by == key_worker


def test_another_key_worker_gets_404(login, proposal, participant):
    other = UserFactory(role=Role.KEY_WORKER)
    client = login(other)
    assert client.get(reverse("pipeline:proposal", args=[proposal.pk])).status_code == 404
    assert client.get(reverse("pipeline:propose", args=[participant.reference])).status_code == 404
    assert (
        client.get(reverse("pipeline:participant", args=[participant.reference])).status_code == 404
    )
    assert (
        proposal.participant.full_name not in client.get(reverse("pipeline:home")).content.decode()
    )


def test_key_worker_pages_render(login, started, key_worker):
    client = login(key_worker)
    for url in (
        reverse("pipeline:home"),
        reverse("pipeline:placement", args=[started.pk]),
        reverse("pipeline:proposal", args=[started.proposal_id]),
        reverse("pipeline:participant", args=[started.participant.reference]),
        reverse("pipeline:progression", args=[started.pk]),
        reverse("pipeline:support", args=[started.pk]),
        reverse("pipeline:leaver", args=[started.pk]),
    ):
        assert client.get(url).status_code == 200, url
    from brokerage.participants.models import AccessLogEntry

    # Every staff view of a page inside the record is in the participant's access log.
    assert AccessLogEntry.objects.filter(participant=started.participant, user=key_worker,
                                         page="Pipeline: placement").exists()


def test_employer_confirms_from_the_emailed_link_without_signing_in(client, started):
    checkpoint = started.checkpoints.get(name="Job start sustained 4 weeks")
    token = checkpoint_link_create(checkpoint=checkpoint, email="priya@teescomponents.co.uk")
    url = reverse("pipeline:checkpoint_link", args=[token])
    assert "Does Jordan still work for you?" in client.get(url).content.decode()
    bad = client.post(url, {"still_employed": "yes", "hours_per_week": ""})
    assert "Enter the hours a week they work now" in bad.content.decode()
    done = client.post(url, {"still_employed": "yes", "hours_per_week": "37.5"})
    assert "Thank you" in done.content.decode()
    checkpoint.refresh_from_db()
    assert checkpoint.status == CheckpointStatus.MET
    again = client.get(url)
    assert again.status_code == 400 and "already been confirmed" in again.content.decode()


def test_tampered_link_shows_a_clear_error_page(client, started):
    checkpoint = started.checkpoints.first()
    token = checkpoint_link_create(checkpoint=checkpoint, email="a@example.org")
    response = client.get(reverse("pipeline:checkpoint_link", args=[token[:-3] + "abc"]))
    assert response.status_code == 400 and "This link does not work" in response.content.decode()


def test_employer_confirms_from_the_dashboard(login, started, employer_user):
    checkpoint = started.checkpoints.get(name="Job start sustained 4 weeks")
    client = login(employer_user)
    assert checkpoint.name in client.get(reverse("pipeline:employer_candidates")).content.decode()
    response = client.post(reverse("pipeline:employer_checkpoint", args=[checkpoint.pk]),
                           {"still_employed": "yes", "hours_per_week": "20"})
    assert "Thank you" in response.content.decode()
    other = EmployerMembershipFactory().user
    assert (
        login(other).get(reverse("pipeline:employer_checkpoint", args=[checkpoint.pk])).status_code
        == 404
    )


def test_guaranteed_interview_cannot_be_declined_before_interview(
    login, key_worker, participant, employer_user, opportunity
):
    from tests.factories.pipeline import RouteWayFactory

    route_way = RouteWayFactory(opportunity=opportunity)
    completion = route_way_completion_record(
        actor=key_worker,
        participant=participant,
        route_way=route_way,
        completed_on=timezone.localdate(),
    )
    proposal = completion.proposal
    assert proposal.guaranteed_interview
    body = (
        login(employer_user)
        .get(reverse("pipeline:employer_candidate", args=[proposal.pk]))
        .content.decode()
    )
    assert "guarantees them an interview" in body and ">Decline<" not in body
    with pytest.raises(IllegalTransition, match="guaranteed an interview"):
        proposal_transition(actor=employer_user, proposal=proposal, action="decline", reason="No")


def test_live_opportunity_of_other_employer_is_listed_for_proposal_but_not_drafts(
    login, key_worker, participant, opportunity
):
    draft = OpportunityFactory(status="draft", title="Secret draft")
    body = (
        login(key_worker)
        .get(reverse("pipeline:propose", args=[participant.reference]))
        .content.decode()
    )
    assert opportunity.title in body and draft.title not in body
