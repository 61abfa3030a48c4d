"""Issue 18: a person already proposed for an opportunity is shown as proposed on both match
pages, with a link to the proposal, instead of being offered again; the service refuses a
duplicate with a clear error and saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brokerage.pipeline.models import Proposal, ProposalStatus
from brokerage.pipeline.services.proposals import proposal_create
from tests.factories.pipeline import ProposalFactory

pytestmark = pytest.mark.usefixtures("pages_on_each_backend")


@pytest.fixture
def case(make_participant, make_opportunity):
    """Sam fits a labourer's job (already proposed, on 3 December) and a shop job (not yet)."""
    person = make_participant(licences=["cscs"], sector_interests=["construction"],
                              first_name="Sam", last_name="Lee")
    labourer = make_opportunity("DL1 1AA", title="Site labourer", sector="construction",
                                required_licences=["cscs"])
    shop = make_opportunity("TS18 1AA", title="Shop assistant", sector="retail")
    proposal = ProposalFactory(participant=person, opportunity=labourer,
                               proposed_by=person.key_worker)
    proposed_at = timezone.make_aware(datetime.datetime(2026, 12, 3, 10, 0))
    Proposal.objects.filter(pk=proposal.pk).update(created_at=proposed_at)
    return person, labourer, shop, proposal


def test_participant_matches_show_the_proposed_pair_and_offer_the_others(login, case):
    person, labourer, shop, proposal = case
    html = login(person.key_worker).get(
        reverse("search:participant_matches", args=[person.reference])
    ).content.decode()
    assert "Site labourer" in html and "Shop assistant" in html
    assert "Proposed on 3 December 2026" in html
    assert reverse("pipeline:proposal", args=[proposal.pk]) in html
    propose = reverse("pipeline:propose", args=[person.reference])
    assert f"{propose}?opportunity={labourer.pk}" not in html
    assert f"{propose}?opportunity={shop.pk}" in html


def test_candidates_page_shows_the_proposed_person_and_offers_the_others(
    login, case, make_participant
):
    person, labourer, _, proposal = case
    other = make_participant(licences=["cscs"], sector_interests=["construction"],
                             key_worker=person.key_worker)
    html = login(person.key_worker).get(
        reverse("search:opportunity_candidates", args=[labourer.pk])
    ).content.decode()
    assert person.reference in html and other.reference in html
    assert "Proposed on 3 December 2026" in html
    assert reverse("pipeline:proposal", args=[proposal.pk]) in html
    assert f"{reverse('pipeline:propose', args=[person.reference])}?opportunity" not in html
    assert f"{reverse('pipeline:propose', args=[other.reference])}?opportunity={labourer.pk}" in html


def test_a_declined_proposal_may_be_made_again(login, case):
    person, labourer, _, proposal = case
    Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.DECLINED)
    html = login(person.key_worker).get(
        reverse("search:participant_matches", args=[person.reference])
    ).content.decode()
    assert "Proposed on" not in html
    assert f"{reverse('pipeline:propose', args=[person.reference])}?opportunity={labourer.pk}" in html


def test_the_service_refuses_a_duplicate_with_a_clear_error(case):
    person, labourer, _, _ = case
    with pytest.raises(ValidationError) as error:
        proposal_create(actor=person.key_worker, participant=person, opportunity=labourer,
                        note="Keen and reliable.", share_details_at_interview=True)
    assert error.value.message_dict["opportunity"] == [
        "Sam Lee has already been proposed for this opportunity"
    ]
    assert Proposal.objects.filter(participant=person, opportunity=labourer).count() == 1


def test_posting_the_propose_form_again_is_refused(login, case):
    person, labourer, _, _ = case
    response = login(person.key_worker).post(
        reverse("pipeline:propose", args=[person.reference]),
        {"opportunity": labourer.pk, "note": "Keen and reliable.", "share_details_at_interview": "on"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Proposal.objects.filter(participant=person, opportunity=labourer).count() == 1
