"""Plan 500 mentoring: volunteer, choose, agree (up to 6 months), log contact, close."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from brokerage.pipeline import selectors
from brokerage.pipeline.models import MentoringAgreement, MentoringStatus, MentorProfile
from brokerage.pipeline.services.mentoring import (
    mentoring_agreement_close,
    mentoring_agreement_create,
    mentoring_contact_record,
)
from brokerage.reference.choices import Sector
from portal.core.exceptions import IllegalTransition
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.pipeline import MentorProfileFactory

D = datetime.date


def agree(key_worker, participant, mentor, **overrides):
    data = dict(
        sector=Sector.LOGISTICS,
        contact_method="Meet in person",
        place="Stockton library",
        frequency="Once a month",
        covers="CV and interviews",
        does_not_cover="Money or housing advice",
        starts_on=D(2026, 1, 10),
        ends_on=D(2026, 7, 10),
    )
    data.update(overrides)
    return mentoring_agreement_create(actor=key_worker, mentee=participant, mentor=mentor, **data)


def test_employer_volunteers_as_a_mentor(login, employer_user, employer):
    client = login(employer_user)
    bad = client.post(
        reverse("pipeline:employer_mentoring"), {"employer": employer.pk, "about": ""}
    )
    assert "Choose at least one sector" in bad.content.decode()
    assert not MentorProfile.objects.exists()
    client.post(reverse("pipeline:employer_mentoring"), {
        "employer": employer.pk, "sectors": [Sector.LOGISTICS], "about": "Warehouse manager",
        "trained_on_day": "15", "trained_on_month": "1", "trained_on_year": "2026",
    })
    assert MentorProfile.objects.get().trained_on == D(2026, 1, 15)


def test_mentee_chooses_from_trained_mentors_in_a_sector_that_interests_them(participant):
    logistics = MentorProfileFactory(sectors=[Sector.LOGISTICS])
    MentorProfileFactory(sectors=[Sector.RETAIL])
    MentorProfileFactory(sectors=[Sector.LOGISTICS], trained_on=None)  # not trained yet
    assert selectors.mentors_for_mentee(participant) == [logistics]


def test_agreement_lasts_up_to_six_months(key_worker, participant):
    mentor = MentorProfileFactory()
    with pytest.raises(ValidationError) as exc:
        agree(key_worker, participant, mentor, ends_on=D(2026, 7, 11))
    assert "up to 6 months" in exc.value.message_dict["ends_on"][0]
    with pytest.raises(ValidationError) as exc:
        agree(key_worker, participant, mentor, sector=Sector.RETAIL, does_not_cover="")
    assert set(exc.value.message_dict) == {"sector", "does_not_cover"}
    assert not MentoringAgreement.objects.exists()


def test_lifecycle_contact_log_and_close_by_mentor(key_worker, participant, login, time_machine):
    time_machine.move_to(datetime.datetime(2026, 4, 20, 12, tzinfo=datetime.UTC))
    mentor = MentorProfileFactory()
    agreement = agree(key_worker, participant, mentor)
    mentoring_contact_record(
        actor=mentor.user,
        agreement=agreement,
        happened_on=D(2026, 1, 20),
        method="in_person",
        summary="CV review",
    )
    mentoring_contact_record(
        actor=key_worker,
        agreement=agreement,
        happened_on=D(2026, 3, 3),
        method="phone",
        summary="Mock interview",
    )
    assert selectors.months_without_contact(agreement) == ["February 2026"]
    with pytest.raises(ValidationError, match="within the agreement"):
        mentoring_contact_record(
            actor=mentor.user,
            agreement=agreement,
            happened_on=D(2026, 1, 2),
            method="phone",
            summary="Before it started",
        )
    # Only the mentor closes it, with outcomes.
    with pytest.raises(ValidationError, match="Only the mentor"):
        mentoring_agreement_close(actor=key_worker, agreement=agreement, outcomes=["found_job"])
    with pytest.raises(ValidationError):
        mentoring_agreement_close(actor=mentor.user, agreement=agreement, outcomes=[])
    mentoring_agreement_close(
        actor=mentor.user,
        agreement=agreement,
        outcomes=["found_job"],
        notes="Started at a warehouse",
    )
    agreement.refresh_from_db()
    assert agreement.status == MentoringStatus.CLOSED and agreement.outcome_labels == [
        "Found a job"
    ]
    with pytest.raises(IllegalTransition):
        mentoring_contact_record(
            actor=mentor.user,
            agreement=agreement,
            happened_on=D(2026, 4, 1),
            method="phone",
            summary="After closing",
        )
    # The mentor sees the agreement with the mentee's contact details; another employer does not.
    body = (
        login(mentor.user)
        .get(reverse("pipeline:mentoring_agreement", args=[agreement.pk]))
        .content.decode()
    )
    assert "jordan.reed@example.com" in body and "Found a job" in body
    other = EmployerMembershipFactory().user
    assert (
        login(other).get(reverse("pipeline:mentoring_agreement", args=[agreement.pk])).status_code
        == 404
    )


def test_mentor_list_flags_mentors_with_fewer_than_two_mentees(login, key_worker, participant):
    mentor = MentorProfileFactory()
    agree(key_worker, participant, mentor)
    body = login(key_worker).get(reverse("pipeline:mentors")).content.decode()
    assert "Fewer than 2" in body
