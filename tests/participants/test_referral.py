import datetime

import pytest
from django.urls import reverse

from brokerage.audit.models import AuditEvent
from brokerage.participants.models import CareRequest, CareRequestStatus, Participant
from brokerage.participants.selectors import participants_for_user
from brokerage.participants.services import (
    DuplicateFound,
    care_request_create,
    care_request_decide,
    ni_number_normalise,
    referral_create,
)
from portal.accounts.roles import Role
from tests.factories.participants import ParticipantFactory
from tests.factories.reference import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form(programme, **overrides):
    data = {
        "programme": programme.pk, "referral_source": "jcp", "first_name": "Kayleigh", "last_name": "Dobson",
        "date_of_birth_day": "14", "date_of_birth_month": "2", "date_of_birth_year": "1999", "postcode": "ts18 3bx",
        "email": "kayleigh@example.com", "phone": "07700 900123", "ni_number": "", "benefit_type": "uc",
        "months_out_of_work": "9",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("value,expected", [("ab 12 34 56 c", "AB123456C"), ("AB123456D", "AB123456D"), ("", "")])
def test_ni_number_normalised(value, expected):
    assert ni_number_normalise(value) == expected


@pytest.mark.parametrize(
    "value", ["QQ1234567", "QQ123456C", "DA123456A", "GB123456A", "AO123456A", "AB123456E", "12345"]
)
def test_invalid_ni_numbers_rejected(value):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        ni_number_normalise(value)


def test_key_worker_takes_a_referral_and_holds_the_record(login, key_worker, programme):
    response = login(key_worker).post(reverse("participants:referral_start"), _form(programme))
    participant = Participant.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("participants:eligibility", args=[participant.reference])
    assert participant.key_worker == key_worker
    assert participant.postcode == "TS18 3BX" and participant.outward_code == "TS18"
    assert participant.area.name == "Stockton-on-Tees" and participant.latitude is not None
    assert participant.assessment_due_on == participant.referred_on + datetime.timedelta(days=14)
    assert participant.reference.startswith("P-") and len(participant.reference) == 10
    assert AuditEvent.objects.filter(action="participant.referred", object_id=str(participant.pk)).exists()


def test_bad_input_gets_clear_messages_and_saves_nothing(login, key_worker, programme):
    response = login(key_worker).post(
        reverse("participants:referral_start"),
        _form(
            programme,
            first_name="",
            postcode="XX99 9ZZ",
            ni_number="QQ12",
            date_of_birth_day="31",
            date_of_birth_month="2",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter their first name" in page
    assert "Enter a National Insurance number in the right format" in page
    assert "Enter a real date" in page
    assert "postcode" in page.lower()
    assert Participant.objects.count() == 0


def test_partner_staff_refer_but_cannot_see_the_record(login, programme):
    partner_staff = UserFactory(role=Role.PARTNER_STAFF, partner=PartnerFactory())
    client = login(partner_staff)
    response = client.post(reverse("participants:referral_start"), _form(programme), follow=True)
    participant = Participant.objects.get()
    assert "Referral sent" in response.content.decode() and participant.reference in response.content.decode()
    assert participant.key_worker is None and participant.referring_partner == partner_staff.partner
    assert client.get(reverse("participants:detail", args=[participant.reference])).status_code == 403
    assert client.get(reverse("participants:caseload")).status_code == 403


def test_same_ni_number_is_found_not_duplicated(login, key_worker, programme):
    other_worker = UserFactory(
        role=Role.KEY_WORKER,
        first_name="Sam",
        last_name="Holder",
        partner=PartnerFactory(name="Thirteen Group"),
    )
    existing = ParticipantFactory(programme=programme, key_worker=other_worker, ni_number="AB123456C",
                                  first_name="Kay", last_name="Dobson-Smith")
    response = login(key_worker).post(
        reverse("participants:referral_start"), _form(programme, ni_number="ab 12 34 56 c")
    )
    page = response.content.decode()
    assert "A record with this National Insurance number already exists" in page
    assert existing.reference in page and "Sam Holder" in page and "Thirteen Group" in page
    assert "None of these records is the person I am referring" not in page  # an NI match cannot be overridden
    assert Participant.objects.count() == 1


def test_similar_name_same_birth_date_and_postcode_is_found(login, key_worker, programme):
    existing = ParticipantFactory(programme=programme, first_name="Kayleigh", last_name="Dobson",
                                  date_of_birth=datetime.date(1999, 2, 14), postcode="TS18 3BX")
    client = login(key_worker)
    response = client.post(reverse("participants:referral_start"), _form(programme, first_name="Kaleigh"))
    page = response.content.decode()
    assert "This person may already have a record" in page and existing.reference in page
    assert Participant.objects.count() == 1
    # The key worker is sure it is someone else (e.g. a twin): confirmed, a new record is made.
    client.post(
        reverse("participants:referral_start"),
        _form(programme, first_name="Kaleigh", confirm_not_duplicate="on"),
    )
    assert Participant.objects.count() == 2


def test_different_birth_date_is_not_a_duplicate(key_worker, programme):
    ParticipantFactory(programme=programme, first_name="Kayleigh", last_name="Dobson",
                       date_of_birth=datetime.date(1999, 2, 14), postcode="TS18 3BX")
    referral_create(actor=key_worker, programme=programme, referral_source="self", first_name="Kayleigh",
                    last_name="Dobson", date_of_birth=datetime.date(2001, 2, 14), postcode="TS18 3BX")
    assert Participant.objects.count() == 2


def test_duplicate_check_raises_in_service(key_worker, programme):
    ParticipantFactory(programme=programme, ni_number="AB123456C")
    with pytest.raises(DuplicateFound) as exc:
        referral_create(actor=key_worker, programme=programme, referral_source="self", first_name="X",
                        last_name="Y", date_of_birth=datetime.date(1990, 1, 1), postcode="TS18 1AA",
                        ni_number="AB123456C", confirmed_not_duplicate=True)
    assert exc.value.duplicates[0]["exact"]


def test_transfer_request_approved_by_coordinator(login, key_worker, coordinator, programme):
    holder = UserFactory(role=Role.KEY_WORKER)
    existing = ParticipantFactory(programme=programme, key_worker=holder)
    client = login(key_worker)
    response = client.post(reverse("participants:care_request", args=[existing.reference]),
                           {"kind": "transfer", "reason": "Moved into our area"})
    assert response.status_code == 302
    assert not participants_for_user(key_worker).filter(pk=existing.pk).exists()

    request = CareRequest.objects.get()
    page = login(coordinator).get(reverse("participants:care_requests")).content.decode()
    assert "Moved into our area" in page
    login(coordinator).post(reverse("participants:care_request_decide", args=[request.pk]), {"decision": "approve"})
    existing.refresh_from_db()
    assert existing.key_worker == key_worker
    assert not participants_for_user(holder).filter(pk=existing.pk).exists()
    assert CareRequest.objects.get().status == CareRequestStatus.APPROVED


def test_shared_care_lets_both_workers_see_one_record(key_worker, coordinator, programme):
    holder = UserFactory(role=Role.KEY_WORKER)
    existing = ParticipantFactory(programme=programme, key_worker=holder)
    request = care_request_create(participant=existing, actor=key_worker, kind="shared_care", reason="Housing support")
    care_request_decide(care_request=request, actor=coordinator, approve=True)
    assert participants_for_user(key_worker).filter(pk=existing.pk).exists()
    assert participants_for_user(holder).filter(pk=existing.pk).exists()
    assert Participant.objects.count() == 1
