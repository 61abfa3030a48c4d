import json

import pytest
from django.urls import reverse
from django.utils import timezone

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import Participant, ParticipantStatus
from brokerage.participants.selectors import participants_for_user, shareable_participants
from brokerage.participants.services import assessment_record, consent_record, contact_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_record(participant, key_worker):
    participant.email, participant.ni_number = "jordan@example.com", "AB123456C"
    participant.save()
    consent_record(participant=participant, actor=key_worker, scopes=["employer_profile"],
                   given_on=timezone.localdate(), method="in_person")
    assessment_record(
        participant=participant,
        actor=key_worker,
        assessed_on=timezone.localdate(),
        barriers=["debt"],
        skills=["painting"],
        work_history="Decorator for 4 years",
        readiness="getting_ready",
    )
    contact_record(participant=participant, actor=key_worker, happened_at=timezone.now(), method="phone",
                   summary="Talked about debts with Tees Credit Union")
    participant.refresh_from_db()
    return participant


def test_subject_access_export_json_and_page(login, coordinator, full_record):
    client = login(coordinator)
    response = client.get(reverse("participants:export_json", args=[full_record.reference]))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["personal_details"]["national_insurance_number"] == "AB123456C"
    assert data["assessments"][0]["work_history"] == "Decorator for 4 years"
    assert data["contacts"][0]["summary"] == "Talked about debts with Tees Credit Union"
    assert data["consents"][0]["scope"].startswith("Share an anonymised profile")
    page = client.get(reverse("participants:export", args=[full_record.reference])).content.decode()
    assert "Decorator for 4 years" in page and "jordan@example.com" in page
    assert AuditEvent.objects.filter(action="participant.exported", object_id=str(full_record.pk)).count() == 2


def test_key_worker_cannot_export_or_erase(login, key_worker, full_record):
    client = login(key_worker)
    assert client.get(reverse("participants:export_json", args=[full_record.reference])).status_code == 403
    assert (
        client.post(
            reverse("participants:erase", args=[full_record.reference]),
            {"reason": "x", "confirm": "on"},
        ).status_code
        == 403
    )
    assert Participant.objects.get(pk=full_record.pk).first_name == "Jordan"


def test_erasure_removes_personal_data_and_keeps_counts(login, coordinator, key_worker, full_record, programme):
    client = login(coordinator)
    url = reverse("participants:erase", args=[full_record.reference])
    response = client.post(url, {"reason": ""})
    assert "Give the reason for erasing this record" in response.content.decode()
    assert "Confirm that you understand" in response.content.decode()

    response = client.post(url, {"reason": "Erasure request ER-2291 by email", "confirm": "on"})
    assert "Personal data erased" in response.content.decode()
    p = Participant.objects.get(pk=full_record.pk)
    assert p.status == ParticipantStatus.ERASED and p.erased_at
    assert (p.first_name, p.last_name, p.email, p.ni_number, p.postcode, p.date_of_birth) == ("", "", "", "", "", None)
    assert not p.assessments.exists() and not p.contacts.exists() and not p.consents.exists()
    assert p.programme == programme and p.referred_on  # anonymous counts remain
    assert Participant.objects.filter(programme=programme).count() == 1
    assert p not in participants_for_user(key_worker)
    assert p not in shareable_participants()
    event = AuditEvent.objects.get(action="participant.erased", object_id=str(p.pk))
    assert event.actor == coordinator and event.data["reason"] == "Erasure request ER-2291 by email"
    # The NI number is free again: the person can be referred afresh if they come back.
    assert not Participant.objects.filter(ni_number="AB123456C").exists()
