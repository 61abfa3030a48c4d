import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from brokerage.participants.models import Consent, ConsentScope
from brokerage.participants.selectors import (
    ProfileNotShareable,
    anonymised_profile,
    shareable_participants,
)
from brokerage.participants.services import consent_record, consent_withdraw
from tests.factories.reference import AreaFactory, PartnerFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_recording_consent_through_the_page(login, key_worker, participant):
    url = reverse("participants:consent", args=[participant.reference])
    client = login(key_worker)
    today = timezone.localdate()
    response = client.post(url, {"scopes": ["employer_profile", "dwp"], "given_on_day": today.day,
                                 "given_on_month": today.month, "given_on_year": today.year, "method": "in_person"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.consent_employer_profile and participant.consent_dwp
    assert not participant.consent_partner_details
    consent = Consent.objects.get(scope=ConsentScope.EMPLOYER_PROFILE)
    assert consent.recorded_by == key_worker and consent.method == "in_person"


def test_partner_sharing_needs_named_partners(login, key_worker, participant):
    today = timezone.localdate()
    response = login(key_worker).post(
        reverse("participants:consent", args=[participant.reference]),
        {"scopes": ["partner_details"], "given_on_day": today.day, "given_on_month": today.month,
         "given_on_year": today.year, "method": "phone"},
    )
    assert "Choose the partners the person agreed to share their details with" in response.content.decode()
    assert Consent.objects.count() == 0


def test_consent_in_the_future_is_refused(login, key_worker, participant):
    response = login(key_worker).post(
        reverse("participants:consent", args=[participant.reference]),
        {"scopes": ["dwp"], "given_on_day": "1", "given_on_month": "1", "given_on_year": "2099", "method": "phone"},
    )
    assert "must be today or in the past" in response.content.decode()
    assert Consent.objects.count() == 0


def test_withdrawal_hides_the_profile_at_once(login, key_worker, participant):
    partner = PartnerFactory(programmes=[participant.programme], areas=[participant.area])
    consent_record(participant=participant, actor=key_worker, scopes=["employer_profile", "partner_details"],
                   given_on=timezone.localdate(), method="in_person", partners=[partner])
    assert shareable_participants().filter(pk=participant.pk).exists()
    assert anonymised_profile(participant)["reference"] == participant.reference

    consent = Consent.objects.get(scope=ConsentScope.EMPLOYER_PROFILE)
    client = login(key_worker)
    response = client.post(reverse("participants:consent_withdraw", args=[participant.reference, consent.pk]),
                           {"note": "Told me on the phone"}, follow=True)
    assert "took effect immediately" in response.content.decode()
    participant.refresh_from_db()
    assert not participant.consent_employer_profile
    assert participant.consent_partner_details  # other consents are untouched
    assert not shareable_participants().filter(pk=participant.pk).exists()
    with pytest.raises(ProfileNotShareable):
        anonymised_profile(participant)


def test_withdrawing_twice_is_refused(key_worker, participant):
    from django.core.exceptions import ValidationError

    (consent,) = consent_record(participant=participant, actor=key_worker, scopes=["dwp"],
                                given_on=timezone.localdate(), method="phone")
    consent_withdraw(consent=consent, actor=key_worker)
    with pytest.raises(ValidationError):
        consent_withdraw(consent=consent, actor=key_worker)


def test_anonymised_profile_holds_no_personal_data(key_worker, participant):
    from brokerage.participants.services import assessment_record

    participant.email, participant.phone, participant.ni_number = "jordan@example.com", "07700 900456", "AB123456C"
    participant.save()
    consent_record(participant=participant, actor=key_worker, scopes=["employer_profile"],
                   given_on=timezone.localdate(), method="in_person")
    assessment_record(
        participant=participant,
        actor=key_worker,
        assessed_on=timezone.localdate(),
        barriers=["transport"],
        barrier_notes="Lives with his mum in TS18",
        skills=["Forklift", "customer service"],
        qualifications="GCSE English grade 4\nLevel 2 warehousing",
        licences=["cscs"],
        work_history="Jordan worked at Argos",
        sector_interests=["logistics"],
        hours_min=16,
        hours_max=37,
        max_travel_miles=10,
        readiness="job_ready",
        notes="Private note about his health",
    )
    participant.refresh_from_db()
    profile = anonymised_profile(participant)
    text = str(profile)
    for secret in ("Jordan", "Reed", "1990", "jordan@example.com", "07700", "AB123456C", "TS18 1AA",
                   "Private note", "Argos", "his mum"):
        assert secret not in text
    assert profile["outward_code"] == "TS18"
    assert profile["skills"] == ["customer service", "forklift"]
    assert profile["licences"] == ["CSCS card"]
    assert profile["qualifications"] == ["GCSE English grade 4", "Level 2 warehousing"]
    assert profile["hours"] == "16 to 37 hours a week"


def test_the_consent_page_lists_only_partners_on_the_persons_programme_and_area(login, key_worker, participant):
    local = PartnerFactory(name="Stockton Jobcentre Plus", programmes=[participant.programme], areas=[participant.area])
    elsewhere = PartnerFactory(name="Swindon Works", programmes=[participant.programme],
                               areas=[AreaFactory(name="Swindon")])
    other_programme = PartnerFactory(name="Plan 500 Partner", areas=[participant.area],
                                     programmes=[ProgrammeFactory(name="Plan 500", slug="plan-500")])
    url = reverse("participants:consent", args=[participant.reference])
    client = login(key_worker)

    page = client.get(url).content.decode()
    assert local.name in page
    assert elsewhere.name not in page and other_programme.name not in page

    today = timezone.localdate()
    response = client.post(url, {"scopes": ["partner_details"], "partners": [elsewhere.pk], "given_on_day": today.day,
                                 "given_on_month": today.month, "given_on_year": today.year, "method": "phone"})
    assert "Select a valid choice" in response.content.decode()
    assert Consent.objects.count() == 0


def test_the_service_refuses_a_partner_outside_the_persons_programme_and_area(key_worker, participant):
    outsider = PartnerFactory(name="Swindon Works", programmes=[participant.programme],
                              areas=[AreaFactory(name="Swindon")])
    with pytest.raises(ValidationError, match="Swindon Works does not work on this person's programme in their area"):
        consent_record(participant=participant, actor=key_worker, scopes=["partner_details"],
                       given_on=timezone.localdate(), method="phone", partners=[outsider])
    assert Consent.objects.count() == 0
