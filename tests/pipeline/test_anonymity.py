"""Anonymity from the employer's side: before an interview is booked, the employer's pages never
contain the candidate's name, phone, email, address, NI number or date of birth, whatever the key
worker writes; after the reveal (with consent) they do."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from brokerage.participants.models import Assessment
from brokerage.pipeline.models import Proposal, ProposalQuestion
from brokerage.pipeline.services.proposals import (
    interview_book,
    proposal_create,
    question_answer,
    question_ask,
)

pytestmark = pytest.mark.django_db

SECRETS = ["Jordan", "Reed", "07700 900123", "jordan.reed@example.com", "QQ123456C", "TS18 1AA",
           "12 Station Road", "17/05/1990"]


@pytest.fixture
def person(participant):
    participant.ni_number, participant.postcode = "QQ123456C", "TS18 1AA"
    participant.address, participant.date_of_birth = "12 Station Road", datetime.date(1990, 5, 17)
    participant.skills = ["forklift", "Jordan's own van"]
    participant.save()
    return participant


def _employer_pages(client, proposal) -> str:
    return "".join(
        client.get(url).content.decode()
        for url in (reverse("pipeline:employer_candidates"),
                    reverse("pipeline:employer_candidate", args=[proposal.pk]))
    )


def test_a_note_that_identifies_the_person_is_refused_with_what_to_remove(
    login, person, key_worker, opportunity
):
    url = reverse("pipeline:propose", args=[person.reference])
    response = login(key_worker).post(url, {
        "opportunity": opportunity.pk, "share_details_at_interview": "on",
        "note": "Jordan Reed is great, ring 07700 900123 or jordan.reed@example.com",
    })
    body = response.content.decode()
    assert "There is a problem" in body
    assert ("Remove their first name (Jordan), their surname (Reed), their email address "
            "(jordan.reed@example.com) and their phone number (07700 900123) from the note for the "
            "employer") in body
    assert not Proposal.objects.exists()


def test_the_employer_sees_nothing_identifying_until_the_interview_is_booked(
    login, person, key_worker, opportunity, employer_user
):
    Assessment.objects.filter(participant=person).delete()
    proposal = proposal_create(
        actor=key_worker, participant=person, opportunity=opportunity,
        note="Two years in a warehouse; keen to start.", share_details_at_interview=True,
    )
    # Something written before the rule (or changed in the database) is withheld all the same.
    Proposal.objects.filter(pk=proposal.pk).update(note="Jordan lives at 12 Station Road")
    question = question_ask(actor=employer_user, proposal=proposal, question="Any night shifts?")
    with pytest.raises(Exception, match="Remove their date of birth from your answer"):
        question_answer(actor=key_worker, question=question, answer="Yes: born 17/05/1990, so fine")
    question_answer(actor=key_worker, question=question, answer="Yes, nights are fine.")
    ProposalQuestion.objects.filter(pk=question.pk).update(answer="Ask for Reed on TS18 1AA")

    body = _employer_pages(login(employer_user), proposal)
    for secret in SECRETS:
        assert secret not in body, secret
    assert "forklift" in body
    assert "Not shown: it could identify the candidate" in body

    # The reveal: an interview is booked and the person agreed to share their details.
    interview_book(actor=employer_user, proposal=proposal,
                   date=timezone.localdate() + datetime.timedelta(days=2),
                   time=datetime.time(10, 0), format="in_person", location="Unit 4")
    body = _employer_pages(login(employer_user), proposal)
    assert "Jordan Reed" in body and "Jordan lives at 12 Station Road" in body
